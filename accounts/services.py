"""Writes for organizations, users and teams. Every write goes through here."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.choices import Role, Sector
from accounts.models import Organization, Team, User
from audit.choices import EventType
from audit.events import record_event


def _default_prefix(slug: str) -> str:
    parts = [p for p in slug.replace("_", "-").split("-") if p]
    prefix = "".join(p[0] for p in parts).upper()
    return prefix if len(prefix) >= 2 else slug[:3].upper()


@transaction.atomic
def organization_create(*, slug: str, name: str, sector: str, case_prefix: str = "") -> Organization:
    """Create an organization with its supervisors group."""
    if sector not in Sector.values:
        raise ValidationError({"sector": f"Unknown sector {sector!r}."})
    org = Organization(slug=slug, name=name, sector=sector, case_prefix=case_prefix or _default_prefix(slug))
    # Validated before the group exists, so a duplicate slug is a ValidationError, not an IntegrityError.
    org.full_clean(exclude=["supervisors_group"])
    org.supervisors_group = Group.objects.create(name=f"org:{slug}:supervisors")
    org.save()
    return org


def user_sync_role_groups(*, user: User) -> None:
    """Keep the supervisors-group membership in step with the user's role and organization.

    Called by every service (and the admin) that changes a user's role or organization, so that
    supervisor access is granted and withdrawn in one place.
    """
    supervisor_groups = Group.objects.filter(supervised_organization__isnull=False)
    user.groups.remove(*supervisor_groups.exclude(supervised_organization=user.organization_id))
    if user.is_active and user.role == Role.SUPERVISOR and user.organization_id:
        user.groups.add(user.organization.supervisors_group)
    else:
        user.groups.remove(*supervisor_groups)


@transaction.atomic
def user_create(
    *,
    organization: Organization | None,
    username: str,
    role: str,
    password: str | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    is_service_account: bool = False,
) -> User:
    """Create a user of one organization with one role."""
    if organization is None:
        raise ValidationError({"organization": "Every user belongs to an organization."})
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    user = User(
        organization=organization,
        username=username,
        role=role,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_service_account=is_service_account,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    user_sync_role_groups(user=user)
    return user


@transaction.atomic
def user_change_role(*, user: User, role: str) -> User:
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    before = user.role
    user.role = role
    user.full_clean()
    user.save(update_fields=["role"])
    user_sync_role_groups(user=user)
    if before != role:
        record_event(EventType.ROLE_CHANGED, obj=user, organization=user.organization, **{"from": before, "to": role})
    return user


@transaction.atomic
def user_deactivate(*, user: User) -> User:
    """Users are deactivated, never deleted: their audit entries keep naming them."""
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        user_sync_role_groups(user=user)
        record_event(EventType.USER_DEACTIVATED, obj=user, organization=user.organization)
    return user


def user_record_admin_change(*, user: User, before: dict) -> None:
    """The security events of an operator's change to a user in the admin (role, activity)."""
    if before.get("role") != user.role:
        data = {"from": before.get("role"), "to": user.role}
        record_event(EventType.ROLE_CHANGED, obj=user, organization=user.organization, **data)
    if before.get("is_active") and not user.is_active:
        record_event(EventType.USER_DEACTIVATED, obj=user, organization=user.organization)
    elif before.get("is_active") is False and user.is_active:
        record_event(EventType.USER_REACTIVATED, obj=user, organization=user.organization)


@transaction.atomic
def team_create(*, organization: Organization, name: str) -> Team:
    team = Team(organization=organization, name=name)
    team.full_clean(exclude=["group"])
    team.group = Group.objects.create(name=f"org:{organization.slug}:team:{name}")
    team.save()
    return team


def team_add_member(*, team: Team, user: User) -> None:
    if user.organization_id != team.organization_id:
        raise ValidationError({"user": "A team only has members of its own organization."})
    team.group.user_set.add(user)
    record_event(EventType.TEAM_CHANGED, obj=user, organization=team.organization, team=team.pk, operation="add")


def team_remove_member(*, team: Team, user: User) -> None:
    team.group.user_set.remove(user)
    record_event(EventType.TEAM_CHANGED, obj=user, organization=team.organization, team=team.pk, operation="remove")
