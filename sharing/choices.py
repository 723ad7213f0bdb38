from django.db import models
from django.utils.translation import gettext_lazy as _

# Data categories and purposes are the case's vocabulary (consents name them too); sharing reads them.
from casework.choices import DataCategory, Purpose  # noqa: F401 (re-exported)


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
# What the provider can still revoke: every share that may have reached the recipient, live or
# not. A declined record was erased at decline, but revoking it still ends the share; a failed
# webhook delivery may have arrived although the partner never said so.
REVOCABLE_SHARE_STATUSES = (*LIVE_SHARE_STATUSES, ShareStatus.DECLINED, ShareStatus.FAILED)
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
