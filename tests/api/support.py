"""What the API suite builds on: real OAuth2 clients and tokens, problem assertions, a two-organization world.

Every API call here goes through the real stack: ``create_api_client`` makes the client, the token
comes from ``POST /o/token/`` (client-credentials grant), and requests carry ``Authorization: Bearer``.
The world is built lazily (a test pays only for the rows it touches), or all at once for a module.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass
from functools import cached_property
from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import Application

from accounts.choices import Role, Sector
from accounts.models import Organization, Team, User
from accounts.services import team_add_member
from audit.context import acting_as
from casework import services as casework
from casework.models import Case, Consent, Note, Person, ServiceNeed, TechnologyIndicator
from config.api.permissions import SCOPES
from sharing import services as sharing
from sharing.models import Delivery, Share, SharedRecord
from tests.factories import OrganizationFactory, TeamFactory, UserFactory
from tests.sharing_helpers import agreement, run_outbox

ALL_SCOPES = tuple(SCOPES)
PROBLEM = "application/problem+json"


# ---------------------------------------------------------------------------------------------
# OAuth2 clients and tokens
# ---------------------------------------------------------------------------------------------


@dataclass
class Credentials:
    client_id: str
    client_secret: str
    user: User  # the API client's service account


def create_api_client(org: Organization, *, role: str = Role.SUPERVISOR, scopes=ALL_SCOPES, name="Partner system"):
    """``manage.py create_api_client``, as an operator runs it; returns what it printed plus the account."""
    out = StringIO()
    call_command(
        "create_api_client", "--org", org.slug, "--name", name, "--role", role, "--scopes", " ".join(scopes), stdout=out
    )
    printed = json.loads(out.getvalue())
    application = Application.objects.select_related("user").get(client_id=printed["client_id"])
    return Credentials(printed["client_id"], printed["client_secret"], application.user)


def basic_auth(client_id: str, client_secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()


def fetch_token(credentials: Credentials, scopes=None) -> dict:
    """``POST /o/token/`` with the client-credentials grant; ``scopes`` narrows the token."""
    data = {"grant_type": "client_credentials"}
    if scopes is not None:
        data["scope"] = " ".join(scopes)
    response = Client().post(
        "/o/token/", data, HTTP_AUTHORIZATION=basic_auth(credentials.client_id, credentials.client_secret)
    )
    assert response.status_code == 200, response.content
    return response.json()


class Api:
    """A caller of ``/api/v1/``: a bearer token (a partner system) or none (anonymous)."""

    def __init__(self, token: str | None = None, user: User | None = None, client: Client | None = None):
        self.token = token
        self.user = user
        self.client = client or Client()

    def request(self, method: str, path: str, data=None, *, raw: bytes | str | None = None, headers=None):
        extra = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}
        if method == "PATCH" and "If-Match" not in (headers or {}):  # a case PATCH must name a version (428)
            headers = {"If-Match": "*", **(headers or {})}
        body = raw if raw is not None else ("" if data is None else json.dumps(data, default=str))
        return self.client.generic(method, path, body, content_type="application/json", headers=headers, **extra)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, data=None, **kwargs):
        return self.request("POST", path, data, **kwargs)

    def patch(self, path, data=None, **kwargs):
        return self.request("PATCH", path, data, **kwargs)


# ---------------------------------------------------------------------------------------------
# Assertions
# ---------------------------------------------------------------------------------------------


def assert_problem(response, status: int) -> dict:
    """An RFC 9457 problem document with the expected status."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith(PROBLEM), response["Content-Type"]
    body = json.loads(response.content)
    assert {"type", "title", "status", "detail"} <= set(body), body
    assert body["status"] == status
    return body


def domain_state() -> dict:
    """Row counts of everything an API write can create; equal before and after = nothing written."""
    models = (Case, Person, Note, ServiceNeed, TechnologyIndicator, Consent, Share, SharedRecord, Delivery)
    return {model.__name__: model.objects.count() for model in models}


def row_state(obj) -> dict:
    """The stored values of one row (read again from the database)."""
    return type(obj).objects.filter(pk=obj.pk).values().get()


# ---------------------------------------------------------------------------------------------
# The world: hope-house (ngo, "A", the caller's) and metro-police (law enforcement, "B")
# ---------------------------------------------------------------------------------------------


