from django.db import models
from django.utils.translation import gettext_lazy as _


class DataCategory(models.TextChoices):
    """Every field of a case belongs to exactly one of these (SPEC, Sharing)."""

    CASE_SUMMARY = "case_summary", _("Case summary")
    IDENTITY = "identity", _("Identity")
    CONTACT = "contact", _("Contact")
    DEMOGRAPHICS = "demographics", _("Demographics")
    NEEDS = "needs", _("Needs")
    GENERAL_NOTES = "general_notes", _("General notes")
    HEALTH_NOTES = "health_notes", _("Health notes")
    LEGAL_NOTES = "legal_notes", _("Legal notes")
    LE_NOTES = "le_notes", _("Law-enforcement notes")
    INDICATORS = "indicators", _("Technology indicators")


class Purpose(models.TextChoices):
    SERVICES = "services", _("Services")
    HEALTH_CARE = "health_care", _("Health care")
    CHILD_PROTECTION = "child_protection", _("Child protection")
    INVESTIGATION = "investigation", _("Investigation")
    SAFETY_PLANNING = "safety_planning", _("Safety planning")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")


class LegalBasis(models.TextChoices):
    CONSENT = "consent", _("Consent")
    EMERGENCY = "emergency", _("Emergency")
    MANDATORY_REPORT = "mandatory_report", _("Mandatory report")


class ShareStatus(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", _("Pending approval")
    QUEUED = "queued", _("Queued")
    DELIVERED = "delivered", _("Delivered")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")
    FAILED = "failed", _("Failed")


# A live share can still be revoked or expire; an updated case pushes new versions to the ones
# the recipient holds.
LIVE_SHARE_STATUSES = (
    ShareStatus.PENDING_APPROVAL,
    ShareStatus.QUEUED,
    ShareStatus.DELIVERED,
    ShareStatus.ACKNOWLEDGED,
    ShareStatus.ACCEPTED,
)
UPDATABLE_SHARE_STATUSES = (ShareStatus.DELIVERED, ShareStatus.ACKNOWLEDGED, ShareStatus.ACCEPTED)


class RecordStatus(models.TextChoices):
    DELIVERED = "delivered", _("Delivered")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


class DeliveryChannel(models.TextChoices):
    INBOX = "inbox", _("Inbox in this deployment")
    WEBHOOK = "webhook", _("Partner webhook")


class DeliveryKind(models.TextChoices):
    VERSION = "share.version", _("A version of the shared record")
    REVOCATION = "share.revoked", _("Revocation")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    UNCHANGED = "unchanged", _("Nothing new to send")
    CANCELLED = "cancelled", _("Cancelled")
    FAILED = "failed", _("Failed")
