"""``verify_audit_chain [--org SLUG]``: walk the hash chains; JSON on stdout, exit 1 naming the
first broken entry."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organization
from audit.integrity import verify


class Command(BaseCommand):
    help = "Verify the audit trail's hash chains and signed checkpoints; prints JSON, exits 1 on a break."

    def add_arguments(self, parser):
        parser.add_argument("--org", help="Organization slug (default: every chain, and unchained entries)")

    def handle(self, *args, **options):
        organization = None
        if options["org"]:
            organization = Organization.objects.filter(slug=options["org"]).first()
            if organization is None:
                raise CommandError(f"No organization {options['org']!r}.")
        report = verify(organization)
        self.stdout.write(json.dumps(report, default=str))
        if not report["ok"]:
            self.stdout.flush()
            sys.exit(1)
