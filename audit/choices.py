"""Every kind of domain and security event, spelled once (SPEC, Audit)."""

from enum import StrEnum


class EventType(StrEnum):
    # Security
    PERMISSION_DENIED = "security.permission_denied"
    API_TOKEN_ISSUED = "api.token_issued"  # noqa: S105 (an event name, not a secret)
    API_TOKEN_FAILED = "api.token_failed"  # noqa: S105 (an event name, not a secret)
    ADMIN_ACTION = "security.admin_action"
    ACCOUNT_LOCKED_OUT = "security.locked_out"
    ACCOUNT_UNLOCKED = "security.unlocked"
    MFA_ENROLLED = "security.mfa_enrolled"
    MFA_REMOVED = "security.mfa_removed"
    MFA_FAILED = "security.mfa_failed"
    RECOVERY_CODE_USED = "security.recovery_code_used"
    SIGNED_IN = "security.signed_in"
    SIGN_IN_FAILED = "security.sign_in_failed"
    SIGNED_OUT = "security.signed_out"
    ROLE_CHANGED = "account.role_changed"
    TEAM_CHANGED = "account.team_changed"
    USER_DEACTIVATED = "account.deactivated"
    USER_REACTIVATED = "account.reactivated"
    AGREEMENT_CREATED = "agreement.created"
    AGREEMENT_CHANGED = "agreement.changed"
    AGREEMENT_EXPIRED = "agreement.expired"
    API_CLIENT_CREATED = "api.client_created"
    API_CLIENT_REVOKED = "api.client_revoked"  # no revocation path yet: reserved
    # The audit trail itself
    AUDIT_FLAG_REVIEWED = "audit.flag_reviewed"
    AUDIT_EXPORTED = "audit.exported"
    AUDIT_RETENTION = "audit.retention"
    # Casework
    CONSENT_WITHDRAWN = "consent.withdrawn"
    INDICATORS_MATCHED = "indicators.matched"
    CASE_LINK_REVOKED = "case.link_revoked"
    # Shares (provider side)
    SHARE_REQUESTED = "share.requested"
    SHARE_EMERGENCY = "share.emergency"
    SHARE_APPROVED = "share.approved"
    SHARE_REJECTED = "share.rejected"
    SHARE_DELIVERED = "share.delivered"
    SHARE_DELIVERY_FAILED = "share.delivery_failed"
    SHARE_FAILED = "share.failed"
    SHARE_REVOKED = "share.revoked"
    SHARE_EXPIRED = "share.expired"
    SHARE_REVOCATION_DELIVERED = "share.revocation_delivered"
    # Shared records (recipient side)
    RECORD_ACKNOWLEDGED = "shared_record.acknowledged"
    RECORD_ACCEPTED = "shared_record.accepted"
    RECORD_DECLINED = "shared_record.declined"
    RECORD_ASSIGNED = "shared_record.assigned"
