from oauth2_provider.models import AbstractAccessToken
from rest_framework.permissions import SAFE_METHODS, BasePermission

from config.scopes import SCOPES


class _AnyAuthenticated:
    """The value of ``scope_resource`` for a view that any authenticated caller may use, whatever
    its token's scopes (the caller's own identity, the partner directory). Said explicitly: a view
    that declares nothing is refused."""

    def __repr__(self) -> str:
        return "ANY_AUTHENTICATED"


ANY_AUTHENTICATED = _AnyAuthenticated()


class ScopeNotDeclared(LookupError):
    """The view names neither a scope resource nor ``ANY_AUTHENTICATED``."""


def scopes_of(request) -> set[str]:
    """The scopes the caller holds: a token's own, or all of them for a browser session (whose
    user is limited by role and object permissions alone)."""
    if isinstance(request.auth, AbstractAccessToken):
        return set(request.auth.scope.split())
    return set(SCOPES)


def required_scope(view, method: str) -> str | None:
    """The scope a request with ``method`` needs on ``view``; None for an ``ANY_AUTHENTICATED`` view.

    The view's ``scope_resource`` (or its ``scope_overrides`` entry for the current action) with
    ``:read`` for safe methods and ``:write`` otherwise. The schema documents the same rule. A view
    that declares neither raises ``ScopeNotDeclared``: forgetting the declaration must not open it.
    """
    resource = getattr(view, "scope_overrides", {}).get(getattr(view, "action", None), None)
    resource = resource or getattr(view, "scope_resource", None)
    if resource is ANY_AUTHENTICATED:
        return None
    if not isinstance(resource, str) or not resource:
        raise ScopeNotDeclared(f"{type(view).__qualname__} declares no scope_resource.")
    return f"{resource}:{'read' if method.upper() in SAFE_METHODS else 'write'}"


class HasScope(BasePermission):
    """The view's ``scope_resource`` with ``:read`` for safe methods and ``:write`` otherwise.

    A view can name a different resource for one action with ``scope_overrides``. Fails closed: a
    view that declares no scope is refused unless it says ``scope_resource = ANY_AUTHENTICATED``.
    """

    message = "This token lacks the scope for this request."

    def has_permission(self, request, view) -> bool:
        try:
            needed = required_scope(view, request.method)
        except ScopeNotDeclared:
            self.message = "This endpoint declares no scope; it is refused until it does."
            return False
        if needed is None:
            return True
        view.required_scope = needed
        return needed in scopes_of(request)
