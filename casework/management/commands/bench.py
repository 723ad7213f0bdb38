"""``bench``: build a year-five deployment (and a tenth of it) and measure the hot paths.

Prints the JSON report and writes it to ``var/bench/<timestamp>.json``. See the README,
"Performance", and ``config/bench/``.
"""

import json
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

from config.bench import generator, measure
from config.bench.progress import Progress
from config.bench.report import diagnostics, targets


class Command(BaseCommand):
    help = "Build a synthetic deployment with bulk inserts and measure the hot paths; prints a JSON report."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=100_000, help="cases of the large set (20 organizations)")
        parser.add_argument("--audit-rows", type=int, default=5_000_000, help="audit trail entries of the large set")
        parser.add_argument("--calls", type=int, default=200, help="calls per read and size")
        parser.add_argument("--shares", type=int, default=200, help="shares sent through the Celery pipeline")
        parser.add_argument("--keep", action="store_true", help="reuse an existing build in this database")
        parser.add_argument("--quiet", action="store_true", help="no progress output")

    def handle(self, *args, **options):
        progress = Progress(sys.stderr, enabled=not options["quiet"])
        specs = generator.specs(options["cases"], options["audit_rows"])
        built = {}
        for spec in specs:
            if generator.exists(spec):
                if not options["keep"]:
                    raise CommandError(
                        f"This database already holds a bench build ({spec.marker}); pass --keep to reuse it, "
                        "or use a fresh database."
                    )
                held = generator.cases_of(spec)
                if held != spec.cases:
                    # The report would otherwise name sizes the database does not hold.
                    raise CommandError(
                        f"This database holds a bench build whose {spec.key} set has {held:,} cases, not "
                        f"{spec.cases:,}: pass the --cases it was built with, or use a fresh database."
                    )
                progress.say(f"reusing the {spec.key} set")
                built[spec.key] = 0.0
                continue
            started = time.monotonic()
            generator.build(spec, progress)
            built[spec.key] = round(time.monotonic() - started, 1)
        sizes = _sizes(specs)

        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        log_dir = settings.VAR_DIR / "bench" / stamp
        log_dir.mkdir(parents=True, exist_ok=True)
        progress.say("starting gunicorn")
        server = measure.Server(log_dir)
        try:
            actor_sets = {spec.key: measure.actors_for(spec, server) for spec in specs}
            reads = measure.run_reads(server, actor_sets, options["calls"], progress)
        finally:
            server.stop()
        floors = measure.run_floors(actor_sets, options["calls"], progress)
        # What runs in this process runs as the server and the workers do, DEBUG off: with DEBUG on,
        # Django records and formats every statement, which would tax the side with more of them.
        with override_settings(DEBUG=False):
            progress.say("guardian peer")
            peer = measure.run_peer(actor_sets["large"], options["calls"])
            progress.say("share pipeline")
            pipeline = measure.run_share_pipeline(specs[0], options["shares"], log_dir, progress)
        report = {
            "generated_at": timezone.now().isoformat(),
            "database": connection.vendor,
            "server": "gunicorn, 2 sync workers, DEBUG off, loopback",
            "sizes": sizes,
            "build_seconds": built,
            "calls_per_read": options["calls"],
            "reads": reads,
            "floors": floors,
            "floors_note": None if floors else "not measured: the SQL floor runs over psycopg on PostgreSQL only",
            "peer": peer,
            "share_pipeline": pipeline,
        }
        report["targets"] = targets(report)
        report["diagnostics"] = diagnostics(report)
        results = [t["pass"] for t in report["targets"].values()]
        report["summary"] = {
            "passed": results.count(True),
            "failed": results.count(False),
            "not_measured": results.count(None),
        }
        path = settings.VAR_DIR / "bench" / f"{stamp}.json"
        path.write_text(json.dumps(report, indent=2, default=str))
        report["written_to"] = str(path)
        self.stdout.write(json.dumps(report, indent=2, default=str))


def _sizes(specs) -> dict:
    from auditlog.models import LogEntry

    from accounts.models import User
    from audit.models import ChainLink, DomainEvent
    from casework.models import CaseGroupObjectPermission, CaseUserObjectPermission, Person

    out = {}
    for spec in specs:
        slugs = spec.slugs
        out[spec.key] = {
            "organizations": len(slugs),
            "cases": generator.cases_of(spec),
            "users": User.objects.filter(organization__slug__in=slugs).count(),
            "persons": Person.objects.filter(case__organization__slug__in=slugs).count(),
            "grants": CaseUserObjectPermission.objects.filter(content_object__organization__slug__in=slugs).count()
            + CaseGroupObjectPermission.objects.filter(content_object__organization__slug__in=slugs).count(),
            # Counted, not the option: a build reused with --keep also holds earlier runs' reads.
            "audit_rows": ChainLink.objects.filter(organization__slug__in=slugs).count(),
        }
    out["database_totals"] = {
        "auditlog_entries": LogEntry.objects.count(),
        "domain_events": DomainEvent.objects.count(),
    }
    return out
