"""One filterset per list, shared by the UI and the API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from casework.choices import CaseStatus, CaseType, Priority
from casework.models import Case
from config.api.fields import UtcIsoDateTimeFilter


class CaseFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=CaseStatus.choices)
    priority = django_filters.MultipleChoiceFilter(choices=Priority.choices)
    case_type = django_filters.MultipleChoiceFilter(choices=CaseType.choices)
    assigned_to = django_filters.CharFilter(field_name="assigned_to__username", distinct=True)
    updated_after = UtcIsoDateTimeFilter(field_name="updated_at", lookup_expr="gt")
    search = django_filters.CharFilter(field_name="reference", lookup_expr="istartswith", label="Reference starts with")

    class Meta:
        model = Case
        fields = ["status", "priority", "case_type", "assigned_to", "updated_after", "search"]


class CaseListFilterSet(CaseFilterSet):
    """The browser's case list: the API's filters, plus team, a choice of assignee and a sort."""

    SORTS = {
        "activity": ("-updated_at", "reference"),
        "priority": ("priority_rank", "-updated_at"),
        "reference": ("reference",),
        "opened": ("-opened_at", "reference"),
    }

    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=CaseStatus.choices, widget=forms.CheckboxSelectMultiple
    )
    priority = django_filters.MultipleChoiceFilter(
        label=_("Priority"), choices=Priority.choices, widget=forms.CheckboxSelectMultiple
    )
    case_type = django_filters.MultipleChoiceFilter(
        label=_("Case type"), choices=CaseType.choices, widget=forms.CheckboxSelectMultiple
    )
    assigned_to = django_filters.ChoiceFilter(
        label=_("Assigned to"), field_name="assigned_to__username", distinct=True, empty_label=_("Anyone")
    )
    team = django_filters.ChoiceFilter(label=_("Team"), field_name="team_id", empty_label=_("Any team"))
    search = django_filters.CharFilter(
        label=_("Reference starts with"), field_name="reference", lookup_expr="istartswith"
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        method="sort_by",
        empty_label=None,
        choices=[
            ("activity", _("Last activity")),
            ("priority", _("Priority, highest first")),
            ("reference", _("Reference")),
            ("opened", _("Newest first")),
        ],
    )

    class Meta(CaseFilterSet.Meta):
        fields = ["search", "status", "priority", "case_type", "assigned_to", "team", "sort"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.models import Team
        from casework.forms import UserChoiceLabel, case_workers

        self.filters["assigned_to"].extra["choices"] = [
            (u.username, UserChoiceLabel.label(u)) for u in case_workers(user.organization_id)
        ]
        self.filters["team"].extra["choices"] = [
            (str(t.pk), t.name) for t in Team.objects.filter(organization_id=user.organization_id)
        ]
        del self.filters["updated_after"]

    @property
    def qs(self):
        queryset = super().qs
        if not getattr(self.form, "cleaned_data", {}).get("sort"):
            queryset = queryset.order_by(*self.SORTS["activity"])
        return queryset

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*self.SORTS.get(value, self.SORTS["activity"]))
