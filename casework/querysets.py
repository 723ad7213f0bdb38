"""The one choke point for who sees which case: ``restrict(user, action)``.

Rules (SPEC, Per-object permissions) are stored as django-guardian direct foreign-key grants;
this module only reads them. The superuser and model-wide shortcuts of guardian's
``get_objects_for_user`` are deliberately absent: a platform operator or a stray global
permission never opens case content. The result is one lazy SQL query with two EXISTS
subqueries, however many cases match.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from casework.permissions import CODENAME_FOR_ACTION, Action


def _case_filter(user, action: Action | str, case_ref: str) -> Q | None:
    """The condition "``user`` may ``action`` the case at ``case_ref``", or None for no case at all."""
    from casework.models import CaseGroupObjectPermission, CaseUserObjectPermission

    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "works_cases", False):
        return None
    codename = CODENAME_FOR_ACTION[Action(action)]
    perm = {"permission__codename": codename, "permission__content_type__app_label": "casework"}
    by_user = CaseUserObjectPermission.objects.filter(content_object=OuterRef(case_ref), user=user.pk, **perm)
    by_group = CaseGroupObjectPermission.objects.filter(content_object=OuterRef(case_ref), group__user=user.pk, **perm)
    organization = f"{case_ref}__organization" if case_ref != "pk" else "organization"
    return Q(**{organization: user.organization_id}) & (Q(Exists(by_user)) | Q(Exists(by_group)))


class CaseQuerySet(models.QuerySet):
    def restrict(self, user, action: Action | str = Action.VIEW) -> CaseQuerySet:
        condition = _case_filter(user, action, "pk")
        return self.none() if condition is None else self.filter(condition)

    def with_involves_minor(self) -> CaseQuerySet:
        from casework.choices import MINOR_RELEVANT_ROLES
        from casework.models import Person

        minors = Person.objects.filter(
            case=OuterRef("pk"), role__in=MINOR_RELEVANT_ROLES, minor_until__gt=timezone.localdate()
        )
        return self.annotate(involves_minor_annotated=Exists(minors))


class CasePartQuerySet(models.QuerySet):
    """Persons, notes, needs, indicators and consents: restricted through their case."""

    def restrict(self, user, action: Action | str = Action.VIEW) -> CasePartQuerySet:
        condition = _case_filter(user, action, "case")
        return self.none() if condition is None else self.filter(condition)
