from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from sharing.choices import AgreementStatus, DataCategory, Purpose
from sharing.validation import validate_choice_list


class SharingAgreementQuerySet(models.QuerySet):
    def in_force(self, at=None):
        """Agreements active at ``at`` (now by default)."""
        at = at or timezone.now()
        return self.filter(status=AgreementStatus.ACTIVE, valid_from__lte=at).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=at)
        )


class SharingAgreement(models.Model):
    """What a provider organization may share with a recipient, and for which purposes."""

    provider = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="agreements_as_provider"
    )
    recipient = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="agreements_as_recipient"
    )
    categories = models.JSONField(default=list, help_text="Data categories the recipient may receive.")
    purposes = models.JSONField(default=list, help_text="Purposes a share under this agreement may serve.")
    valid_from = models.DateTimeField(default=timezone.now)
    valid_until = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SharingAgreementQuerySet.as_manager()

    class Meta:
        ordering = ["provider__name", "recipient__name", "valid_from"]
        indexes = [models.Index(fields=["provider", "recipient", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(provider=models.F("recipient")), name="agreement_distinct_parties"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider.slug} → {self.recipient.slug}"

    def clean(self) -> None:
        self.categories = validate_choice_list(
            self.categories, allowed=DataCategory.values, field="categories"
        )
        self.purposes = validate_choice_list(self.purposes, allowed=Purpose.values, field="purposes")
        if self.provider_id and self.provider_id == self.recipient_id:
            raise ValidationError({"recipient": "An organization does not need an agreement with itself."})
        if self.valid_until and self.valid_from and self.valid_until <= self.valid_from:
            raise ValidationError({"valid_until": "Must be after valid_from."})
