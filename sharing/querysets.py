"""Who sees which share and which inbox item: the sharing side of the one choke point."""

from django.db import models
from django.db.models import Q

from accounts.choices import Role


class ShareQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        """Outgoing shares of cases the user may view (or share, for ``action="share"``)."""
        from casework.models import Case

        action = "share" if action in ("share", "change") else "view"
        return self.filter(case__in=Case.objects.restrict(user, action).values("pk"))


class SharedRecordQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        """Received records: the recipient organization's supervisors, and the user it is assigned to."""
        if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "works_cases", False):
            return self.none()
        mine = Q(recipient_id=user.organization_id)
        if user.role == Role.SUPERVISOR:
            return self.filter(mine)
        return self.filter(mine, assigned_to=user.pk)
