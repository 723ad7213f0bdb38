"""One filterset per list, shared by the UI and the API."""

import django_filters

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
