"""The change log: every write is logged with its actor, and never shows who a person is."""

import datetime as dt
import json

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponse
from django.test import RequestFactory

from audit.context import acting_as
from audit.middleware import AuditContextMiddleware
from casework import services
from casework.models import Case, Consent, Note, Person, ServiceNeed, TechnologyIndicator

SECRETS = {
    "given_name": "Zephyrine",
    "family_name": "Quillfeather",
    "alias": "Little Wren",
    "date_of_birth": dt.date(2011, 3, 4),
    "phone": "+12025550143",
    "email": "zq@example.org",
    "address": "12 Lantern Row",
    "title": "Zephyrine at the harbour",
    "note": "Zephyrine said the van was blue",
    "indicator": "wrenhandle",
}


def _entries_for(obj):
    return LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_pk=str(obj.pk))


def _all_log_text() -> str:
    parts = []
    for entry in LogEntry.objects.all():
        parts += [entry.object_repr, json.dumps(entry.changes), json.dumps(entry.additional_data)]
        parts.append(json.dumps(entry.serialized_data))
    return "\n".join(parts)


@pytest.fixture
def logged_world(org, caseworker, supervisor):
    with acting_as(caseworker, remote_addr="203.0.113.7"):
        case = services.case_create(actor=caseworker, title=SECRETS["title"], case_type="sex_trafficking")
        person = services.person_add(
            actor=caseworker,
            case=case,
            role="survivor",
            given_name=SECRETS["given_name"],
            family_name=SECRETS["family_name"],
            aliases=[SECRETS["alias"]],
            date_of_birth=SECRETS["date_of_birth"],
            phone="(202) 555-0143",
            email=SECRETS["email"],
            address=SECRETS["address"],
        )
        note = services.note_add(actor=caseworker, case=case, body=SECRETS["note"], sensitivity="health")
        amendment = services.note_amend(actor=caseworker, note=note, body=SECRETS["note"] + ", not red")
        need = services.need_add(actor=caseworker, case=case, kind="shelter", detail="Needs a bed tonight")
        services.need_update(actor=caseworker, need=need, status="referred")
        indicator = services.indicator_add(
            actor=caseworker, case=case, kind="social_handle", value="@" + SECRETS["indicator"]
        )
        consent = services.consent_record(
            actor=caseworker,
            case=case,
            person=person,
            categories=["case_summary", "needs"],
            purpose="services",
            method="guardian",
            scope_sectors=["health"],
        )
        services.consent_withdraw(actor=caseworker, consent=consent)
        services.case_update(actor=caseworker, case=case, title=SECRETS["title"] + " (revised)", priority="high")
    with acting_as(supervisor, remote_addr="198.51.100.2"):
        services.case_assign(actor=supervisor, case=case, assigned_to=[caseworker, supervisor])
    return {
        "case": case,
        "person": person,
        "note": note,
        "amendment": amendment,
        "need": need,
        "indicator": indicator,
        "consent": consent,
    }


@pytest.mark.django_db
def test_every_write_is_logged_with_its_actor_and_address(logged_world, caseworker, supervisor):
    for name, obj in logged_world.items():
        entries = _entries_for(obj)
        assert entries.filter(action=LogEntry.Action.CREATE).exists(), name
        for entry in entries:
            assert entry.actor_id in (caseworker.pk, supervisor.pk), name
            assert entry.remote_addr in ("203.0.113.7", "198.51.100.2"), name
            assert entry.additional_data["organization"] == "hope-house", name
    case_updates = _entries_for(logged_world["case"]).filter(action=LogEntry.Action.UPDATE)
    assert {"title", "priority"} <= set().union(*(e.changes.keys() for e in case_updates))
    assert case_updates.filter(actor=supervisor).exists(), "the assignment is attributed to the supervisor"
    consent_updates = _entries_for(logged_world["consent"]).filter(action=LogEntry.Action.UPDATE)
    assert any("withdrawn_at" in e.changes for e in consent_updates)
    need_updates = _entries_for(logged_world["need"]).filter(action=LogEntry.Action.UPDATE)
    assert any(e.changes.get("status") == ["identified", "referred"] for e in need_updates)


@pytest.mark.django_db
def test_the_log_never_reveals_identity_contact_or_narrative(logged_world):
    text = _all_log_text()
    needles = [str(v) for v in SECRETS.values()] + ["2025550143", "2011-03-04", "Lantern", "Wren", "harbour"]
    for needle in needles:
        assert needle not in text, f"{needle!r} leaked into the audit log"
    person_create = _entries_for(logged_world["person"]).get(action=LogEntry.Action.CREATE)
    for field in ("given_name", "family_name", "aliases", "date_of_birth", "phone", "email", "address"):
        assert person_create.changes[field][1] == "[redacted]", field
    # Fields that are not sensitive stay readable for the auditor.
    assert person_create.changes["role"][1] == "survivor"


@pytest.mark.django_db
def test_deleting_a_case_is_logged(logged_world, caseworker):
    case = logged_world["case"]
    case_pk = str(case.pk)
    with acting_as(caseworker):
        Case.objects.filter(pk=case.pk).first().delete()
    ct = ContentType.objects.get_for_model(Case)
    assert LogEntry.objects.filter(content_type=ct, object_pk=case_pk, action=LogEntry.Action.DELETE).exists()
    for model in (Person, Note, ServiceNeed, TechnologyIndicator, Consent):
        assert not model.objects.filter(case_id=case_pk).exists()


@pytest.mark.django_db
def test_nested_actor_contexts_keep_the_outer_actor(org, caseworker, supervisor):
    with acting_as(supervisor):
        with acting_as(caseworker):
            inner = services.case_create(actor=caseworker, title="inner", case_type="other")
        outer = services.case_create(actor=supervisor, title="outer", case_type="other")
    assert _entries_for(inner).get(action=LogEntry.Action.CREATE).actor == caseworker
    assert _entries_for(outer).get(action=LogEntry.Action.CREATE).actor == supervisor


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("trusted_proxies", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.9"),  # nobody vouches for the header: ignore it
        (1, "6.6.6.6, 192.0.2.44", "192.0.2.44"),  # one proxy appended the real client
        (1, "", "10.0.0.9"),
    ],
)
def test_middleware_records_actor_and_a_trustworthy_address(
    settings, org, caseworker, trusted_proxies, forwarded, expected
):
    settings.CASEBRIDGE_TRUSTED_PROXY_COUNT = trusted_proxies
    created = {}

    def view(request):
        created["case"] = services.case_create(actor=request.user, title="from a request", case_type="other")
        return HttpResponse("ok")

    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().post("/", REMOTE_ADDR="10.0.0.9", **headers)
    request.user = caseworker
    AuditContextMiddleware(view)(request)
    entry = _entries_for(created["case"]).get(action=LogEntry.Action.CREATE)
    assert entry.actor == caseworker
    assert entry.remote_addr == expected


@pytest.mark.django_db
def test_an_actor_context_ends_with_its_block(org, caseworker):
    from audit.events import record_event

    with acting_as(caseworker):
        inside = record_event("indicators.matched", obj=org, organization=org)
    after = record_event("consent.withdrawn", obj=org, organization=org)
    assert inside.actor == caseworker
    assert after.actor is None, "a later event in the same thread must not inherit a finished actor"


@pytest.mark.django_db
def test_an_unknown_event_type_is_refused(org):
    from audit.events import record_event
    from audit.models import DomainEvent

    with pytest.raises(ValueError):
        record_event("share.aproved", obj=org, organization=org)
    assert not DomainEvent.objects.exists()
