"""Every write of the sharing side: agreements, shares, deliveries and the recipient's answers."""

from sharing.services.agreements import agreement_create
from sharing.services.inbox import (
    record_accept,
    record_acknowledge,
    record_assign,
    record_decline,
)
from sharing.services.shares import (
    share_approve,
    share_reject,
    share_request,
    share_revoke,
    shares_expire_due,
    shares_revoke_for_consent,
)

__all__ = [
    "agreement_create",
    "record_accept",
    "record_acknowledge",
    "record_assign",
    "record_decline",
    "share_approve",
    "share_reject",
    "share_request",
    "share_revoke",
    "shares_expire_due",
    "shares_revoke_for_consent",
]