@dataclass
class CaseBundle:
    case: Case
    survivor: Person
    indicator: TechnologyIndicator
    consent: Consent


def build_case(
    actor: User, *, assignee: User, label: str, consent_sector: str, team: Team | None = None, also=()
) -> CaseBundle:
    """A case with an adult survivor, a note, a need, a phone indicator and a consent to share,
    assigned to ``actor``, ``assignee`` and ``also`` (and to ``team``, if any)."""
    with acting_as(actor):
        case = casework.case_create(
            actor=actor,
            title=f"{label} depot case",
            case_type="sex_trafficking",
            assigned_to=[actor, assignee, *also],
            team=team,
        )
        survivor = casework.person_add(
            actor=actor,
            case=case,
            role="survivor",
            given_name=f"{label}given",
            family_name=f"{label}family",
            date_of_birth=dt.date(1996, 4, 2),
            phone="+12025550143",
        )
        casework.note_add(actor=actor, case=case, body=f"{label} general note", sensitivity="general")
        casework.need_add(actor=actor, case=case, kind="shelter", detail="Bed tonight")
        indicator = casework.indicator_add(
            actor=actor, case=case, kind="phone_number", value="+1 202 555 0177", platform=f"{label}-platform"
        )
        consent = casework.consent_record(
            actor=actor,
            case=case,
            person=survivor,
            categories=["case_summary", "needs", "indicators", "general_notes"],
            purpose="services",
            method="written",
            scope_sectors=[consent_sector],
            expires_at=timezone.now() + dt.timedelta(days=30),
        )
    return CaseBundle(case, survivor, indicator, consent)


@dataclass(frozen=True)
class Caller:
    """One of hope-house's API clients, as it stands towards hope-house's case A."""

    name: str
    role: str
    in_team: bool = False  # a member of ``team_a``, the team assigned case A
    narrowed: bool = False  # also holds tokens each missing one scope
    description: str = ""


CALLERS = (
    Caller("supervisor", Role.SUPERVISOR, narrowed=True, description="a supervisor (all the org's cases)"),
    Caller("assignee", Role.CASEWORKER, narrowed=True, description="a caseworker case A is assigned to"),
    Caller("team_member", Role.CASEWORKER, in_team=True, narrowed=True, description="a member of case A's team"),
    Caller("outsider", Role.CASEWORKER, description="a caseworker of the same org, not assigned case A"),
    # Both are in case A's team: only the separation-of-duties role check keeps them out.
    Caller("org_admin", Role.ORG_ADMIN, in_team=True, description="an org_admin (in case A's team)"),
    Caller("auditor", Role.AUDITOR, in_team=True, narrowed=True, description="an auditor (in case A's team)"),
)


