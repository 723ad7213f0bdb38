from django.http import Http404
from django.utils import timezone

from casework.models import Case
from casework.permissions import Action


def authorize(*, actor, case: Case, action: Action) -> Case:
    """Lock and return the case if ``actor`` may ``action`` it, else 404 (as for a missing case)."""
    locked = Case.objects.restrict(actor, action).select_for_update(of=("self",)).filter(pk=case.pk).first()
    if locked is None:
        raise Http404("No such case.")
    return locked


def touch(case: Case) -> None:
    """Mark the case changed when one of its parts changes: for ``updated_after`` consumers, and
    so that the shares of the case push a new version (in this transaction's outbox)."""
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(updated_at=now)
    case.updated_at = now
    case_changed(case)


def case_changed(case: Case) -> None:
    from sharing.services.outbox import case_changed as queue_share_updates

    queue_share_updates(case.pk)
