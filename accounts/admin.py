"""The platform operator's admin: organizations, users and teams. No case content is registered."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group

from accounts import services
from accounts.models import Organization, Team, User


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
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


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "organization", "role", "is_service_account", "is_active", "is_superuser")
    list_filter = ("organization", "role", "is_active", "is_service_account", "is_superuser")
    list_select_related = ("organization",)
    fieldsets = (
        *BaseUserAdmin.fieldsets[:1],
        ("Organization", {"fields": ("organization", "role", "is_service_account")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"fields": ("username", "organization", "role", "password1", "password2")}),)

    actions = None  # no bulk delete: users are deactivated, never deleted (the audit trail names them)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        before = User.objects.filter(pk=obj.pk).values("role", "is_active").first() if change else {}
        super().save_model(request, obj, form, change)
        services.user_sync_role_groups(user=obj)
        if change:
            services.user_record_admin_change(user=obj, before=before)


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
class TeamAdmin(admin.ModelAdmin):
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
