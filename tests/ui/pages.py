"""Every page of the caseworker workspace, declared once with what each kind of user must get.

A row names a URL of ``casework.urls`` (or the start page), how to fill in its arguments from
the world, the method, a body for a POST, and the answer for each user:
``200`` (or the POST's redirect), ``403`` (a role without case content, or not a supervisor),
``404`` (a case that is not yours: exactly like a missing one) or ``LOGIN`` (anonymous).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

LOGIN = "login"
USERS = ("assigned", "unassigned", "supervisor", "org_admin", "auditor", "foreign", "anonymous")

# Who gets what, by kind of page.
CASE_PAGE = {
    "assigned": 200,
    "unassigned": 404,
    "supervisor": 200,
    "org_admin": 403,
    "auditor": 403,
    "foreign": 404,
    "anonymous": LOGIN,
}
WORKSPACE = {
    "assigned": 200,
    "unassigned": 200,
    "supervisor": 200,
    "org_admin": 403,
    "auditor": 403,
    "foreign": 200,
    "anonymous": LOGIN,
}
START = dict.fromkeys(USERS, 200) | {"anonymous": LOGIN}
SUPERVISOR_PAGE = CASE_PAGE | {"assigned": 403, "unassigned": 403}
SUPERVISOR_WORKSPACE = WORKSPACE | {"assigned": 403, "unassigned": 403}
AUDITOR_PAGE = dict.fromkeys(USERS, 403) | {"auditor": 200, "anonymous": LOGIN}


@dataclass(frozen=True)
class Page:
    name: str
    args: Callable = lambda w: []
    expected: dict = field(default_factory=lambda: dict(CASE_PAGE))
    method: str = "GET"
    body: Callable | None = None
    shows_case: bool = True  # one object's content: exactly one access entry per request
    ok: int = 200  # what a permitted request answers (a POST redirects)
    shows: Callable = lambda w: w.a.case  # the object whose access entry that is
    scales: bool = True  # only the case in the URL: the same page for a case with 50 of each part

    def __str__(self) -> str:
        return self.name


def case(w):
    return [w.a.case.pk]


def record(w):
    return [w.record.pk]


def shows_record(w):
    return w.record


def open_flag(w):
    """An unassigned-read flag about case A (made once per world, as ``compute_flags`` would)."""
    if not hasattr(w, "flag"):
        import datetime as dt

        from django.utils import timezone

        from audit.flags import UNASSIGNED
        from audit.models import Flag

        now = timezone.now()
        w.flag = Flag.objects.create(
            organization=w.org_a,
            kind=UNASSIGNED,
            subject=w.unassigned,
            object_type="casework.case",
            object_id=str(w.a.case.pk),
            window_start=now - dt.timedelta(hours=1),
            window_end=now,
            details={"reads": 1},
            key=f"{UNASSIGNED}:ui-world:{w.a.case.pk}",
        )
    return [w.flag.pk]


PAGES = [
    Page("home", expected=START, shows_case=False),
    Page("casework:case-list", expected=WORKSPACE, shows_case=False),
    Page("casework:case-create", expected=WORKSPACE, shows_case=False),
    Page("casework:case-detail", case),
    Page("casework:case-edit", case),
    Page("casework:case-assign", case, SUPERVISOR_PAGE),
    Page("casework:case-history", case),
    Page("casework:persons-add", case),
    Page("casework:notes-add", case),
    Page("casework:needs-add", case),
    Page("casework:indicators-add", case),
    Page("casework:consents-add", case),
    Page("casework:tasks-add", case),
    Page("casework:person-edit", lambda w: [w.a.case.pk, w.a.survivor.pk]),
    Page("casework:note-amend", lambda w: [w.a.case.pk, w.a.note.pk]),
    Page("casework:consent-withdraw", lambda w: [w.a.case.pk, w.a.consent.pk]),
    Page(
        "casework:need-status",
        lambda w: [w.a.case.pk, w.a.need.pk],
        method="POST",
        body=lambda w: {f"need-{w.a.need.pk}-version": w.a.case.version, f"need-{w.a.need.pk}-status": "met"},
        ok=302,
        shows_case=False,
    ),
    Page(
        "casework:task-done",
        lambda w: [w.a.case.pk, w.a.task.pk],
        method="POST",
        body=lambda w: {"version": w.a.case.version, "done": "true"},
        ok=302,
        shows_case=False,
    ),
    # Sharing in the browser.
    Page("sharing:share-start", case),
    Page("sharing:shares-section", case),
    Page("sharing:share-revoke", lambda w: [w.a.case.pk, w.share.pk], scales=False),
    Page("sharing:disclosures", case),
    Page("sharing:disclosures-csv", case),
    Page("sharing:approvals", expected=SUPERVISOR_WORKSPACE, shows_case=False),
    Page("sharing:approval-detail", lambda w: [w.pending.pk], SUPERVISOR_PAGE, scales=False),
    Page("sharing:inbox", expected=WORKSPACE, shows_case=False),
    Page("sharing:record-detail", record, shows=shows_record, scales=False),
    Page("sharing:record-accept", record, shows=shows_record, scales=False),
    Page("sharing:record-decline", record, shows=shows_record, scales=False),
    Page("sharing:record-acknowledge", record, method="POST", body=lambda w: {}, ok=302, shows_case=False),
    Page(
        "sharing:record-assign",
        record,
        SUPERVISOR_PAGE,
        method="POST",
        body=lambda w: {"assigned_to": w.assigned.pk},
        ok=302,
        shows_case=False,
    ),
    # The auditor's workspace.
    Page("audit:timeline", expected=AUDITOR_PAGE, shows_case=False),
    Page("audit:case-accesses", expected=AUDITOR_PAGE, shows_case=False),
    Page("audit:user-accesses", expected=AUDITOR_PAGE, shows_case=False),
    Page("audit:flags", expected=AUDITOR_PAGE, shows_case=False),
    Page(
        "audit:flag-review",
        open_flag,
        AUDITOR_PAGE,
        method="POST",
        body=lambda w: {f"flag-{w.flag.pk}-comment": "Covering for a colleague on leave."},
        ok=302,
        shows_case=False,
    ),
]

# The organization admin pages: an org admin of the organization only, never case content.
ORG_ADMIN_PAGE = dict.fromkeys(USERS, 403) | {"org_admin": 200, "anonymous": LOGIN}


def _team(w):
    from accounts.models import Team
    from accounts.services import team_create

    team = Team.objects.filter(organization=w.org_a, name="Night shift").first()
    return team or team_create(organization=w.org_a, name="Night shift")


def _agreement(w):
    from sharing.models import SharingAgreement

    return SharingAgreement.objects.filter(provider=w.org_a, recipient=w.org_c).first()


def _api_client(w):
    from accounts.models import ApiClient
    from accounts.services import api_client_create

    client = ApiClient.objects.filter(organization=w.org_a).first()
    return (
        client
        or api_client_create(organization=w.org_a, name="Partner CRM", role="caseworker", scopes=["cases:read"])[0]
    )


def _admin(name, args=lambda w: [], **kwargs):
    return Page(f"orgadmin:{name}", args, ORG_ADMIN_PAGE, shows_case=False, scales=False, **kwargs)


def _admin_post(name, args, body=lambda w: {}):
    return _admin(name, args, method="POST", body=body, ok=302)


PAGES += [
    _admin("users"),
    _admin("user-create"),
    _admin("user-detail", lambda w: [w.unassigned.pk]),
    _admin_post("user-role", lambda w: [w.unassigned.pk], lambda w: {"role-role": "supervisor"}),
    _admin_post("user-teams", lambda w: [w.unassigned.pk], lambda w: {"teams-teams": [_team(w).pk]}),
    _admin_post("user-unlock", lambda w: [w.unassigned.pk]),
    _admin_post("user-reset-mfa", lambda w: [w.unassigned.pk]),
    _admin_post("user-deactivate", lambda w: [w.unassigned.pk]),
    _admin("teams"),
    _admin("team-detail", lambda w: [_team(w).pk]),
    _admin_post("team-remove", lambda w: [_team(w).pk, w.unassigned.pk]),
    _admin("agreements"),
    _admin("agreement-create"),
    _admin("agreement-edit", lambda w: [_agreement(w).pk]),
    _admin_post("agreement-terminate", lambda w: [_agreement(w).pk]),
    _admin("api-clients"),
    _admin("api-client-detail", lambda w: [_api_client(w).pk]),
    _admin_post("api-client-revoke", lambda w: [_api_client(w).pk]),
    _admin("webhook"),
    # hope-house receives in its inbox: no webhook to rotate (tests/test_org_admin.py rotates one).
    Page(
        "orgadmin:webhook-rotate",
        expected=ORG_ADMIN_PAGE | {"org_admin": 404},
        method="POST",
        body=lambda w: {},
        shows_case=False,
        scales=False,
    ),
]
