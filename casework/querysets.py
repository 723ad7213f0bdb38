"""The one choke point for who sees which case: ``restrict(user, action)``.

Rules (SPEC, Per-object permissions) are stored as django-guardian direct foreign-key grants;
this module only reads them. The superuser and model-wide shortcuts of guardian's
``get_objects_for_user`` are deliberately absent: a platform operator or a stray global
permission never opens case content. The result is one lazy SQL query, however many cases match:

    organization_id = <the user's organization>
    AND (id IN (SELECT content_object_id FROM <case user grants>
                WHERE user_id = <user> AND permission_id = <id>)
         OR id IN (SELECT content_object_id FROM <case group grants>
                   WHERE permission_id = <id> AND group_id IN (SELECT group_id FROM <user's groups>
                                                               WHERE user_id = <user>)))

Both subqueries are uncorrelated (each is read once, through the grant tables' unique indexes)
and the permission is a literal id, not a join through permissions and content types: the
planner then estimates the grants right instead of costing a correlated subplan per case (see
the README, "The access choke point's SQL").
"""

from __future__ import annotations

from django.db import models
from django.db.models import BooleanField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from casework.permissions import CODENAME_FOR_ACTION, Action, case_permission_id


def _case_filter(user, action: Action | str, case_ref: str) -> Q | None:
    """The condition "``user`` may ``action`` the case at ``case_ref``", or None for no case at all."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "works_cases", False):
        return None
    # Built once per user object (a request's), action and reference: a case page asks a dozen
    # times, and building it cost more than running it. Only the SQL is kept, not its answer: the
    # grants are subqueries read by each query, so a grant given or taken since still counts.
    key = (Action(action), case_ref, user.pk, user.organization_id)
    built = getattr(user, "_casebridge_case_filters", None)
    if built is None:
        built = user._casebridge_case_filters = {}
    if key not in built:
        built[key] = _build_case_filter(user, action, case_ref)
    return built[key]


def _build_case_filter(user, action: Action | str, case_ref: str) -> Q:
    from accounts.models import User
    from casework.models import CaseGroupObjectPermission, CaseUserObjectPermission

    permission = case_permission_id(CODENAME_FOR_ACTION[Action(action)])
    by_user = CaseUserObjectPermission.objects.filter(user=user.pk, permission=permission)
    groups = User.groups.through.objects.filter(user=user.pk).values("group")
    by_group = CaseGroupObjectPermission.objects.filter(permission=permission, group__in=groups)
    case_id = "pk" if case_ref == "pk" else f"{case_ref}_id"
    organization = "organization" if case_ref == "pk" else f"{case_ref}__organization"
    return Q(**{organization: user.organization_id}) & (
        Q(**{f"{case_id}__in": by_user.values("content_object")})
        | Q(**{f"{case_id}__in": by_group.values("content_object")})
    )


class CaseQuerySet(models.QuerySet):
    def restrict(self, user, action: Action | str = Action.VIEW) -> CaseQuerySet:
        condition = _case_filter(user, action, "pk")
        return self.none() if condition is None else _with_organization_of(self.filter(condition), user)

    def with_involves_minor(self) -> CaseQuerySet:
        from casework.choices import MINOR_RELEVANT_ROLES
        from casework.models import Person

        # A scalar subquery with LIMIT 1, not EXISTS: PostgreSQL may turn an EXISTS in the select
        # list into a hashed subplan that reads every minor of every organization once per query
        # (31 ms at 100,000 cases) even when the page needs it for 50 rows; a scalar subquery
        # stays a per-row probe of the person index (case, role, minor_until) on the rows returned.
        minors = Person.objects.filter(
            case=OuterRef("pk"), role__in=MINOR_RELEVANT_ROLES, minor_until__gt=timezone.localdate()
        )
        first_minor = Subquery(minors.order_by().values(flag=Value(True))[:1], output_field=BooleanField())
        return self.annotate(involves_minor_annotated=Coalesce(first_minor, Value(False)))


def _with_organization_of(cases: CaseQuerySet, user) -> CaseQuerySet:
    """Every case ``restrict`` returns is of the user's organization, so each row is handed the
    user's own instance (Django's known related objects, as a reverse relation's manager does)
    rather than joining the organization and building one from its twelve columns per row (a page
    of 50 and its total: 9.1 -> 8.1 ms in-process at 100,000 cases). The user's organization is read once per
    user object (a request's), usually already loaded with it; a queryset that joins it anyway
    (``select_related``) keeps what it joined."""
    organization = user.organization
    field = cases.model._meta.get_field("organization")
    cases._known_related_objects = {**cases._known_related_objects, field: {organization.pk: organization}}
    return cases


class CasePartQuerySet(models.QuerySet):
    """Persons, notes, needs, indicators and consents: restricted through their case."""

    def restrict(self, user, action: Action | str = Action.VIEW) -> CasePartQuerySet:
        condition = _case_filter(user, action, "case")
        return self.none() if condition is None else self.filter(condition)
