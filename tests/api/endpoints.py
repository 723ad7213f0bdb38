"""Every endpoint and verb of the SPEC's REST API table, declared once (NetBox ``APIViewTestCases`` style).

Each row only declares data: how to build the URL for an object of the caller's organization
(``mine=True``) or of another organization (``mine=False``), the scope it needs, a valid body, what
a permitted call must have done, and which audit entries a write must leave. ``test_endpoints.py``
runs the same generic checks over every row.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from accounts.choices import Role
from audit.models import DomainEvent
from casework.models import Case, Consent, Note, Person, ServiceNeed, Task, TechnologyIndicator
from casework.permissions import Action
from sharing.models import Share, SharedRecord
from tests.api.support import ALL_SCOPES, World

API = "/api/v1"

# ``Endpoint.access`` beside the case actions (``Action.VIEW``, ``CHANGE``, ``SHARE``): the
# organization's inbox of received records (its supervisors only, and the user a record is
# assigned to), and opening a new case (any caseworker or supervisor).
INBOX = "inbox"
OPEN_CASE = "open_case"


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str  # "{id}" stands for the target's id
    scope: str | None  # None: any authenticated caller
    target: Callable[[World, bool], Model] | None = None  # the object the path names
    body: Callable[[World, bool], dict] | None = None
    status: int = 200
    expect: Callable[[World, object, dict], None] | None = None  # (world, response, json) after a permitted call
    audit: Callable[[World, dict], QuerySet] | None = None  # entries a permitted write must leave
    role: str = Role.SUPERVISOR  # the API client's role
    # What a caller needs on hope-house's case A (or on its inbox) for this call to work; None
    # for the endpoints about no case, each listed in ``NOT_CASE_BOUND`` with the reason.
    access: str | None = None
    # For a supervisor's act: the status a caller holding ``access`` but not the role gets.
    supervisors_only: int | None = None

    @property
    def is_write(self) -> bool:
        return self.method not in ("GET", "HEAD", "OPTIONS")

    @property
    def changes_rows(self) -> bool:
        """False for reads and for a share preview: a permitted call to those leaves every domain row as it was."""
        return self.is_write and self.name != "share-preview"

    def url(self, world: World, mine: bool = True, object_id=None) -> str:
        if self.target is None:
            return self.path
        if object_id is None:
            object_id = self.target(world, mine).pk
        return self.path.format(id=object_id)

    def data(self, world: World, mine: bool = True):
        return self.body(world, mine) if self.body else None

    def __str__(self) -> str:
        return self.name


def changes(model, action, pk: Callable[[World, dict], object]):
    """The change-log entries about one object."""

    def entries(world: World, body: dict) -> QuerySet:
        return LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_pk=str(pk(world, body)), action=action
        )

    return entries


def events(event_type: str, pk: Callable[[World, dict], object]):
    """The domain events of one type about one object."""

    def entries(world: World, body: dict) -> QuerySet:
        return DomainEvent.objects.filter(event_type=event_type, object_id=str(pk(world, body)))

    return entries


def created(world: World, body: dict):
    return body["id"]


def ids(body: dict) -> list[str]:
    return [row["id"] for row in body["results"]]


# --- targets ---------------------------------------------------------------------------------


def case(world: World, mine: bool) -> Case:
    return world.case(mine)


def consent(world: World, mine: bool) -> Consent:
    return world.consent(mine)


def task(world: World, mine: bool) -> Task:
    """The case's automatic initial-assessment task."""
    return Task.objects.filter(case=world.case(mine)).order_by("created_at").first()


def share(world: World, mine: bool) -> Share:
    return world.share(mine)


def pending(world: World, mine: bool) -> Share:
    return world.pending(mine)


def record(world: World, mine: bool) -> SharedRecord:
    return world.record(mine)


def flag(world: World, mine: bool):
    """An open audit flag of hope-house (mine) or metro-police."""
    from django.utils import timezone

    from audit.models import Flag

    org = world.org_a if mine else world.org_b
    now = timezone.now()
    return Flag.objects.get_or_create(
        organization=org, key="test", defaults={"kind": "burst", "window_start": now, "window_end": now}
    )[0]


