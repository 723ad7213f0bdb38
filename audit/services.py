"""Writes of the audit workspace: reviewing a flag (itself an audited event)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.choices import Role
from audit.choices import EventType
from audit.events import record_event
from audit.models import Flag, FlagReview


def flag_review(*, auditor, flag: Flag, comment: str, channel: str = "ui") -> FlagReview:
    """An auditor of the flag's organization marks it reviewed, with a comment. Once only."""
    if auditor.role != Role.AUDITOR or not auditor.is_active or auditor.organization_id != flag.organization_id:
        raise PermissionDenied("Only an auditor of the flag's organization reviews it.")
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": "Say what you found."})
    try:
        with transaction.atomic():
            review = FlagReview.objects.create(flag=flag, reviewed_by=auditor, comment=comment)
            # The comment stays in the review row; the event says who reviewed what, when.
            record_event(
                EventType.AUDIT_FLAG_REVIEWED,
                obj=flag,
                organization=flag.organization,
                actor=auditor,
                kind=flag.kind,
                channel=channel,
            )
    except IntegrityError as exc:
        raise ValidationError({"comment": "This flag is already reviewed."}) from exc
    return review
