"""Who sees which share and which inbox item: the sharing side of the one choke point."""

from django.db import models
from django.db.models import Q

from accounts.choices import Role
from casework.permissions import Action


class ShareQuerySet(models.QuerySet):
    def restrict(self, user, action: Action | str = Action.VIEW):
        """Outgoing shares of the cases the user may view (``VIEW``) or share (``SHARE``)."""
        from casework.models import Case

        if Action(action) not in (Action.VIEW, Action.SHARE):
            raise ValueError(f"{action!r} is not an action on a share.")
        return self.filter(case__in=Case.objects.restrict(user, action).values("pk"))


class SharedRecordQuerySet(models.QuerySet):
    def restrict(self, user, action: Action | str = Action.VIEW):
        """Received records: the recipient organization's supervisors see and answer them all; the
        user a record is assigned to sees and answers it."""
        action = Action(action)
        if action not in (Action.VIEW, Action.ANSWER):
            raise ValueError(f"{action!r} is not an action on a shared record.")
        if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "works_cases", False):
            return self.none()
        mine = Q(recipient_id=user.organization_id)
        if user.role == Role.SUPERVISOR:
            return self.filter(mine)
        return self.filter(mine, assigned_to=user.pk)


class DisclosureQuerySet(models.QuerySet):
    def restrict(self, user, action: Action | str = Action.VIEW):
        """The accounting of disclosures of the cases the user may view: it belongs to the case."""
        from casework.models import Case

        if Action(action) != Action.VIEW:
            raise ValueError(f"{action!r} is not an action on a disclosure.")
        return self.filter(case__in=Case.objects.restrict(user, action).values("pk"))


class RecordViewQuerySet(models.QuerySet):
    def restrict(self, user, action: Action | str = Action.VIEW):
        """What a user last opened of the records they may see: their own rows only."""
        from sharing.models import SharedRecord

        return self.filter(user=user.pk, record__in=SharedRecord.objects.restrict(user, action).values("pk"))