# --- bodies ----------------------------------------------------------------------------------


def share_body(world: World, mine: bool) -> dict:
    world.agreements  # noqa: B018 - the agreements must exist for a share to pass
    return {
        "recipient": world.partner(mine).slug,
        "purpose": "services",
        "legal_basis": "consent",
        "consent": str(world.consent(mine).pk),
    }


def consent_body(world: World, mine: bool) -> dict:
    return {
        "person": str(world.bundle(mine).survivor.pk),
        "categories": ["case_summary", "needs"],
        "purpose": "health_care",
        "method": "written",
        "scope_sectors": ["health"],
    }


# --- expectations ----------------------------------------------------------------------------


def expect_me(world, response, body):
    assert body["organization"] == {"slug": "hope-house", "name": "Hope House", "sector": "ngo"}
    assert body["role"] == "supervisor"
    assert body["is_service_account"] is True
    assert body["scopes"] == sorted(ALL_SCOPES)


def expect_case_created(world, response, body):
    case = Case.objects.select_related("organization", "created_by").get(pk=body["id"])
    assert case.organization == world.org_a
    assert case.created_by.is_service_account
    assert body["reference"].startswith("HH-")
    assert response["Location"] == f"/api/v1/cases/{case.pk}/"
    assert response["ETag"] == '"1"'


def expect_case_patched(world, response, body):
    case = Case.objects.get(pk=world.case(True).pk)
    assert (case.priority, case.version) == ("imminent", 2)
    assert (body["priority"], body["version"]) == ("imminent", 2)
    assert response["ETag"] == '"2"'


def expect_part(model, **values):
    def check(world, response, body):
        part = model.objects.get(pk=body["id"])
        assert part.case_id == world.case(True).pk
        for field, value in values.items():
            assert getattr(part, field) == value, field

    return check


def expect_list(rows: Callable[[World], list]):
    def check(world, response, body):
        assert sorted(ids(body)) == sorted(str(row.pk) for row in rows(world))

    return check


def expect_disclosures(world, response, body):
    """Case A's one delivered share is its one disclosure, hashed and per person."""
    (row,) = body["results"]
    assert row["share"] == str(world.share_a.pk) and row["version"] == 1
    assert len(row["payload_sha256"]) == 64 and row["persons"]
    assert row["revoked_at"] is None


def expect_share_created(world, response, body):
    created_share = Share.objects.select_related("requested_by").get(pk=body["id"])
    assert created_share.status == "queued"
    assert created_share.requested_by.is_service_account
    assert response["Location"] == f"/api/v1/shares/{created_share.pk}/"


def expect_status(model, target, status: str):
    def check(world, response, body):
        assert body["status"] == status
        assert model.objects.get(pk=target(world, True).pk).status == status

    return check


def expect_preview(world, response, body):
    assert body["schema"] == "casebridge.shared-case/v1"
    assert body["recipient_organization"]["slug"] == "metro-police"


def expect_matches(world, response, body):
    assert body["case"] == str(world.case(True).pk)
    assert [row["indicator"] for row in body["indicators"]] == [str(world.bundle_a.indicator.pk)]


def expect_withdrawn(world, response, body):
    assert body["withdrawn_at"] is not None
    assert Consent.objects.get(pk=world.consent(True).pk).withdrawn_at is not None


def expect_assigned(world, response, body):
    assert body["assigned_to"] == world.cw_a.username
    assert SharedRecord.objects.get(pk=world.record(True).pk).assigned_to == world.cw_a


def expect_audit_trail(world, response, body):
    assert body["results"], "building the world left entries about hope-house"
    assert {row["organization"] for row in body["results"]} <= {"hope-house", None}


def expect_accepted(world, response, body):
    assert body["status"] == "accepted"
    linked = Case.objects.get(pk=body["linked_case"])
    assert linked.organization == world.org_a


# --- the table -------------------------------------------------------------------------------

