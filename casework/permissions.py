"""Names of the case permissions. The only place these strings are spelled."""

from enum import StrEnum


class Action(StrEnum):
    VIEW = "view"
    CHANGE = "change"
    SHARE = "share"


VIEW_CASE = "view_case"
CHANGE_CASE = "change_case"
SHARE_CASE = "share_case"

CODENAME_FOR_ACTION = {Action.VIEW: VIEW_CASE, Action.CHANGE: CHANGE_CASE, Action.SHARE: SHARE_CASE}

# What each grant gives (SPEC, Per-object permissions).
OWNER_PERMISSIONS = (VIEW_CASE, CHANGE_CASE, SHARE_CASE)  # creator, assignees, supervisors
TEAM_PERMISSIONS = (VIEW_CASE, CHANGE_CASE)
