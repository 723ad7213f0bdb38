"""Sharing: agreements, shares (provider side), the delivery outbox, and shared records (the
recipient's inbox)."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from casework.validation import validate_choice_list
from sharing.choices import (
    AgreementStatus,
    DataCategory,
    DeliveryChannel,
    DeliveryKind,
    DeliveryStatus,
    LegalBasis,
    Purpose,
    RecordStatus,
    ShareStatus,
)
from sharing.querysets import DisclosureQuerySet, RecordViewQuerySet, SharedRecordQuerySet, ShareQuerySet


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
            models.CheckConstraint(condition=~Q(provider=models.F("recipient")), name="agreement_distinct_parties"),
        ]

    def __str__(self) -> str:
        return f"{self.provider.slug} → {self.recipient.slug}"

    def clean(self) -> None:
        self.categories = validate_choice_list(self.categories, allowed=DataCategory.values, field="categories")
        self.purposes = validate_choice_list(self.purposes, allowed=Purpose.values, field="purposes")
        if self.provider_id and self.provider_id == self.recipient_id:
            raise ValidationError({"recipient": "An organization does not need an agreement with itself."})
        if self.valid_until and self.valid_from and self.valid_until <= self.valid_from:
            raise ValidationError({"valid_until": "Must be after valid_from."})

    def get_additional_data(self) -> dict:
        return {"organization": self.provider.slug, "recipient": self.recipient.slug}

    def is_in_force(self, at) -> bool:
        """The row-level twin of ``SharingAgreementQuerySet.in_force``."""
        return (
            self.status == AgreementStatus.ACTIVE
            and self.valid_from <= at
            and (self.valid_until is None or self.valid_until > at)
        )


class PartnerEndpoint(models.Model):
    """Where an organization whose system lives outside this deployment receives shares.

    Deliveries follow Standard Webhooks; the secret is needed in clear to sign, so it is stored
    as given and never shown again after registration.
    """

    organization = models.OneToOneField("accounts.Organization", on_delete=models.CASCADE, related_name="endpoint")
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=200)
    active = models.BooleanField(default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.organization.slug} webhook"


class Share(models.Model):
    """A provider's decision to share one case with one recipient, and its lifecycle."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="shares")
    provider = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="shares_sent")
    recipient = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="shares_received")
    agreement = models.ForeignKey(SharingAgreement, on_delete=models.PROTECT, related_name="shares")
    purpose = models.CharField(max_length=32, choices=Purpose.choices)
    legal_basis = models.CharField(max_length=32, choices=LegalBasis.choices)
    consent = models.ForeignKey(
        "casework.Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="shares"
    )
    justification = models.TextField(blank=True)
    status = models.CharField(max_length=32, choices=ShareStatus.choices, db_index=True)
    flagged_for_review = models.BooleanField(default=False, help_text="Emergency shares await audit review.")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0, help_text="The last version built and sent.")
    payload_sha256 = models.CharField(max_length=64, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.CharField(max_length=200, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShareQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "id"]
        indexes = [
            models.Index(fields=["provider", "status", "-created_at"]),
            models.Index(fields=["case", "status"]),
            models.Index(fields=["consent", "status"]),
            models.Index(fields=["agreement", "status"]),
        ]

    def __str__(self) -> str:
        return f"Share {self.id} of {self.case} to {self.recipient.slug}"

    def get_additional_data(self) -> dict:
        return {"organization": self.provider.slug, "recipient": self.recipient.slug}


class Delivery(models.Model):
    """One event to push to a recipient: the outbox row, written in the transaction that caused it.

    Its id is the event id (Standard Webhooks ``webhook-id``): retries repeat it, so a recipient
    applies each event once. ``next_attempt_at`` is when the re-drive looks at it again, so a lost
    broker message or a killed worker only delays it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="deliveries")
    kind = models.CharField(max_length=32, choices=DeliveryKind.choices)
    channel = models.CharField(max_length=16, choices=DeliveryChannel.choices)
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    version = models.PositiveIntegerField(null=True, blank=True, help_text="Set once the payload is built.")
    # The exact body sent to a webhook, kept until delivered so that retries are byte-identical.
    body = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # Set while a worker is inside the HTTP call, so that a scheduled retry and the re-drive do
    # not send the same event twice at once; a worker that dies leaves it to expire.
    leased_until = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["share", "status"]),
        ]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.kind} via {self.channel} ({self.status})"

    @property
    def event_id(self) -> str:
        return f"msg_{self.id.hex}"


class DeliveryAttempt(models.Model):
    """One try at a delivery: when, what came back, how long it took."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    attempted_at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    succeeded = models.BooleanField(default=False)

    class Meta:
        ordering = ["attempted_at", "id"]

    def __str__(self) -> str:
        return f"attempt at {self.attempted_at:%Y-%m-%d %H:%M:%S}: {self.status_code or self.error[:40]}"


class SharedRecord(models.Model):
    """What a recipient organization in this deployment received: the inbox item.

    On revocation or expiry the payload is erased; the row stays as a tombstone with the reason.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    share = models.OneToOneField(Share, on_delete=models.CASCADE, related_name="record")
    recipient = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="inbox")
    source_organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=RecordStatus.choices, default=RecordStatus.DELIVERED)
    payload = models.JSONField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="inbox_items"
    )
    decline_reason = models.TextField(blank=True)
    linked_case = models.ForeignKey("casework.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The linked case is the recipient's own record and outlives the share; this says its source
    # was revoked (or expired), so that nobody works it believing the share still stands.
    link_revoked_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    tombstone_reason = models.CharField(max_length=200, blank=True)

    objects = SharedRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "id"]
        indexes = [
            models.Index(fields=["recipient", "status", "-received_at"]),
            models.Index(fields=["recipient", "assigned_to"]),
        ]

    def __str__(self) -> str:
        return f"Shared record {self.id} from {self.source_organization.slug}"

    def get_additional_data(self) -> dict:
        return {"organization": self.recipient.slug, "source_organization": self.source_organization.slug}


class Disclosure(models.Model):
    """One version of a share that reached its recipient: a line of the accounting of disclosures.

    Written by the delivery worker when a version is delivered (``sharing.services.disclosures``),
    never edited. It keeps what was disclosed — never the payload itself: the recipient, the
    basis, the categories, per person of the case what was sent and what was withheld (and why),
    and the SHA-256 of the exact bytes delivered, so that "who was given what about me, when, and
    on what basis" has an answer for every survivor. Revocation is read from the share.
    """

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="disclosures")
    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="disclosures")
    delivery = models.OneToOneField(
        Delivery, on_delete=models.SET_NULL, null=True, blank=True, related_name="disclosure"
    )
    version = models.PositiveIntegerField()
    channel = models.CharField(max_length=16, choices=DeliveryChannel.choices)
    delivered_at = models.DateTimeField()
    recipient = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    legal_basis = models.CharField(max_length=32, choices=LegalBasis.choices)
    purpose = models.CharField(max_length=32, choices=Purpose.choices)
    consent = models.ForeignKey(
        "casework.Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="disclosures"
    )
    categories = models.JSONField(default=list, help_text="The data categories the payload carried.")
    # [{"person": our person id, "token": the recipient's pseudonym for them, "role",
    #   "sent": [{"field", "as": included|pseudonymised|generalised, "reason"}, …],
    #   "withheld": [{"field", "category", "reason"}, …]}, …]
    persons = models.JSONField(default=list)
    # Manifest entries about the case rather than a person (needs, notes by sensitivity, indicators).
    withheld = models.JSONField(default=list)
    # {"notes": {sensitivity: sent}, "notes_withheld": {sensitivity: held back}, "needs": n, "indicators": n}
    counts = models.JSONField(default=dict)
    payload_sha256 = models.CharField(max_length=64, help_text="SHA-256 of the exact bytes delivered.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        ordering = ["delivered_at", "id"]
        indexes = [models.Index(fields=["case", "delivered_at"])]
        constraints = [models.UniqueConstraint(fields=["share", "version"], name="disclosure_one_per_version")]

    def __str__(self) -> str:
        return f"Disclosure of {self.share_id} v{self.version} to {self.recipient_id}"


class RecordView(models.Model):
    """The version of a received record a user last opened, and a keyed digest of each of its
    parts, so that a new version can say what changed since. Digests, not content: nothing of the
    record is kept twice, and the digests are deleted with the payload."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    record = models.ForeignKey(SharedRecord, on_delete=models.CASCADE, related_name="views")
    version = models.PositiveIntegerField()
    digests = models.JSONField(default=dict)
    opened_at = models.DateTimeField(default=timezone.now)

    objects = RecordViewQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "record"], name="record_view_one_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id} opened {self.record_id} v{self.version}"
