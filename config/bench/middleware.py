"""Bench-only instrumentation, installed only when ``CASEBRIDGE_BENCH`` is on (never by default).

- ``X-Bench-Queries`` on every response: the SQL statements the request ran (all of them, the
  session and authentication included).
- ``X-Bench-Worker``: the id of the server process that answered, so the bench can leave out each
  process's first call of a read (it fills that process's caches).
- A request carrying ``X-Bench-Access-Log: off`` runs with access logging suspended, so that the
  bench can measure what the access entry costs. Production settings never install this class.
"""

from __future__ import annotations

import os

from django.db import connection

from audit.access import access_logging_suspended


class BenchMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            if request.headers.get("X-Bench-Access-Log") == "off":
                with access_logging_suspended():
                    response = self.get_response(request)
            else:
                response = self.get_response(request)
        response["X-Bench-Queries"] = str(count)
        response["X-Bench-Worker"] = str(os.getpid())
        return response
