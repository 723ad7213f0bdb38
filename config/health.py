"""Liveness and readiness for load balancers and orchestrators."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET


@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


def _database_ok() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return None
    except Exception as exc:  # any driver error means "not ready"
        return f"database: {type(exc).__name__}"


def _broker_ok() -> str | None:
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=0, timeout=2)
        return None
    except Exception as exc:  # the transports raise different errors
        return f"broker: {type(exc).__name__}"


@require_GET
def readyz(request):
    problems = [p for p in (_database_ok(), _broker_ok()) if p]
    if problems:
        return JsonResponse({"status": "unavailable", "problems": problems}, status=503)
    return JsonResponse({"status": "ready"})
