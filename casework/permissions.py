"""Names of the case permissions and the one vocabulary of actions. The only place these strings
are spelled."""

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


def case_codename(action) -> str:
    """The guardian codename that ``action`` needs on a case; a ValueError for any other action."""
    try:
        return CODENAME_FOR_ACTION[Action(action)]
    except (KeyError, ValueError) as exc:
        raise ValueError(f"{action!r} is not an action on a case.") from exc
