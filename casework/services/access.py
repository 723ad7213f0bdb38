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
    """Mark the case changed for ``updated_after`` consumers when one of its parts changes."""
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(updated_at=now)
    case.updated_at = now
