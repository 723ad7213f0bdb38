"""``seed_demo``: the demo world of the spec (Operations). Running it twice changes nothing.

Prints one JSON document: the organizations, every demo user with the password set by this run
(null when it was left unchanged), and how many rows of each kind this run created.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts import demo_data
from accounts.choices import Role
from accounts.models import Organization, Team, User
from accounts.services import organization_create, team_add_member, team_create, user_create
from audit.context import acting_as
from casework import services as casework
from casework.models import Case
from sharing.choices import DataCategory, Purpose
from sharing.models import SharingAgreement
from sharing.services import agreement_create

# The org admin comes first: the other users of the organization are created in its name.
ROLES = [Role.ORG_ADMIN, Role.SUPERVISOR, Role.CASEWORKER, Role.AUDITOR]
BIRTHDAY_PASSED_DAYS_AGO = 60  # a person "16" was born 16 years and this many days ago


def demo_username(role: str, slug: str) -> str:
    return f"{role}@{slug}.example"


def birth_date(age: int, today: dt.date) -> dt.date:
    try:
        anniversary = today.replace(year=today.year - age)
    except ValueError:  # 29 February
        anniversary = today.replace(year=today.year - age, day=28)
    return anniversary - dt.timedelta(days=BIRTHDAY_PASSED_DAYS_AGO)


class Command(BaseCommand):
    help = "Create the demo organizations, users, agreements and cases (idempotent); prints JSON."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help="Password of every demo user (existing ones are reset to it). "
            "Without it, users created by this run share one generated password.",
        )

    def handle(self, *args, **options):
        seeder = DemoSeeder(password=options["password"])
        with transaction.atomic():
            report = seeder.run()
        self.stdout.write(json.dumps(report, indent=2))


class DemoSeeder:
    def __init__(self, *, password: str | None):
        self.password = password
        self._generated: str | None = None
        self.created = {"organizations": 0, "users": 0, "agreements": 0, "cases": 0}
        self.user_report: list[dict] = []

    def run(self) -> dict:
        organizations = [self._organization(*spec) for spec in demo_data.ORGANIZATIONS]
        staff = {org.slug: self._users(org) for org in organizations}
        teams = {org.slug: self._team(org, staff[org.slug]) for org in organizations}
        self._agreements(organizations, staff)
        for org in organizations:
            if not Case.objects.filter(organization=org).exists():
                for scenario in demo_data.SCENARIOS[org.slug]:
                    self._case(scenario, staff[org.slug], teams[org.slug])
        return {
            "organizations": [org.slug for org in organizations],
            "users": self.user_report,
            "created": self.created,
        }

    # Organizations, users, teams ---------------------------------------------------------------

    def _organization(self, slug: str, name: str, sector: str, prefix: str) -> Organization:
        org = Organization.objects.filter(slug=slug).first()
        if org is None:
            # No user exists yet to act as: the operator running the command is the actor.
            org = organization_create(slug=slug, name=name, sector=sector, case_prefix=prefix)
            self.created["organizations"] += 1
        return org

    def _new_password(self) -> str:
        if self.password:
            return self.password
        if self._generated is None:
            self._generated = secrets.token_urlsafe(12)
        return self._generated

    def _users(self, org: Organization) -> dict[str, User]:
        users: dict[str, User] = {}
        for role in ROLES:
            username = demo_username(role, org.slug)
            actor = users.get(Role.ORG_ADMIN)
            user = User.objects.filter(username=username).first()
            password = None
            with acting_as(actor):
                if user is None:
                    password = self._new_password()
                    user = user_create(
                        organization=org,
                        username=username,
                        email=username,
                        role=role,
                        password=password,
                        first_name="Demo",
                        last_name=Role(role).label,
                    )
                    self.created["users"] += 1
                elif self.password:
                    password = self.password
                    user.set_password(password)
                    user.save(update_fields=["password"])
            users[role] = user
            self.user_report.append(
                {"username": username, "organization": org.slug, "role": role, "password": password}
            )
        return users

    def _team(self, org: Organization, users: dict[str, User]) -> Team:
        with acting_as(users[Role.ORG_ADMIN]):
            team = Team.objects.filter(organization=org, name=demo_data.TEAM_NAME).first()
            if team is None:
                team = team_create(organization=org, name=demo_data.TEAM_NAME)
            team_add_member(team=team, user=users[Role.CASEWORKER])
        return team

    # Sharing agreements ------------------------------------------------------------------------

    def _agreements(self, organizations: list[Organization], staff: dict[str, dict[str, User]]) -> None:
        for provider in organizations:
            with acting_as(staff[provider.slug][Role.ORG_ADMIN]):
                for recipient in organizations:
                    if recipient == provider:
                        continue
                    if SharingAgreement.objects.filter(provider=provider, recipient=recipient).exists():
                        continue
                    agreement_create(
                        provider=provider,
                        recipient=recipient,
                        categories=DataCategory.values,
                        purposes=Purpose.values,
                    )
                    self.created["agreements"] += 1

    # Cases -------------------------------------------------------------------------------------

    def _case(self, scenario: dict, users: dict[str, User], team: Team) -> Case:
        actor = users[scenario["by"]]
        now = timezone.now()
        opened_at = now - dt.timedelta(days=scenario["days_ago"])
        consent_given_at = min(opened_at + dt.timedelta(days=1), now)
        assignment = {}
        if actor.is_supervisor:
            assignment = {"team": team, "assigned_to": [users[Role.CASEWORKER]]}
        with acting_as(actor):
            case = casework.case_create(
                actor=actor,
                title=scenario["title"],
                case_type=scenario["case_type"],
                priority=scenario["priority"],
                status=scenario["status"],
                opened_at=opened_at,
                **assignment,
            )
            for details in scenario["persons"]:
                details = dict(details)
                consent = details.pop("consent", None)
                age = details.pop("age", None)
                if age is not None:
                    details["date_of_birth"] = birth_date(age, timezone.localdate())
                party = casework.person_add(actor=actor, case=case, **details)
                if consent:
                    casework.consent_record(actor=actor, case=case, person=party, given_at=consent_given_at, **consent)
            for sensitivity, body in scenario["notes"]:
                casework.note_add(actor=actor, case=case, body=body, sensitivity=sensitivity)
            for kind, status, detail in scenario["needs"]:
                casework.need_add(actor=actor, case=case, kind=kind, status=status, detail=detail)
            for kind, value, platform, note in scenario["indicators"]:
                casework.indicator_add(actor=actor, case=case, kind=kind, value=value, platform=platform, note=note)
            if scenario["closed"]:
                case = casework.case_update(actor=actor, case=case, status="closed")
        self.created["cases"] += 1
        return case
