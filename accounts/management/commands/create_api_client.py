"""``create_api_client``: OAuth2 client credentials for a partner system.

Prints ``{"client_id": …, "client_secret": …}``; the secret is stored hashed and shown only here.
"""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.choices import Role
from accounts.models import Organization
from accounts.services import api_client_create
from config.api.permissions import SCOPES


class Command(BaseCommand):
    help = "Create an API client (client-credentials grant) acting for an organization; prints JSON."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="Organization slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--scopes", required=True, help='Space- or comma-separated, e.g. "cases:read shares:read"')

    def handle(self, *args, **options):
        organization = Organization.objects.filter(slug=options["org"], active=True).first()
        if organization is None:
            raise CommandError(f"No active organization {options['org']!r}.")
        scopes = sorted({s for s in options["scopes"].replace(",", " ").split() if s})
        unknown = [s for s in scopes if s not in SCOPES]
        if unknown or not scopes:
            raise CommandError(f"Unknown or missing scopes {unknown}; choose from: {' '.join(SCOPES)}.")
        try:
            client, secret = api_client_create(
                organization=organization, name=options["name"], role=options["role"], scopes=scopes
            )
        except ValidationError as exc:
            raise CommandError(f"API client not created: {'; '.join(exc.messages)}") from exc
        self.stdout.write(json.dumps({"client_id": client.application.client_id, "client_secret": secret}))
