from django.contrib import admin

from sharing.models import SharingAgreement


@admin.register(SharingAgreement)
class SharingAgreementAdmin(admin.ModelAdmin):
    list_display = ("provider", "recipient", "status", "valid_from", "valid_until")
    list_filter = ("status", "provider", "recipient")
    list_select_related = ("provider", "recipient")
