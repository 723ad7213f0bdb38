"""Flags fire on crafted histories and stay quiet on ordinary ones; computing twice adds nothing;
a review is audited. The CSV export streams the filtered trail, neutralises formulas and is an
access entry itself."""

import csv
import datetime as dt
import io

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from accounts.choices import Role
from audit.access import API, record_accesses
from audit.api.views import neutralise
from audit.choices import EventType
from audit.context import acting_as
from audit.events import record_event
from audit.flags import BURST, DENIALS, EMERGENCY, OUT_OF_HOURS, UNASSIGNED, compute_flags
from audit.models import DomainEvent, Flag
from audit.selectors import AuditFilters, audit_trail, who_accessed_case
from casework import services

NOON = dt.datetime(2026, 3, 4, 12, 0, tzinfo=dt.UTC)  # a Wednesday, within working hours in UTC


@pytest.fixture
def frozen_reads(monkeypatch):
    """Access entries written at a chosen time."""

    def at(moment, objects, actor):
        monkeypatch.setattr(timezone, "now", lambda: moment)
        record_accesses(objects, actor=actor, channel=API)
        monkeypatch.undo()

    return at


@pytest.fixture
def cases(org, caseworker, supervisor):
    with acting_as(supervisor):
        made = [services.case_create(actor=supervisor, title=f"c{i}", case_type="other") for i in range(4)]
        services.case_assign(actor=supervisor, case=made[0], assigned_to=[caseworker])
    return made


@pytest.mark.django_db
def test_ordinary_work_raises_no_flag(cases, caseworker, supervisor, frozen_reads):
    frozen_reads(NOON, [cases[0]], caseworker)  # the caseworker's own case, in working hours
    frozen_reads(NOON, cases, supervisor)  # a supervisor reads every case
    assert compute_flags(now=NOON + dt.timedelta(hours=1)) == 0


@pytest.mark.django_db
def test_unassigned_read_out_of_hours_burst_and_denials_fire_once(settings, org, cases, caseworker, frozen_reads):
    settings.CASEBRIDGE_FLAG_BURST_CASES = 2
    frozen_reads(NOON, [cases[1]], caseworker)  # not assigned to them
    night = NOON.replace(hour=2)
    frozen_reads(night, [cases[0]], caseworker)  # their case, at 2 am
    frozen_reads(NOON + dt.timedelta(minutes=1), cases[:4], caseworker)  # four cases in a minute
    for _ in range(3):
        record_event(EventType.PERMISSION_DENIED, obj=cases[0], organization=org, actor=caseworker)
    created = compute_flags(now=NOON + dt.timedelta(hours=1))
    kinds = sorted(Flag.objects.values_list("kind", flat=True))
    assert UNASSIGNED in kinds and OUT_OF_HOURS in kinds and BURST in kinds and DENIALS in kinds
    assert kinds.count(OUT_OF_HOURS) == 1 and kinds.count(BURST) == 1
    assert created == len(kinds)
    assert compute_flags(now=NOON + dt.timedelta(hours=1)) == 0, "idempotent"
    assert Flag.objects.count() == created
    flagged = audit_trail(auditor=_auditor(org), filters=AuditFilters(flagged=True, action="access"), limit=100)
    assert flagged and {e["actor"] for e in flagged} == {caseworker.username}


def _auditor(org):
    from tests.factories import UserFactory

    return UserFactory(organization=org, role=Role.AUDITOR)


@pytest.mark.django_db
def test_an_emergency_share_is_flagged_and_an_auditor_reviews_it(org, cases, supervisor, make_api_free_client):
    import types
    import uuid

    from sharing.models import Share

    share = types.SimpleNamespace(_meta=Share._meta, pk=uuid.uuid4())  # the event is what flags read
    record_event(EventType.SHARE_EMERGENCY, obj=share, organization=org, actor=supervisor)
    assert compute_flags() == 1 and compute_flags() == 0
    flag = Flag.objects.get(kind=EMERGENCY)
    assert (flag.object_id, flag.subject) == (str(share.pk), supervisor)
    auditor = _auditor(org)
    client = make_api_free_client(auditor)
    url = f"/api/v1/audit/flags/{flag.pk}/review/"
    response = client.post(url, {"comment": "Checked with the team"}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["reviewed_by"] == auditor.username
    again = client.post(url, {"comment": "twice"}, content_type="application/json")
    assert again.status_code == 400
    event = DomainEvent.objects.get(event_type=EventType.AUDIT_FLAG_REVIEWED)
    assert (event.actor, event.object_id) == (auditor, str(flag.pk))
    assert "Checked" not in str(event.data)
    listed = client.get("/api/v1/audit/flags/?reviewed=true").json()["results"]
    assert [row["id"] for row in listed] == [flag.pk]


@pytest.fixture
def make_api_free_client(client):
    def make(user):
        client.force_login(user)
        return client

    return make


def test_formula_cells_are_neutralised():
    for bad in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(bad).startswith("'")
    assert neutralise("plain") == "plain"


@pytest.mark.django_db
def test_csv_export_streams_the_filtered_trail_and_is_an_access(org, cases, caseworker, frozen_reads, client):
    frozen_reads(NOON, [cases[0], cases[1]], caseworker)
    auditor = _auditor(org)
    client.force_login(auditor)
    reference = cases[0].reference
    response = client.get(f"/api/v1/audit/events/?format=csv&reference={reference}&action=access")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["object_id"] for row in rows] == [str(cases[0].pk)]
    export = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=auditor).get()
    assert export.additional_data["export"] == "audit_trail.csv"
    assert [e["actor"] for e in who_accessed_case(auditor=auditor, reference=reference)] == [caseworker.username]
