"""Names of the case permissions. The only place these strings are spelled."""

import functools
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
