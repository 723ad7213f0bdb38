"""``create_api_client``: OAuth2 client credentials for a partner system.

Prints ``{"client_id": …, "client_secret": …}``; the secret is stored hashed and shown only here.
"""

import json
import secrets

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from oauth2_provider.models import Application

from accounts.choices import Role
from accounts.hashers import hash_client_secret
from accounts.models import ApiClient, Organization
from accounts.services import user_create
from audit.choices import EventType
from audit.events import record_event
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
        secret = secrets.token_urlsafe(36)
        try:
            with transaction.atomic():
                account = user_create(
                    organization=organization,
                    username=f"api-{organization.slug}-{secrets.token_hex(4)}",
                    role=options["role"],
                    first_name=options["name"][:150],
                    is_service_account=True,
                )
                application = Application.objects.create(
                    name=options["name"],
                    user=account,
                    client_type=Application.CLIENT_CONFIDENTIAL,
                    authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
                    # Hashed here with the client-secret hasher (accounts/hashers.py), so DOT must not again.
                    client_secret=hash_client_secret(secret),
                    hash_client_secret=False,
                )
                client = ApiClient.objects.create(application=application, organization=organization, scopes=scopes)
                record_event(
                    EventType.API_CLIENT_CREATED,
                    obj=client,
                    organization=organization,
                    actor=None,
                    name=options["name"],
                    role=options["role"],
                    scopes=scopes,
                    service_account=account.username,
                )
        except ValidationError as exc:
            raise CommandError(f"API client not created: {'; '.join(exc.messages)}") from exc
        self.stdout.write(json.dumps({"client_id": application.client_id, "client_secret": secret}))
