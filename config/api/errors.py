"""Django-level 404/500 pages: problem+json under /api/, the usual pages elsewhere."""

import json

from django.http import HttpResponse
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt


def _problem(status: int, title: str, detail: str) -> HttpResponse:
    body = {"type": f"https://casebridge.example/problems/{status}", "title": title, "status": status, "detail": detail}
    return HttpResponse(json.dumps(body), status=status, content_type="application/problem+json")


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return _problem(404, "Not found", "No such resource.")
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        return _problem(500, "Server error", "Something went wrong on our side; it has been logged.")
    return defaults.server_error(request)


@csrf_exempt  # an unmatched write must get its 404 problem, not the CSRF page (DRF views are exempt too)
def not_found_view(request, *args, **kwargs):
    return _problem(404, "Not found", "No such resource.")
