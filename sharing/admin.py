from django.contrib import admin

from accounts.admin_audit import AuditedAdminMixin
from sharing.models import PartnerEndpoint, SharingAgreement


@admin.register(SharingAgreement)
class SharingAgreementAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("provider", "recipient", "status", "valid_from", "valid_until")
    list_filter = ("status", "provider", "recipient")
    list_select_related = ("provider", "recipient")


@admin.register(PartnerEndpoint)
class PartnerEndpointAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("organization", "url", "active", "disabled_at")
    list_filter = ("active",)
    exclude = ("secret",)
    readonly_fields = ("disabled_at", "disabled_reason")
