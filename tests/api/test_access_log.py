"""Every API read of a case, a person or a shared record is an ``access`` entry in the audit trail."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from casework.models import Case, Person
from sharing.models import SharedRecord


@pytest.fixture
def world(shared_world, db):
    """One world for the module (see ``shared_world``); each test's writes are rolled back."""
    return shared_world


@pytest.fixture
def api(world):
    return world.api()


READS = {
    # name: (URL, the objects the read must log; all of them hope-house's)
    "case-detail": (lambda w: f"/api/v1/cases/{w.case(True).pk}/", lambda w: [w.case(True)]),
    "case-persons": (lambda w: f"/api/v1/cases/{w.case(True).pk}/persons/", lambda w: [w.bundle_a.survivor]),
    "inbox-detail": (lambda w: f"/api/v1/inbox/{w.record(True).pk}/", lambda w: [w.record(True)]),
    "cases-list": (lambda w: "/api/v1/cases/", lambda w: [w.case(True)]),
    "inbox-list": (lambda w: "/api/v1/inbox/", lambda w: [w.record(True)]),
}


def accesses(obj):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj),
        object_pk=str(obj.pk),
        action=LogEntry.Action.ACCESS,
    )


@pytest.mark.parametrize("name", list(READS))
def test_api_read_is_logged_as_an_access_by_the_api_client(name, world, api):
    url_for, objects_for = READS[name]
    url, objects = url_for(world), objects_for(world)
    assert not any(accesses(obj).exists() for obj in objects)
    response = api.get(url)
    assert response.status_code == 200, response.content
    for obj in objects:
        entry = accesses(obj).get()
        assert entry.actor_id == api.user.pk
        assert entry.additional_data["channel"] == "api"
        assert entry.additional_data["organization"] == "hope-house"
        assert entry.remote_addr == "127.0.0.1"
        assert entry.changes in (None, {}, "")


def test_each_read_is_a_new_access(world, api):
    url = f"/api/v1/cases/{world.case(True).pk}/"
    for _ in range(2):
        assert api.get(url).status_code == 200
    assert accesses(world.case(True)).filter(actor=api.user).count() == 2


def test_a_refused_read_logs_no_access_to_the_other_organizations_case(world, api):
    theirs = world.case(False)
    assert api.get(f"/api/v1/cases/{theirs.pk}/").status_code == 404
    assert api.get(f"/api/v1/cases/{theirs.pk}/persons/").status_code == 404
    assert not accesses(theirs).exists()
    assert not accesses(world.bundle_b.survivor).exists()


def test_a_session_read_through_the_api_is_logged_with_channel_api(world, client):
    client.force_login(world.sup_a)
    assert client.get(f"/api/v1/cases/{world.case(True).pk}/").status_code == 200
    entry = accesses(world.case(True)).get()
    assert (entry.actor_id, entry.additional_data["channel"]) == (world.sup_a.pk, "api")


def test_access_entries_name_the_kind_of_object(world, api):
    api.get(f"/api/v1/cases/{world.case(True).pk}/persons/")
    api.get(f"/api/v1/inbox/{world.record(True).pk}/")
    kinds = set(
        LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=api.user).values_list(
            "content_type__model", flat=True
        )
    )
    assert kinds == {m._meta.model_name for m in (Person, SharedRecord)}
    assert Case._meta.model_name not in kinds
