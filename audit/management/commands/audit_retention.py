"""``audit_retention [--older-than 7y] [--dry-run]``: the only way entries leave the audit trail.

Removes, per chain, the oldest links whose entries are older than the horizon (default
``CASEBRIDGE_AUDIT_RETENTION``) with their entries, under the database's removal privilege, and
leaves a signed anchor and an ``audit.retention`` event; the chain still verifies. Prints JSON.
"""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from audit.integrity import parse_horizon, retain


class Command(BaseCommand):
    help = "Remove audit entries older than the horizon, leaving a signed summary; prints JSON."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than", default=None, help="e.g. 7y, 400d, 12h (default: CASEBRIDGE_AUDIT_RETENTION)"
        )
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options):
        try:
            horizon = parse_horizon(options["older_than"] or settings.CASEBRIDGE_AUDIT_RETENTION)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        summaries = retain(horizon, dry_run=options["dry_run"])
        self.stdout.write(json.dumps({"dry_run": options["dry_run"], "chains": summaries}, default=str))
