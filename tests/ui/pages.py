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
