from collections.abc import Iterable

from django.core.exceptions import ValidationError


def validate_choice_list(values, *, allowed: Iterable[str], field: str, allow_empty: bool = False) -> list[str]:
    """A JSON list of distinct known choices, kept in a stable order."""
    allowed = list(allowed)
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
        raise ValidationError({field: "Must be a list of strings."})
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise ValidationError({field: f"Unknown value(s): {', '.join(unknown)}. Allowed: {', '.join(allowed)}."})
    if not values and not allow_empty:
        raise ValidationError({field: "At least one value is required."})
    return [v for v in allowed if v in set(values)]
