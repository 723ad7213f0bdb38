"""Query-parameter parsing shared by API filters."""

import datetime as dt

from django import forms
from django_filters.fields import IsoDateTimeField
from django_filters.filters import IsoDateTimeFilter

OUT_OF_RANGE = "A date-time the server can store: ISO 8601 with an offset within ±15:59, e.g. 2026-11-28T09:00:00Z."


def to_utc(value: dt.datetime) -> dt.datetime:
    """``value`` in UTC; ValueError when it cannot be represented there (or by the database)."""
    try:
        converted = value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)
    except OverflowError as exc:
        raise ValueError(OUT_OF_RANGE) from exc
    return converted


class UtcIsoDateTimeField(IsoDateTimeField):
    def to_python(self, value):
        try:
            parsed = super().to_python(value)
            return to_utc(parsed) if parsed is not None else None
        except (OverflowError, ValueError) as exc:
            raise forms.ValidationError(OUT_OF_RANGE, code="invalid") from exc


class UtcIsoDateTimeFilter(IsoDateTimeFilter):
    """ISO 8601 with any valid offset, compared in UTC (PostgreSQL refuses offsets past ±15:59)."""

    field_class = UtcIsoDateTimeField
