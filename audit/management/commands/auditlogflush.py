"""auditlog's ``auditlogflush`` deletes log entries: disabled. Old entries leave only through
``audit_retention``, which keeps a signed summary and the chain verifiable."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Disabled: the audit trail is append-only. Use audit_retention."

    def add_arguments(self, parser):
        parser.add_argument("args", nargs="*")
        parser.add_argument("-y", "--yes", action="store_true")
        parser.add_argument("-b", "--before-date", default=None)

    def handle(self, *args, **options):
        raise CommandError("auditlogflush is disabled: the audit trail is append-only (see audit_retention).")