CASE_PARTS = {
    # name: (model, valid body, what the stored row must hold)
    "persons": (
        Person,
        {"role": "witness", "given_name": "Kofi", "phone": "(202) 555-0111"},
        {"phone": "+12025550111"},
    ),
    "notes": (Note, {"body": "Met at the shelter.", "sensitivity": "general"}, {"body": "Met at the shelter."}),
    "needs": (ServiceNeed, {"kind": "medical", "detail": "Check-up"}, {"kind": "medical"}),
    "indicators": (
        TechnologyIndicator,
        {"kind": "social_handle", "value": "@Velvet_Rooms", "platform": "Instagram"},
        {"value": "velvet_rooms"},
    ),
    "consents": (Consent, None, {"purpose": "health_care"}),
    "tasks": (Task, {"title": "Call the shelter", "due_at": "2030-01-02T09:00:00Z"}, {"title": "Call the shelter"}),
}
PART_ROWS = {
    "persons": lambda w: [w.bundle_a.survivor],
    "notes": lambda w: list(Note.objects.filter(case=w.case(True))),
    "needs": lambda w: list(ServiceNeed.objects.filter(case=w.case(True))),
    "indicators": lambda w: [w.bundle_a.indicator],
    "consents": lambda w: [w.bundle_a.consent],
    "tasks": lambda w: list(Task.objects.filter(case=w.case(True))),
}


def _part_endpoints() -> list[Endpoint]:
    rows = []
    for name, (model, body, stored) in CASE_PARTS.items():
        path = f"{API}/cases/{{id}}/{name}/"
        rows.append(
            Endpoint(
                f"{name}-list", "GET", path, "cases:read", case, expect=expect_list(PART_ROWS[name]), access=Action.VIEW
            )
        )
        rows.append(
            Endpoint(
                f"{name}-create",
                "POST",
                path,
                "cases:write",
                case,
                body=consent_body if body is None else (lambda world, mine, body=body: dict(body)),
                status=201,
                expect=expect_part(model, **stored),
                audit=changes(model, LogEntry.Action.CREATE, created),
                access=Action.CHANGE,
            )
        )
    return rows


