"""``create_agreement``: an operator creates a sharing agreement between two organizations."""

from __future__ import annotations

import json
import re

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import Organization
from sharing.choices import DataCategory, Purpose
from sharing.services import agreement_create

_SEPARATORS = re.compile(r"[\s,]+")


def parse_choice_list(text: str, allowed: list[str]) -> list[str]:
    """Comma- or space-separated values; the word ``all`` stands for every allowed value.

    Unknown values are left in for the model's validation to name them.
    """
    values = [v for v in _SEPARATORS.split(text or "") if v]
    if "all" in (v.lower() for v in values):
        return list(allowed)
    return values


def one_line(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)


class Command(BaseCommand):
    help = "Create a sharing agreement from a provider to a recipient organization; prints it as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--provider", required=True, help="Slug of the organization that shares.")
        parser.add_argument("--recipient", required=True, help="Slug of the organization that receives.")
        parser.add_argument(
            "--categories",
            required=True,
            help=f"Comma- or space-separated, or 'all': {', '.join(DataCategory.values)}.",
        )
        parser.add_argument(
            "--purposes",
            required=True,
            help=f"Comma- or space-separated, or 'all': {', '.join(Purpose.values)}.",
        )
        parser.add_argument("--valid-until", help="ISO 8601 date-time; the agreement has no end if omitted.")

    def handle(self, *args, **options):
        provider = self._organization(options["provider"], "provider")
        recipient = self._organization(options["recipient"], "recipient")
        valid_until = self._datetime(options["valid_until"]) if options["valid_until"] else None
        try:
            agreement = agreement_create(
                provider=provider,
                recipient=recipient,
                categories=parse_choice_list(options["categories"], DataCategory.values),
                purposes=parse_choice_list(options["purposes"], Purpose.values),
                valid_until=valid_until,
            )
        except ValidationError as exc:
            raise CommandError(f"Agreement not created: {one_line(exc)}") from exc
        payload = {
            "id": agreement.pk,
            "provider": provider.slug,
            "recipient": recipient.slug,
            "categories": agreement.categories,
            "purposes": agreement.purposes,
            "valid_from": agreement.valid_from.isoformat(),
            "valid_until": agreement.valid_until.isoformat() if agreement.valid_until else None,
            "status": agreement.status,
        }
        self.stdout.write(json.dumps(payload))

    @staticmethod
    def _organization(slug: str, role: str) -> Organization:
        try:
            return Organization.objects.get(slug=slug)
        except Organization.DoesNotExist:
            raise CommandError(f"Unknown {role} organization {slug!r}.") from None

    @staticmethod
    def _datetime(text: str):
        try:
            value = parse_datetime(text)
        except ValueError:
            value = None
        if value is None:
            raise CommandError(f"--valid-until {text!r} is not an ISO 8601 date-time (e.g. 2027-01-31T00:00:00Z).")
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value
