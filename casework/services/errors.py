from django.core.exceptions import ValidationError

from config.errors import PreconditionFailed


class VersionConflict(PreconditionFailed):
    """The caller changed a case from a stale version (HTTP 412 at the API)."""

    def __init__(self, *, expected: int, current: int):
        super().__init__(f"Case is at version {current}, not {expected}.")
        self.expected = expected
        self.current = current


def require(condition: bool, field: str, message: str) -> None:
    if not condition:
        raise ValidationError({field: message})
