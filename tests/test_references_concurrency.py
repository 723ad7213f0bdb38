"""Case references stay unique when many requests open cases at the same moment (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from casework import services
from casework.models import Case

WORKERS = 8
CASES_EACH = 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_creation_hands_out_unique_gapless_references(org, caseworker):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter; SQLite serialises writers (CI runs this on PostgreSQL)")
    start = threading.Barrier(WORKERS)
    errors = []

    def open_cases():
        try:
            start.wait()
            for i in range(CASES_EACH):
                services.case_create(actor=caseworker, title=f"concurrent {i}", case_type="other")
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=open_cases) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(int(ref.rsplit("-", 1)[1]) for ref in Case.objects.values_list("reference", flat=True))
    assert numbers == list(range(1, WORKERS * CASES_EACH + 1))
