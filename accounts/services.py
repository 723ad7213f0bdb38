"""Writes for organizations, users and teams. Every write goes through here."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.choices import Role, Sector
from accounts.models import ApiClient, Organization, Team, User
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
    """Users are deactivated, never deleted: their audit entries keep naming them. Their sessions and
    tokens end at once."""
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        user_sync_role_groups(user=user)
        record_event(EventType.USER_DEACTIVATED, obj=user, organization=user.organization)
    user_end_sessions_and_tokens(user=user)
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


def user_end_sessions_and_tokens(*, user: User) -> None:
    """End every browser session and revoke every API token of ``user`` at once."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from oauth2_provider.models import AccessToken, RefreshToken

    # Sessions are signed blobs keyed by session key; the user id is inside. One pass over the
    # live ones (the database backend keeps them in one table).
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
    AccessToken.objects.filter(application__user=user).delete()
    AccessToken.objects.filter(user=user).delete()
    RefreshToken.objects.filter(user=user).delete()


def _require_org_admin_of(actor: User, user: User) -> None:
    if not (
        actor.is_active
        and actor.role == Role.ORG_ADMIN
        and actor.organization_id is not None
        and actor.organization_id == user.organization_id
    ):
        raise PermissionDenied("Only an admin of the user's own organization may do this.")


def user_unlock(*, actor: User, user: User) -> int:
    """Lift a sign-in lockout of ``user`` (and the counts against it) before its cool-off ends."""
    from axes.utils import reset

    from audit.choices import EventType
    from audit.events import record_event

    _require_org_admin_of(actor, user)
    removed = reset(username=user.username)
    record_event(EventType.ACCOUNT_UNLOCKED, obj=user, organization=user.organization, actor=actor)
    return removed


# Second factors ---------------------------------------------------------------------------------

RECOVERY_CODE_COUNT = 10


def _event(event_type, user: User, actor: User | None, **data) -> None:
    from audit.events import record_event

    record_event(event_type, obj=user, organization=user.organization, actor=actor, **data)