class World:
    """Two organizations with agreements both ways. ``mine=True`` picks hope-house's object (the
    API caller's organization), ``mine=False`` metro-police's (which the caller must never reach).

    Built lazily by default (a test pays for what it touches); ``build()`` builds all of it at once,
    with hope-house's API clients, for a world shared by a whole module (see ``shared_world``).
    """

    EVERYTHING = ("agreements", "bundle_a", "bundle_b", "share_a", "share_b", "pending_a", "pending_b")

    def build(self) -> World:
        self._apis = {}
        for caller in CALLERS:
            credentials = create_api_client(self.org_a, role=caller.role, name=f"Partner system ({caller.name})")
            if caller.in_team:
                team_add_member(team=self.team_a, user=credentials.user)
            self._apis[caller.name, None] = Api(fetch_token(credentials)["access_token"], credentials.user)
            if caller.narrowed:
                for scope in ALL_SCOPES:
                    narrowed = fetch_token(credentials, [s for s in ALL_SCOPES if s != scope])
                    self._apis[caller.name, scope] = Api(narrowed["access_token"], credentials.user)
        # The assignee client is assigned case A when it is opened (a direct user grant).
        self.assignees_a = [self._apis["assignee", None].user]
        for name in self.EVERYTHING:
            getattr(self, name)
        return self

    def api(self, caller: str = "supervisor", *, without: str | None = None) -> Api:
        """hope-house's partner system acting as ``caller`` (one of ``CALLERS``, e.g. a role name):
        every scope, or every scope but ``without``."""
        return self._apis[caller, without]

    # Extra users assigned case A when it is opened (``build`` puts the assignee client here).
    assignees_a: list = []

    @cached_property
    def team_a(self) -> Team:
        """hope-house's team assigned case A: its group holds ``view_case`` and ``change_case``."""
        return TeamFactory(organization=self.org_a, name="Outreach")

    @cached_property
    def org_a(self) -> Organization:
        return OrganizationFactory(slug="hope-house", name="Hope House", sector=Sector.NGO, case_prefix="HH")

    @cached_property
    def org_b(self) -> Organization:
        return OrganizationFactory(
            slug="metro-police", name="Metro Police", sector=Sector.LAW_ENFORCEMENT, case_prefix="MPD"
        )

    @cached_property
    def sup_a(self) -> User:
        return UserFactory(organization=self.org_a, role=Role.SUPERVISOR)

    @cached_property
    def cw_a(self) -> User:
        return UserFactory(organization=self.org_a, role=Role.CASEWORKER)

    @cached_property
    def sup_b(self) -> User:
        return UserFactory(organization=self.org_b, role=Role.SUPERVISOR)

    @cached_property
    def cw_b(self) -> User:
        return UserFactory(organization=self.org_b, role=Role.CASEWORKER)

    @cached_property
    def agreements(self):
        return agreement(self.org_a, self.org_b), agreement(self.org_b, self.org_a)

    @cached_property
    def bundle_a(self) -> CaseBundle:
        return build_case(
            self.sup_a,
            assignee=self.cw_a,
            also=self.assignees_a,
            team=self.team_a,
            label="Alpha",
            consent_sector=Sector.LAW_ENFORCEMENT,
        )

    @cached_property
    def bundle_b(self) -> CaseBundle:
        return build_case(self.sup_b, assignee=self.cw_b, label="Bravo", consent_sector=Sector.NGO)

    def org(self, mine: bool) -> Organization:
        return self.org_a if mine else self.org_b

    def partner(self, mine: bool) -> Organization:
        """The organization the case of ``org(mine)`` is shared with."""
        return self.org_b if mine else self.org_a

    def bundle(self, mine: bool) -> CaseBundle:
        return self.bundle_a if mine else self.bundle_b

    def case(self, mine: bool) -> Case:
        return self.bundle(mine).case

    def consent(self, mine: bool) -> Consent:
        return self.bundle(mine).consent

    def _share(self, mine: bool) -> Share:
        self.agreements  # noqa: B018 - built for its side effect
        bundle, actor = (self.bundle_a, self.sup_a) if mine else (self.bundle_b, self.sup_b)
        with acting_as(actor):
            return sharing.share_request(
                actor=actor,
                case=bundle.case,
                recipient=self.partner(mine),
                purpose="services",
                legal_basis="consent",
                consent=bundle.consent,
            )

    @cached_property
    def share_a(self) -> Share:
        """hope-house's case shared with metro-police, delivered into metro-police's inbox."""
        share = self._share(True)
        run_outbox()
        return Share.objects.get(pk=share.pk)

    @cached_property
    def share_b(self) -> Share:
        """metro-police's case shared with hope-house, delivered into hope-house's inbox."""
        share = self._share(False)
        run_outbox()
        return Share.objects.get(pk=share.pk)

    def share(self, mine: bool) -> Share:
        """An outgoing share of ``org(mine)``."""
        return self.share_a if mine else self.share_b

    def record(self, mine: bool) -> SharedRecord:
        """A record in ``org(mine)``'s inbox: what the partner shared with it."""
        return SharedRecord.objects.get(share=self.share_b if mine else self.share_a)

    def _pending(self, mine: bool) -> Share:
        self.agreements  # noqa: B018 - built for its side effect
        caseworker = self.cw_a if mine else self.cw_b
        with acting_as(caseworker):
            return sharing.share_request(
                actor=caseworker,
                case=self.case(mine),
                recipient=self.partner(mine),
                purpose="child_protection",
                legal_basis="emergency",
                justification="The child is at imminent risk tonight.",
            )

    @cached_property
    def pending_a(self) -> Share:
        return self._pending(True)

    @cached_property
    def pending_b(self) -> Share:
        return self._pending(False)

    def pending(self, mine: bool) -> Share:
        """An emergency share a caseworker requested, awaiting a supervisor's approval."""
        return self.pending_a if mine else self.pending_b
