from django.utils import timezone

from casework import signals
from casework.access import get_for_user
from casework.models import Case
from casework.permissions import Action


def authorize(*, actor, case: Case, action: Action) -> Case:
    """Lock and return the case if ``actor`` may ``action`` it, else ``NotFound`` (as for a missing case)."""
    return get_for_user(Case, user=actor, pk=case.pk, action=action, lock=True)


def touch(case: Case) -> None:
    """Mark the case changed when one of its parts changes: for ``updated_after`` consumers, and
    so that the shares of the case push a new version (in this transaction's outbox)."""
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(updated_at=now)
    case.updated_at = now
    case_changed(case)


def case_changed(case: Case) -> None:
    signals.case_changed.send(sender=Case, case_id=case.pk)
