"""``manage.py bench`` at a small size: it builds, serves through gunicorn, measures and writes its
report (a smoke test of the benchmark itself; its timings are not asserted)."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import global_settings
from django.core.management import call_command
from django.db import connection

from config.bench.report import READS


def test_bench_builds_measures_and_writes_its_report(settings, broker, transactional_db):
    """The ``broker`` fixture points this process's publisher at the run's real broker (SQLite run:
    the filesystem transport; PostgreSQL run: Redis), which the bench's Celery workers consume."""
    # The server hashes API client secrets with the deployment's hashers, not the suite's fast one.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    out = StringIO()
    call_command(
        "bench", "--cases", "400", "--audit-rows", "4000", "--calls", "3", "--shares", "4", "--quiet", stdout=out
    )
    report = json.loads(out.getvalue())
    assert Path(report["written_to"]).exists()
    assert report["sizes"]["large"]["cases"] == 400
    assert report["sizes"]["small"]["cases"] == 200  # a tenth, but at least ten cases per organization
    # The trail as built (counted, linked into the organizations' chains): the option's rows.
    assert report["sizes"]["large"]["audit_rows"] == 4000
    assert report["sizes"]["small"]["audit_rows"] == 1000  # a tenth, but at least 1,000
    for name in READS:
        for size in ("large", "small"):
            measured = report["reads"][name][size]
            assert measured["n"] == 3 and measured["p50_ms"] > 0 and measured["queries"] > 0, (name, size)
    assert report["peer"]["guardian_generic"]["n"] == 3
    assert report["share_pipeline"]["delivered"] == 4
    targets = report["targets"]
    assert all({"value", "target", "pass"} <= set(t) for t in targets.values())
    floors = [t for name, t in targets.items() if name.endswith("SQL floor")]
    if connection.vendor == "postgresql":
        assert all(t["pass"] is not None for t in floors)
        # The build is vacuumed as autovacuum would have done by year five (visibility map set).
        with connection.cursor() as cursor:
            cursor.execute("SELECT last_vacuum IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'casework_case'")
            assert cursor.fetchone() == (True,)
    else:
        assert all(t["pass"] is None and t["note"] == "not measured" for t in floors)

    diagnostics = report["diagnostics"]
    assert diagnostics["stack_api_me_p50_ms"] > 0 and diagnostics["stack_healthz_p50_ms"] > 0
    assert set(READS) <= set(diagnostics)

    # --keep reuses the build; without it, an existing build is refused rather than doubled.
    with pytest.raises(Exception, match="--keep"):
        call_command("bench", "--cases", "400", "--audit-rows", "4000", "--quiet", stdout=StringIO())
    # A build of another size is refused too: the report would name sizes the database does not hold.
    with pytest.raises(Exception, match="has 400 cases, not 1,000"):
        call_command("bench", "--cases", "1000", "--keep", "--quiet", stdout=StringIO())
    again = StringIO()
    call_command(
        "bench",
        "--cases",
        "400",
        "--audit-rows",
        "4000",
        "--calls",
        "1",
        "--shares",
        "2",
        "--keep",
        "--quiet",
        stdout=again,
    )  # the second run signs its API clients in again with new secrets
    assert json.loads(again.getvalue())["build_seconds"] == {"large": 0.0, "small": 0.0}
