"""Names of the case permissions and the one vocabulary of actions. The only place these strings
are spelled."""

import functools
from enum import StrEnum


class Action(StrEnum):
    """What a caller wants to do with a case-bound object; every ``restrict()`` takes one of these.

    Cases and their parts: ``VIEW``, ``CHANGE``, ``SHARE``. Outgoing shares: ``VIEW`` (see it),
    ``SHARE`` (request, approve, revoke). Received records: ``VIEW``, ``ANSWER`` (acknowledge,
    accept, decline, and — for supervisors, a rule of the triage service — assign). An action a
    model does not know is refused, never mapped to another.
    """

    VIEW = "view"
    CHANGE = "change"
    SHARE = "share"
    ANSWER = "answer"


# The actions on a case and its parts.
CASE_ACTIONS = (Action.VIEW, Action.CHANGE, Action.SHARE)

VIEW_CASE = "view_case"
CHANGE_CASE = "change_case"
SHARE_CASE = "share_case"

CODENAME_FOR_ACTION = {Action.VIEW: VIEW_CASE, Action.CHANGE: CHANGE_CASE, Action.SHARE: SHARE_CASE}

# What each grant gives (SPEC, Per-object permissions).
OWNER_PERMISSIONS = (VIEW_CASE, CHANGE_CASE, SHARE_CASE)  # creator, assignees, supervisors
TEAM_PERMISSIONS = (VIEW_CASE, CHANGE_CASE)


@functools.cache
def case_permission_id(codename: str) -> int:
    """The id of one case permission, read once per process: ``restrict()`` compares it as a literal.

    Permissions are rows that ``migrate`` creates and nothing changes afterwards. A flush (a
    transactional test's teardown) deletes and re-creates them under new ids, then sends
    ``post_migrate``, on which ``CaseworkConfig`` clears this cache.
    """
    from django.contrib.auth.models import Permission

    return Permission.objects.values_list("pk", flat=True).get(
        content_type__app_label="casework", content_type__model="case", codename=codename
    )
