"""``register_partner``: an organization whose system lives outside this deployment.

Prints ``{"slug": …, "webhook_secret": "whsec_…"}``; the secret is shown this once. No agreement is
created: an org admin or the operator adds them.
"""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.choices import Sector
from accounts.services import organization_create
from sharing import webhooks
from sharing.models import PartnerEndpoint


class Command(BaseCommand):
    help = "Register an external partner organization with a webhook; prints its signing secret as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--sector", required=True, choices=Sector.values)
        parser.add_argument("--webhook-url", required=True)
        parser.add_argument("--case-prefix", default="")

    def handle(self, *args, **options):
        try:
            webhooks.check_destination(options["webhook_url"])
            with transaction.atomic():
                org = organization_create(
                    slug=options["slug"],
                    name=options["name"],
                    sector=options["sector"],
                    case_prefix=options["case_prefix"],
                )
                endpoint = PartnerEndpoint(organization=org, url=options["webhook_url"], secret=webhooks.new_secret())
                endpoint.full_clean()
                endpoint.save()
        except ValidationError as exc:
            messages = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            raise CommandError(f"Partner not registered: {messages}") from exc
        self.stdout.write(json.dumps({"slug": org.slug, "webhook_secret": endpoint.secret}))
