from django.db import models


class DataCategory(models.TextChoices):
    """Every field of a case belongs to exactly one of these (SPEC, Sharing)."""

    CASE_SUMMARY = "case_summary", "Case summary"
    IDENTITY = "identity", "Identity"
    CONTACT = "contact", "Contact"
    DEMOGRAPHICS = "demographics", "Demographics"
    NEEDS = "needs", "Needs"
    GENERAL_NOTES = "general_notes", "General notes"
    HEALTH_NOTES = "health_notes", "Health notes"
    LEGAL_NOTES = "legal_notes", "Legal notes"
    LE_NOTES = "le_notes", "Law-enforcement notes"
    INDICATORS = "indicators", "Technology indicators"


class Purpose(models.TextChoices):
    SERVICES = "services", "Services"
    HEALTH_CARE = "health_care", "Health care"
    CHILD_PROTECTION = "child_protection", "Child protection"
    INVESTIGATION = "investigation", "Investigation"
    SAFETY_PLANNING = "safety_planning", "Safety planning"


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    TERMINATED = "terminated", "Terminated"


class LegalBasis(models.TextChoices):
    CONSENT = "consent", "Consent"
    EMERGENCY = "emergency", "Emergency"
    MANDATORY_REPORT = "mandatory_report", "Mandatory report"


class ShareStatus(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", "Pending approval"
    QUEUED = "queued", "Queued"
    DELIVERED = "delivered", "Delivered"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    REVOKED = "revoked", "Revoked"
    EXPIRED = "expired", "Expired"
    FAILED = "failed", "Failed"


# A live share can still be revoked or expire; an updated case pushes new versions to the ones
# the recipient holds.
LIVE_SHARE_STATUSES = (
    ShareStatus.PENDING_APPROVAL,
    ShareStatus.QUEUED,
    ShareStatus.DELIVERED,
    ShareStatus.ACKNOWLEDGED,
    ShareStatus.ACCEPTED,
)
# What the provider can still revoke: every share that may have reached the recipient, live or
# not. A declined record was erased at decline, but revoking it still ends the share; a failed
# webhook delivery may have arrived although the partner never said so.
REVOCABLE_SHARE_STATUSES = (*LIVE_SHARE_STATUSES, ShareStatus.DECLINED, ShareStatus.FAILED)
UPDATABLE_SHARE_STATUSES = (ShareStatus.DELIVERED, ShareStatus.ACKNOWLEDGED, ShareStatus.ACCEPTED)


class RecordStatus(models.TextChoices):
    DELIVERED = "delivered", "Delivered"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    REVOKED = "revoked", "Revoked"
    EXPIRED = "expired", "Expired"


class DeliveryChannel(models.TextChoices):
    INBOX = "inbox", "Inbox in this deployment"
    WEBHOOK = "webhook", "Partner webhook"


class DeliveryKind(models.TextChoices):
    VERSION = "share.version", "A version of the shared record"
    REVOCATION = "share.revoked", "Revocation"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    UNCHANGED = "unchanged", "Nothing new to send"
    CANCELLED = "cancelled", "Cancelled"
    FAILED = "failed", "Failed"