ENDPOINTS: list[Endpoint] = [
    Endpoint("me", "GET", f"{API}/me/", None, expect=expect_me),
    Endpoint(
        "organizations-list",
        "GET",
        f"{API}/organizations/",
        None,
        expect=lambda w, r, body: [row["slug"] for row in body["results"]] == ["hope-house", "metro-police"],
    ),
    Endpoint(
        "agreements-list",
        "GET",
        f"{API}/agreements/",
        "shares:read",
        expect=lambda w, r, body: sorted(row["id"] for row in body["results"]) == sorted(a.pk for a in w.agreements),
    ),
    Endpoint(
        "cases-list",
        "GET",
        f"{API}/cases/",
        "cases:read",
        expect=expect_list(lambda w: [w.case(True)]),
        access=Action.VIEW,
    ),
    Endpoint(
        "cases-create",
        "POST",
        f"{API}/cases/",
        "cases:write",
        body=lambda w, mine: {"title": "Hotline referral", "case_type": "labor_trafficking", "priority": "high"},
        status=201,
        expect=expect_case_created,
        audit=changes(Case, LogEntry.Action.CREATE, created),
        access=OPEN_CASE,
    ),
    Endpoint(
        "case-detail",
        "GET",
        f"{API}/cases/{{id}}/",
        "cases:read",
        case,
        expect=lambda w, r, body: (body["id"], r["ETag"]) == (str(w.case(True).pk), '"1"'),
        access=Action.VIEW,
    ),
    Endpoint(
        "case-patch",
        "PATCH",
        f"{API}/cases/{{id}}/",
        "cases:write",
        case,
        body=lambda w, mine: {"priority": "imminent"},
        expect=expect_case_patched,
        audit=changes(Case, LogEntry.Action.UPDATE, lambda w, body: w.case(True).pk),
        access=Action.CHANGE,
    ),
    *_part_endpoints(),
    Endpoint(
        "consent-withdraw",
        "POST",
        f"{API}/consents/{{id}}/withdraw/",
        "cases:write",
        consent,
        expect=expect_withdrawn,
        audit=changes(Consent, LogEntry.Action.UPDATE, lambda w, body: w.consent(True).pk),
        access=Action.CHANGE,
    ),
    Endpoint(
        "task-patch",
        "PATCH",
        f"{API}/tasks/{{id}}/",
        "cases:write",
        task,
        body=lambda w, mine: {"done": True},
        expect=lambda w, r, body: body["done"] is True and Task.objects.get(pk=body["id"]).done_at is not None,
        audit=changes(Task, LogEntry.Action.UPDATE, lambda w, body: task(w, True).pk),
        access=Action.CHANGE,
    ),
    Endpoint(
        "share-preview",
        "POST",
        f"{API}/cases/{{id}}/share-preview/",
        "shares:write",
        case,
        body=share_body,
        expect=expect_preview,
        access=Action.SHARE,
    ),
    Endpoint(
        "share-create",
        "POST",
        f"{API}/cases/{{id}}/shares/",
        "shares:write",
        case,
        body=share_body,
        status=201,
        expect=expect_share_created,
        audit=events("share.requested", created),
        access=Action.SHARE,
    ),
    Endpoint(
        "case-disclosures",
        "GET",
        f"{API}/cases/{{id}}/disclosures/",
        "shares:read",
        case,
        expect=expect_disclosures,
        access=Action.VIEW,
    ),
    Endpoint(
        "shares-list",
        "GET",
        f"{API}/shares/",
        "shares:read",
        expect=expect_list(lambda w: [w.share_a, w.pending_a]),
        access=Action.VIEW,
    ),
    Endpoint(
        "share-detail",
        "GET",
        f"{API}/shares/{{id}}/",
        "shares:read",
        share,
        expect=lambda w, r, body: body["id"] == str(w.share_a.pk) and body["deliveries"],
        access=Action.VIEW,
    ),
    Endpoint(
        "share-approve",
        "POST",
        f"{API}/shares/{{id}}/approve/",
        "shares:write",
        pending,
        expect=expect_status(Share, pending, "queued"),
        audit=events("share.approved", lambda w, body: w.pending(True).pk),
        access=Action.SHARE,
        supervisors_only=400,
    ),
    Endpoint(
        "share-revoke",
        "POST",
        f"{API}/shares/{{id}}/revoke/",
        "shares:write",
        share,
        body=lambda w, mine: {"reason": "The survivor asked us to stop"},
        expect=expect_status(Share, share, "revoked"),
        audit=events("share.revoked", lambda w, body: w.share(True).pk),
        access=Action.SHARE,
    ),
    Endpoint(
        "inbox-list",
        "GET",
        f"{API}/inbox/",
        "inbox:read",
        expect=expect_list(lambda w: [w.record(True)]),
        access=INBOX,
    ),
    Endpoint(
        "inbox-detail",
        "GET",
        f"{API}/inbox/{{id}}/",
        "inbox:read",
        record,
        expect=lambda w, r, body: body["id"] == str(w.record(True).pk) and body["payload"]["schema"],
        access=INBOX,
    ),
    Endpoint(
        "inbox-acknowledge",
        "POST",
        f"{API}/inbox/{{id}}/acknowledge/",
        "inbox:write",
        record,
        expect=expect_status(SharedRecord, record, "acknowledged"),
        audit=events("shared_record.acknowledged", lambda w, body: w.record(True).pk),
        access=INBOX,
    ),
    Endpoint(
        "inbox-accept",
        "POST",
        f"{API}/inbox/{{id}}/accept/",
        "inbox:write",
        record,
        body=lambda w, mine: {"open_case": True},
        expect=expect_accepted,
        audit=events("shared_record.accepted", lambda w, body: w.record(True).pk),
        access=INBOX,
    ),
    Endpoint(
        "inbox-decline",
        "POST",
        f"{API}/inbox/{{id}}/decline/",
        "inbox:write",
        record,
        body=lambda w, mine: {"reason": "Outside our mandate"},
        expect=expect_status(SharedRecord, record, "declined"),
        audit=events("shared_record.declined", lambda w, body: w.record(True).pk),
        access=INBOX,
    ),
    Endpoint(
        "inbox-assign",
        "POST",
        f"{API}/inbox/{{id}}/assign/",
        "inbox:write",
        record,
        body=lambda w, mine: {"assigned_to": w.cw_a.username},
        expect=expect_assigned,
        audit=events("shared_record.assigned", lambda w, body: w.record(True).pk),
        access=INBOX,
    ),
    Endpoint(
        "indicator-matches",
        "GET",
        f"{API}/indicators/matches/?case={{id}}",
        "cases:read",
        case,
        expect=expect_matches,
        access=Action.VIEW,
    ),
    Endpoint(
        "audit-events",
        "GET",
        f"{API}/audit/events/",
        "audit:read",
        expect=expect_audit_trail,
        role=Role.AUDITOR,
    ),
    Endpoint("audit-flags", "GET", f"{API}/audit/flags/", "audit:read", role=Role.AUDITOR),
    Endpoint(
        "audit-flag-review",
        "POST",
        f"{API}/audit/flags/{{id}}/review/",
        "audit:write",
        flag,
        body=lambda w, mine: {"comment": "Checked with the supervisor"},
        expect=lambda w, r, body: body["reviewed"] is True,
        audit=events("audit.flag_reviewed", lambda w, body: body["id"]),
        role=Role.AUDITOR,
    ),
]

