"""Page-number pagination whose total never rescans every visible row on every page.

The page itself is read with one row more than asked, which says whether a next page exists. The
total is then known without a count when this is the last page; otherwise it is counted up to
``COUNT_CAP`` + 1 rows (``SELECT count(*) FROM (… LIMIT 1001)``) and reported as at least
``COUNT_CAP`` beyond that, with ``count_exact: false``. A supervisor of an organization with
100,000 cases so pays for counting at most 1,001 of them, not all of them, on every page.

The capped count travels in the page's own statement, as an uncorrelated scalar subquery (which
PostgreSQL runs once, as an init-plan, not per row): a page with a next page costs one statement
and one round trip instead of two. Whether there is a next page is known only once the page is
read, so a last page now has its rows counted too (at most 1,001, in the database, unused). A
queryset that cannot take an annotation (``values()``, a union) is counted by a statement of its
own, as before.
"""

from __future__ import annotations

from django.db.models import IntegerField, Subquery
from django.db.models.query import ModelIterable
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

COUNT_CAP = 1000
# The annotation that carries the capped count on each row of a page (never serialized: every
# serializer names its fields).
TOTAL_ANNOTATION = "pagination_capped_total"


class _CappedCount(Subquery):
    """``(SELECT count(*) FROM (<rows, limited>) AS capped)`` of a sliced ``values("pk")`` queryset."""

    template = "(SELECT count(*) FROM (%(subquery)s) AS capped)"
    output_field = IntegerField()


class _Page:
    def __init__(self, object_list, number: int, has_next: bool):
        self.object_list = object_list
        self.number = number
        self._has_next = has_next

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    count_cap = COUNT_CAP

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = self.get_page_size(request)
        raw = request.query_params.get(self.page_query_param) or "1"
        try:
            number = int(raw)
        except ValueError:
            number = 0
        if number < 1:
            raise NotFound(self.invalid_page_message)
        offset = (number - 1) * size
        # Any 1,001 rows count the same: no sort, and none of the page's annotations.
        capped = queryset.order_by().values("pk")[: self.count_cap + 1]
        count_in_page = _takes_annotation(queryset)
        if count_in_page:
            queryset = queryset.annotate(**{TOTAL_ANNOTATION: _CappedCount(capped)})
        rows = list(queryset[offset : offset + size + 1])
        has_next = len(rows) > size
        rows = rows[:size]
        if not rows and number > 1:
            raise NotFound(self.invalid_page_message)
        if has_next:
            counted = getattr(rows[0], TOTAL_ANNOTATION) if count_in_page else capped.count()
            self.count_exact = counted <= self.count_cap
            self.total = counted if self.count_exact else max(self.count_cap, offset + len(rows) + 1)
        else:
            self.count_exact = True
            self.total = offset + len(rows)
        self.page = _Page(rows, number, has_next)
        return rows

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.total,
                "count_exact": self.count_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"]["description"] = (
            f"The number of results; exact up to {COUNT_CAP}, a lower bound beyond (see count_exact)."
        )
        response["properties"]["count_exact"] = {
            "type": "boolean",
            "description": f"False when there are more than {COUNT_CAP} results and count is a lower bound.",
        }
        response["required"] = [*response.get("required", []), "count_exact"]
        return response


def _takes_annotation(queryset) -> bool:
    """Whether the page's statement can carry the count: model rows, no set operation, no grouping."""
    query = queryset.query
    return (
        issubclass(queryset._iterable_class, ModelIterable)
        and query.combinator is None
        and query.group_by is None
        and not query.is_sliced
    )
