"""What every API view shares, whatever its domain."""

from rest_framework.permissions import SAFE_METHODS


def generating_schema(view) -> bool:
    """True on the schema generator's stand-in views, which have no caller and must see no rows."""
    return getattr(view, "swagger_fake_view", False)


def is_safe(request) -> bool:
    return request.method in SAFE_METHODS
