"""Grant and withdraw django-guardian object permissions on cases, per the spec's rules."""

from django.contrib.auth.models import Permission

from casework.models import Case, CaseGroupObjectPermission, CaseUserObjectPermission
from casework.permissions import OWNER_PERMISSIONS, TEAM_PERMISSIONS


def _permissions(codenames) -> list[Permission]:
    return list(Permission.objects.filter(content_type__app_label="casework", codename__in=codenames))


def grant_users(case: Case, users, codenames=OWNER_PERMISSIONS) -> None:
    perms = _permissions(codenames)
    rows = [CaseUserObjectPermission(content_object=case, user=u, permission=p) for u in users for p in perms]
    CaseUserObjectPermission.objects.bulk_create(rows, ignore_conflicts=True)


def revoke_users(case: Case, users) -> None:
    CaseUserObjectPermission.objects.filter(content_object=case, user__in=list(users)).delete()


def grant_group(case: Case, group, codenames) -> None:
    perms = _permissions(codenames)
    rows = [CaseGroupObjectPermission(content_object=case, group=group, permission=p) for p in perms]
    CaseGroupObjectPermission.objects.bulk_create(rows, ignore_conflicts=True)


def revoke_group(case: Case, group) -> None:
    CaseGroupObjectPermission.objects.filter(content_object=case, group=group).delete()


def grant_on_create(case: Case, *, creator, assignees, team) -> None:
    grant_users(case, {creator, *assignees})
    grant_group(case, case.organization.supervisors_group, OWNER_PERMISSIONS)
    if team is not None:
        grant_group(case, team.group, TEAM_PERMISSIONS)
