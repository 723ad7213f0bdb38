"""``flush`` erases every table, the audit trail included: refused unless
``CASEBRIDGE_AUDIT_ALLOW_FLUSH`` (on under the test framework, whose teardown flushes)."""

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.flush import Command as FlushCommand

from audit.privilege import flush_allowed


class Command(FlushCommand):
    def handle(self, **options):
        if not settings.CASEBRIDGE_AUDIT_ALLOW_FLUSH:
            raise CommandError(
                "flush would erase the append-only audit trail; refused (CASEBRIDGE_AUDIT_ALLOW_FLUSH is off)."
            )
        with flush_allowed(options["database"]):
            return super().handle(**options)
