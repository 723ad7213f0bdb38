"""The platform operator's admin: organizations, users and teams. No case content is registered.

The operator runs the deployment; an organization's own admins run its people. So, for a user of
an organization, the operator's admin cannot set or reset the password or second factor, cannot
change the organization or role, and cannot make anyone a case worker; a superuser never holds an
organization. Every change here is also a domain event of the organization it touched.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import services
from accounts.admin_audit import AuditedAdminMixin
from accounts.choices import CASE_CONTENT_ROLES
from accounts.models import Organization, Team, User


@admin.register(Organization)
class OrganizationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "slug", "sector", "case_prefix", "active")
    list_filter = ("sector", "active")
    search_fields = ("name", "slug")
    exclude = ("supervisors_group",)

    WORKING_HOURS = ("time_zone", "work_day_start", "work_day_end", "work_days")

    def get_readonly_fields(self, request, obj=None):
        return ("slug",) if obj else ()

    def get_exclude(self, request, obj=None):
        # A new organization starts with the default working hours; they are set on its change page.
        return ("supervisors_group",) if obj else ("supervisors_group", *self.WORKING_HOURS)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.organization_create(
            slug=obj.slug, name=obj.name, sector=obj.sector, case_prefix=obj.case_prefix
        )
        obj.pk, obj.supervisors_group = created.pk, created.supervisors_group
        obj.active = created.active


class OperatorUserCreationForm(forms.ModelForm):
    """A new account: an operator (no organization, no password set here but by the operator's own
    means), or an organization's first admin or auditor, with no usable password — that person
    sets it through the organization's admin or an invitation, never the operator."""

    class Meta:
        model = User
        fields = ("username", "email", "organization", "role")

    def clean(self):
        data = super().clean()
        if data.get("role") in CASE_CONTENT_ROLES:
            raise ValidationError({"role": "Case-working roles are given by the organization's own admins."})
        if data.get("organization") and not data.get("role"):
            raise ValidationError({"role": "A user of an organization has a role."})
        if data.get("role") and not data.get("organization"):
            raise ValidationError({"organization": "A role is held in an organization."})
        return data

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    list_display = ("username", "organization", "role", "is_service_account", "is_active", "is_superuser")
    list_filter = ("organization", "role", "is_active", "is_service_account", "is_superuser")
    list_select_related = ("organization",)
    add_form = OperatorUserCreationForm
    add_fieldsets = ((None, {"fields": ("username", "email", "organization", "role")}),)
    operator_fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    member_fieldsets = (
        (None, {"fields": ("username",)}),
        ("Organization", {"fields": ("organization", "role", "is_service_account")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        ("Access", {"fields": ("is_active",)}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        return self.member_fieldsets if obj.organization_id else self.operator_fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if obj.organization_id:
            # The organization's own admins change these; the operator may only deactivate.
            return ("username", "organization", "role", "is_service_account", "last_login", "date_joined")
        return ("last_login", "date_joined")

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, id)
        if user is not None and user.organization_id:
            raise PermissionDenied("The password of an organization's user is not the operator's to set.")
        return super().user_change_password(request, id, form_url)

    actions = None  # no bulk delete: users are deactivated, never deleted (the audit trail names them)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if obj.organization_id and (obj.is_superuser or obj.is_staff):
            raise PermissionDenied("A user of an organization is never an operator.")
        before = User.objects.filter(pk=obj.pk).values("role", "is_active").first() if change else {}
        super().save_model(request, obj, form, change)
        services.user_sync_role_groups(user=obj)
        if change:
            services.user_record_admin_change(user=obj, before=before)
            if not obj.is_active:
                services.user_end_sessions_and_tokens(user=obj)


class TeamForm(forms.ModelForm):
    members = forms.ModelMultipleChoiceField(queryset=User.objects.none(), required=False)

    class Meta:
        model = Team
        fields = ("organization", "name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["organization"].disabled = True
            self.fields["members"].queryset = User.objects.filter(organization=self.instance.organization_id)
            self.fields["members"].initial = self.instance.members
        else:
            del self.fields["members"]


@admin.register(Team)
class TeamAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = TeamForm
    list_display = ("name", "organization")
    list_filter = ("organization",)

    def save_model(self, request, obj, form, change):
        if not change:
            created = services.team_create(organization=obj.organization, name=obj.name)
            obj.pk, obj.group = created.pk, created.group
            return
        super().save_model(request, obj, form, change)
        wanted = set(form.cleaned_data.get("members") or [])
        current = set(obj.members)
        for user in wanted - current:
            services.team_add_member(team=obj, user=user)
        for user in current - wanted:
            services.team_remove_member(team=obj, user=user)


# Groups are managed through organizations (supervisors) and teams, never by hand.
admin.site.unregister(Group)


def _unregister_foreign_admins() -> None:
    """OAuth applications and tokens, and second-factor devices, are no operator's business:
    API clients are their organization's (accounts.services), devices their owner's."""
    for label in (
        "oauth2_provider.Application",
        "oauth2_provider.AccessToken",
        "oauth2_provider.RefreshToken",
        "oauth2_provider.Grant",
        "oauth2_provider.IDToken",
        "oauth2_provider.DeviceGrant",
        "otp_totp.TOTPDevice",
        "otp_static.StaticDevice",
        "django_otp_webauthn.WebAuthnCredential",
        "django_otp_webauthn.WebAuthnAttestation",
        "axes.AccessAttempt",
        "axes.AccessLog",
        "axes.AccessFailureLog",
    ):
        from django.apps import apps

        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        if admin.site.is_registered(model):
            admin.site.unregister(model)


_unregister_foreign_admins()
