from django.contrib import admin

from accounts.admin_audit import AuditedAdminMixin
from sharing.models import PartnerEndpoint, SharingAgreement
from sharing.services.agreements import agreement_record_admin_change


@admin.register(SharingAgreement)
class SharingAgreementAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("provider", "recipient", "status", "valid_from", "valid_until")
    list_filter = ("status", "provider", "recipient")
    list_select_related = ("provider", "recipient")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        agreement_record_admin_change(agreement=obj, created=not change)


@admin.register(PartnerEndpoint)
class PartnerEndpointAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("organization", "url", "active", "disabled_at")
    list_filter = ("active",)
    exclude = ("secret",)
    readonly_fields = ("disabled_at", "disabled_reason")
