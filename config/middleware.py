"""Response headers that every page of the browser UI needs."""

from django.conf import settings
from django.utils.cache import add_never_cache_headers, patch_cache_control


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every dynamic response that does not set its own caching, and
    on every API and token response whatever it set.

    Pages and API answers carry case content about trafficked children: no browser, shared computer
    or proxy may keep a copy (the back button on a shared phone must not bring a case back after
    sign-out). Only the static files (stylesheet, htmx) are cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(("/api/", "/o/")):
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        elif not request.path.startswith("/" + settings.STATIC_URL.lstrip("/")) and not response.has_header(
            "Cache-Control"
        ):
            patch_cache_control(response, no_store=True, private=True)
        return response