# Endpoints about no case of the caller's organization, so without the per-caller rows; the
# completeness test (``test_completeness.py``) holds every other endpoint to have them.
NOT_CASE_BOUND = {
    "me": "the caller's own identity and scopes, for any caller",
    "organizations-list": "the partner directory (slug, name, sector), for any caller",
    "agreements-list": "the organization's sharing agreements: no case content",
    "audit-events": "the audit trail, auditors only (role rows in tests/api/test_audit_api.py)",
    "audit-flags": "the unusual-access review queue, auditors only (tests/audit/)",
    "audit-flag-review": "an auditor's review of a flag (tests/audit/)",
}
CASE_BOUND = [e for e in ENDPOINTS if e.access is not None]

# Who may do what to hope-house's case A (SPEC: Users and roles, Per-object permissions). The
# callers are ``support.CALLERS``, plus the team member once the team is taken off the case.
FORMER_TEAM_MEMBER = "former_team_member"
MAY: dict[str, set] = {
    "supervisor": {Action.VIEW, Action.CHANGE, Action.SHARE, INBOX, OPEN_CASE},
    "assignee": {Action.VIEW, Action.CHANGE, Action.SHARE, OPEN_CASE},
    "team_member": {Action.VIEW, Action.CHANGE, OPEN_CASE},
    FORMER_TEAM_MEMBER: {OPEN_CASE},
    "outsider": {OPEN_CASE},
    # Separation of duties: in case A's team, and still no case content.
    "org_admin": set(),
    "auditor": set(),
}

WORKS, HIDDEN = "works", "hidden"


def outcome(endpoint: Endpoint, caller: str) -> str | int:
    """What ``caller``'s call to ``endpoint`` about case A must answer: ``WORKS`` (the endpoint's
    own status and expectations), ``HIDDEN`` (a 404 exactly like a missing object's, or a list
    without case A's rows), or a refusal status, all three checked by ``test_callers.py``.

    The refusals are what the API answers today, and none shows case content: a role that may
    not open cases gets 403 from ``case_create``; a caseworker who may share but not approve gets
    400 from ``share_approve``."""
    if endpoint.access not in MAY[caller]:
        return 403 if endpoint.access == OPEN_CASE else HIDDEN
    if endpoint.supervisors_only and caller != "supervisor":
        return endpoint.supervisors_only
    return WORKS


WITH_OBJECT = [e for e in ENDPOINTS if e.target is not None]
SCOPED = [e for e in ENDPOINTS if e.scope is not None]
WRITES = [e for e in ENDPOINTS if e.is_write and e.audit is not None]


def missing_id() -> uuid.UUID:
    return uuid.uuid4()
