from django.conf import settings
from django.utils.cache import add_never_cache_headers

from config.api.exceptions import problem


class ApiBodySizeLimitMiddleware:
    """Refuses API request bodies above ``CASEBRIDGE_API_MAX_BODY_BYTES`` with 413, before reading them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            limit = settings.CASEBRIDGE_API_MAX_BODY_BYTES
            if length > limit:
                response = problem(413, f"Request bodies are limited to {limit} bytes.")
                from rest_framework.renderers import JSONRenderer

                response.accepted_renderer = JSONRenderer()
                response.accepted_media_type = "application/problem+json"
                response.renderer_context = {}
                return response.render()
        return self.get_response(request)


class ApiNoStoreMiddleware:
    """Every API response may carry case data: no cache (browser, proxy) keeps a copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/") or request.path.startswith("/o/"):
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        return response
