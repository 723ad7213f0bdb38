from oauth2_provider.models import AbstractAccessToken
from rest_framework.permissions import SAFE_METHODS, BasePermission

from config.scopes import SCOPES


def scopes_of(request) -> set[str]:
    """The scopes the caller holds: a token's own, or all of them for a browser session (whose
    user is limited by role and object permissions alone)."""
    if isinstance(request.auth, AbstractAccessToken):
        return set(request.auth.scope.split())
    return set(SCOPES)


def required_scope(view, method: str) -> str | None:
    """The scope a request with ``method`` needs on ``view``, or None when the view asks for none.

    The view's ``scope_resource`` (or its ``scope_overrides`` entry for the current action) with
    ``:read`` for safe methods and ``:write`` otherwise. The schema documents the same rule.
    """
    resource = getattr(view, "scope_overrides", {}).get(getattr(view, "action", None), None)
    resource = resource or getattr(view, "scope_resource", None)
    if resource is None:
        return None
    return f"{resource}:{'read' if method.upper() in SAFE_METHODS else 'write'}"


class HasScope(BasePermission):
    """The view's ``scope_resource`` with ``:read`` for safe methods and ``:write`` otherwise.

    A view can name a different resource for one action with ``scope_overrides``.
    """

    message = "This token lacks the scope for this request."

    def has_permission(self, request, view) -> bool:
        needed = required_scope(view, request.method)
        if needed is None:
            return True
        view.required_scope = needed
        return needed in scopes_of(request)
