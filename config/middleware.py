"""Response headers that every page of the browser UI needs."""

from django.conf import settings
from django.utils.cache import patch_cache_control


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every dynamic response that does not set its own caching.

    Pages show case content about trafficked children: no browser, shared computer or proxy may keep
    a copy (the back button on a shared phone must not bring a case back after sign-out). Only the
    static files (stylesheet, htmx) are cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/" + settings.STATIC_URL.lstrip("/")) and not response.has_header(
            "Cache-Control"
        ):
            patch_cache_control(response, no_store=True, private=True)
        return response
