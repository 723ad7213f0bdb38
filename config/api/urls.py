"""``/api/v1/``: each app declares its own endpoints; this file only mounts them (by name, so the
API's plumbing imports no domain app)."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.api.errors import not_found_view

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("casework.api.urls")),
    path("", include("sharing.api.urls")),
    path("", include("audit.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    # Anything else under /api/v1/ is a problem+json 404, in debug mode too.
    re_path(r"^.*$", not_found_view),
]