def totp_start(*, user: User):
    """An unconfirmed authenticator-app device for ``user`` (the one being set up, reused)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def totp_confirm(*, user: User, device, token: str) -> list[str] | None:
    """Confirm the device with a code from it; returns fresh recovery codes (shown once), or None
    when the code is wrong."""
    from audit.choices import EventType

    if device.user_id != user.pk or device.confirmed or not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    _event(EventType.MFA_ENROLLED, user, user, method="totp")
    return recovery_codes_new(user=user)


@transaction.atomic
def recovery_codes_new(*, user: User) -> list[str]:
    """Replace ``user``'s recovery codes with new single-use ones; returns them (shown once)."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def user_reset_second_factor(*, actor: User, user: User) -> None:
    """An org admin removes every second factor of ``user`` (who lost their phone, say): the user
    is told in the app, signed out everywhere, and must enrol again at the next sign-in."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_otp_webauthn.models import WebAuthnCredential

    from accounts.models import Notification
    from audit.choices import EventType

    _require_org_admin_of(actor, user)
    removed = 0
    for model in (TOTPDevice, StaticDevice, WebAuthnCredential):
        removed += model.objects.filter(user=user).delete()[0]
    user_end_sessions_and_tokens(user=user)
    Notification.objects.create(
        user=user,
        message="Your second factor was reset by your organization's admin. Set up a new one now. "
        "If you did not ask for this, tell your organization's admin at once.",
    )
    _event(EventType.MFA_REMOVED, user, actor, removed=removed, by="org_admin")


def user_set_language(*, user: User, language: str) -> User:
    """Remember the UI language ``user`` chose; an unknown code is ignored (the browser's then rules)."""
    from django.conf import settings

    if language in dict(settings.LANGUAGES) and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


# Organization admin pages ------------------------------------------------------------------------
# Every write an org admin makes through the pages: each checks that the actor administers the
# organization it touches and records a security event for that organization (its auditors see it).


def require_org_admin(actor: User, organization: Organization) -> None:
    """Refuse (PermissionDenied) unless ``actor`` is an active admin of ``organization``."""
    if not (
        actor.is_active
        and actor.role == Role.ORG_ADMIN
        and actor.organization_id is not None
        and actor.organization_id == getattr(organization, "pk", None)
    ):
        raise PermissionDenied("Only an admin of this organization may do this.")


def _admin_event(action: str, *, actor: User, obj, organization: Organization, **data) -> None:
    record_event(EventType.ADMIN_ACTION, obj=obj, organization=organization, actor=actor, action=action, **data)


def new_initial_password() -> str:
    """A one-time password an org admin hands to a new user (shown once, never stored in clear)."""
    import secrets

    return secrets.token_urlsafe(12)


@transaction.atomic
def user_create_by_admin(
    *,
    actor: User,
    username: str,
    role: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    teams=(),
) -> tuple[User, str]:
    """An org admin creates a user of their own organization; returns the user and the initial
    password, which the page shows once."""
    organization = actor.organization
    require_org_admin(actor, organization)
    password = new_initial_password()
    user = user_create(
        organization=organization,
        username=username,
        role=role,
        password=password,
        email=email,
        first_name=first_name,
        last_name=last_name,
    )
    _admin_event("user_created", actor=actor, obj=user, organization=organization, role=role)
    for team in teams:
        if team.organization_id != organization.pk:
            raise ValidationError({"teams": "A team of another organization."})
        team_add_member(team=team, user=user)
    return user, password


def user_change_role_by_admin(*, actor: User, user: User, role: str) -> User:
    _require_org_admin_of(actor, user)
    if user.pk == actor.pk and role != Role.ORG_ADMIN:
        raise ValidationError({"role": "You cannot take away your own admin role."})
    return user_change_role(user=user, role=role)


def user_deactivate_by_admin(*, actor: User, user: User) -> User:
    _require_org_admin_of(actor, user)
    if user.pk == actor.pk:
        raise ValidationError("You cannot deactivate your own account.")
    return user_deactivate(user=user)


def user_set_teams_by_admin(*, actor: User, user: User, teams) -> None:
    """Make ``user`` a member of exactly ``teams`` (of their organization); one event per change."""
    _require_org_admin_of(actor, user)
    wanted = {team.pk: team for team in teams}
    if any(team.organization_id != user.organization_id for team in wanted.values()):
        raise ValidationError({"teams": "A team of another organization."})
    current = {team.pk: team for team in Team.objects.filter(organization=user.organization, group__user=user)}
    for pk in wanted.keys() - current.keys():
        team_add_member(team=wanted[pk], user=user)
    for pk in current.keys() - wanted.keys():
        team_remove_member(team=current[pk], user=user)


def team_create_by_admin(*, actor: User, name: str) -> Team:
    require_org_admin(actor, actor.organization)
    team = team_create(organization=actor.organization, name=name)
    _admin_event("team_created", actor=actor, obj=team, organization=team.organization, name=name)
    return team


def team_add_member_by_admin(*, actor: User, team: Team, user: User) -> None:
    require_org_admin(actor, team.organization)
    team_add_member(team=team, user=user)


def team_remove_member_by_admin(*, actor: User, team: Team, user: User) -> None:
    require_org_admin(actor, team.organization)
    team_remove_member(team=team, user=user)


# API clients ---------------------------------------------------------------------------------------


def _clean_scopes(scopes) -> list[str]:
    from config.scopes import SCOPES

    scopes = sorted({s for s in scopes if s})
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown or not scopes:
        raise ValidationError({"scopes": f"Unknown or missing scopes {unknown}; choose from: {' '.join(SCOPES)}."})
    return scopes


@transaction.atomic
def api_client_create(
    *, organization: Organization, name: str, role: str, scopes, actor: User | None = None
) -> tuple[ApiClient, str]:
    """A partner system's client-credentials client acting as a new service account of
    ``organization``; returns the client and its secret (stored hashed, shown only once)."""
    import secrets as _secrets

    from oauth2_provider.models import Application

    from accounts.hashers import hash_client_secret

    if actor is not None:
        require_org_admin(actor, organization)
    if not organization.active:
        raise ValidationError({"organization": "The organization is not active."})
    scopes = _clean_scopes(scopes)
    if not name.strip():
        raise ValidationError({"name": "A name is needed."})
    secret = _secrets.token_urlsafe(36)
    account = user_create(
        organization=organization,
        username=f"api-{organization.slug}-{_secrets.token_hex(4)}",
        role=role,
        first_name=name[:150],
        is_service_account=True,
    )
    application = Application.objects.create(
        name=name,
        user=account,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        # Hashed here with the client-secret hasher (accounts/hashers.py), so DOT must not again.
        client_secret=hash_client_secret(secret),
        hash_client_secret=False,
    )
    client = ApiClient.objects.create(application=application, organization=organization, scopes=scopes)
    record_event(
        EventType.API_CLIENT_CREATED,
        obj=client,
        organization=organization,
        actor=actor,
        name=name,
        role=role,
        scopes=scopes,
        service_account=account.username,
    )
    return client, secret


@transaction.atomic
def api_client_change_scopes(*, actor: User, client: ApiClient, scopes) -> ApiClient:
    """Change the scopes a client holds. Issued tokens follow at once: the API reads the client's
    current scopes at every request (config.api.authentication)."""
    require_org_admin(actor, client.organization)
    scopes = _clean_scopes(scopes)
    before = list(client.scopes)
    if before != scopes:
        client.scopes = scopes
        client.save(update_fields=["scopes"])
        _admin_event(
            "api_client_scopes_changed",
            actor=actor,
            obj=client,
            organization=client.organization,
            **{
                "from": before,
                "to": scopes,
            },
        )
    return client


@transaction.atomic
def api_client_revoke(*, actor: User, client: ApiClient) -> ApiClient:
    """Revoke a client: it gets no new token and its issued tokens are deleted (and refused)."""
    from oauth2_provider.models import AccessToken, RefreshToken

    require_org_admin(actor, client.organization)
    if client.active:
        client.active = False
        client.save(update_fields=["active"])
        record_event(
            EventType.API_CLIENT_REVOKED,
            obj=client,
            organization=client.organization,
            actor=actor,
            name=client.application.name,
        )
    AccessToken.objects.filter(application=client.application).delete()
    RefreshToken.objects.filter(application=client.application).delete()
    return client
