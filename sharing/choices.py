from django.db import models

# Data categories and purposes are the case's vocabulary (consents name them too); sharing reads them.
from casework.choices import DataCategory, Purpose  # noqa: F401 (re-exported)


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
