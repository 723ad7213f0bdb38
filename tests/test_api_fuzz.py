"""Property-based fuzzing of the partner API against its own OpenAPI schema (Schemathesis 4.x).

Every operation of ``/api/v1/schema/`` is called in process through ``config.wsgi.application`` (the
whole middleware stack as gunicorn runs it, CSRF checks included, which Django's test client skips)
with a real OAuth2 token from ``POST /o/token/``. No answer may be a server error, and each must have a
documented status code, content type and headers, and a body that conforms to the documented schema.

The world is built once for the module and committed: ``seed_demo``, plus a case of the caller's own
with a survivor and a consent, a live and a pending outgoing share, and a record in the caller's
inbox; the database is flushed at the end, as a transactional test does. Each request's writes are
rolled back (a savepoint), so every generated request meets that same world: one request's writes
(a withdrawn consent, a revoked share) take no other's happy path away, and a failure replays
exactly when Hypothesis shrinks it. Generated ids are mostly pointed at those real objects (a random
UUID only ever answers 404) and request bodies get real references (a person of the case, a partner's
slug) often enough for creations to succeed; the rest stays random, so 404s and 400s are exercised
too. The last test checks that every operation did answer 2xx at least once.

``CASEBRIDGE_FUZZ_SEED`` picks another seed (a fixed one keeps CI deterministic) and
``CASEBRIDGE_FUZZ_EXAMPLES`` the number of fuzzed examples per operation.
"""

from __future__ import annotations

import os
import uuid
import zlib
from collections import defaultdict
from dataclasses import dataclass

import hypothesis
import pytest
import schemathesis
from django.core.cache import cache
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings
from schemathesis.checks import not_a_server_error
from schemathesis.core import NOT_SET
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.choices import Role
from accounts.models import Organization, User
from audit.context import acting_as
from audit.flags import compute_flags
from audit.models import Flag
from casework.models import Task
from config.wsgi import application
from sharing import services as sharing
from sharing.models import SharedRecord
from tests.api.support import ALL_SCOPES, build_case, create_api_client, fetch_token
from tests.sharing_helpers import run_outbox

SEED = int(os.environ.get("CASEBRIDGE_FUZZ_SEED", "20251128"))
MAX_EXAMPLES = int(os.environ.get("CASEBRIDGE_FUZZ_EXAMPLES", "6"))
API = "/api/v1"
CALLER = "hope-house"  # the organization of the fuzzing API client
PARTNER = "metro-police"  # shares go there, and its share lands in the caller's inbox
PARTNER_SCOPES = ("cases:read", "cases:write", "shares:read", "shares:write", "inbox:read", "inbox:write")
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_wsgi(
    f"{API}/schema/",
    application,
    config=schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {"max-examples": MAX_EXAMPLES},
            "phases": {
                # Methods the schema does not list must answer 405 (not 5xx); two of them are enough.
                "coverage": {"unexpected-methods": ["DELETE", "PUT"]},
                # Needs links between operations, which the schema does not declare.
                "stateful": {"enabled": False},
            },
        }
    ),
)

PAGINATION = {"page", "page_size"}


@schema.hook("filter_case")
def paginate_probes_once(context, case):
    """Every list shares one paginator (config.api.pagination): the coverage phase probes ``page`` and
    ``page_size`` with every wrong type on the cases list only, not again on the nine other lists
    (some 190 requests, a seventh of the run)."""
    data = case.meta.phase.data if case.meta is not None else None
    if getattr(data, "parameter", None) not in PAGINATION:
        return True
    return case.operation.label == f"GET {API}/cases/"


# operation label -> the status codes it answered to its own method (read by the last test)
ANSWERED: dict[str, set[int]] = defaultdict(set)


@dataclass
class FuzzWorld:
    token: str  # hope-house's partner system: a supervisor with the six partner scopes
    auditor_token: str  # hope-house's auditor system, with every scope (for /audit/events/)
    ids: dict[str, list[str]]  # kind of path parameter -> real ids the caller may reach
    survivor: str  # a person of the case ``ids["case"][0]``
    consent: str  # that survivor's consent: purpose "services", law enforcement's sector
    caseworker: str  # a username of hope-house
    team: int  # a team of hope-house


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built and committed once for the module; the database is flushed afterwards, as a transactional
    test leaves it."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        built = _build_world()
    yield built
    with django_db_blocker.unblock():
        call_command("flush", verbosity=0, interactive=False)
    cache.clear()


def _build_world() -> FuzzWorld:
    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", "--password", "x" * 14, stdout=devnull)
    org, partner = Organization.objects.get(slug=CALLER), Organization.objects.get(slug=PARTNER)
    sup_a, cw_a, sup_b, cw_b = (
        User.objects.get(username=f"{role}@{slug}.example")
        for slug in (CALLER, PARTNER)
        for role in ("supervisor", "caseworker")
    )
    mine = build_case(sup_a, assignee=cw_a, label="Fuzz", consent_sector=partner.sector)
    theirs = build_case(sup_b, assignee=cw_b, label="Remote", consent_sector=org.sector)
    by_consent = {"purpose": "services", "legal_basis": "consent"}
    with acting_as(sup_a):
        live = sharing.share_request(actor=sup_a, case=mine.case, recipient=partner, consent=mine.consent, **by_consent)
    with acting_as(cw_a):
        pending = sharing.share_request(
            actor=cw_a,
            case=mine.case,
            recipient=partner,
            purpose="child_protection",
            legal_basis="emergency",
            justification="The child is at imminent risk tonight.",
        )
    with acting_as(sup_b):
        incoming = sharing.share_request(
            actor=sup_b, case=theirs.case, recipient=org, consent=theirs.consent, **by_consent
        )
    run_outbox()  # the live share is delivered to metro-police, metro-police's into hope-house's inbox
    record = SharedRecord.objects.get(share=incoming)
    compute_flags()  # the emergency share is a flag for hope-house's auditors to review
    flag = Flag.objects.filter(organization=org).first()
    token = fetch_token(create_api_client(org, role=Role.SUPERVISOR, scopes=PARTNER_SCOPES))
    auditor_token = fetch_token(create_api_client(org, role=Role.AUDITOR, scopes=ALL_SCOPES))
    return FuzzWorld(
        token=token["access_token"],
        auditor_token=auditor_token["access_token"],
        ids={
            "case": [str(mine.case.pk)],
            "consent": [str(mine.consent.pk)],
            "share": [str(live.pk), str(pending.pk)],
            "pending": [str(pending.pk)],
            "inbox": [str(record.pk)],
            "task": [str(Task.objects.filter(case=mine.case).order_by("created_at").first().pk)],
            "audit": [flag.pk],
        },
        survivor=str(mine.survivor.pk),
        consent=str(mine.consent.pk),
        caseworker=cw_a.username,
        team=org.teams.get().pk,
    )


@pytest.fixture
def in_process_requests():
    """What Django's test client does around a request: the WSGI handler would otherwise close the
    database connection after each one, which inside the test's transaction breaks it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _aim(case, world: FuzzWorld) -> None:
    """Point three generated UUIDs in four at real objects (other values stay, for the 404s), and
    give three bodies in four real references; every one, until the operation has succeeded once.

    Which ones is decided by a hash of the generated request (not by chance) and by what the run
    has answered so far, so a run replays exactly. Until the first success everything is aimed:
    some operations see only a handful of generated ids, and a hash alone could miss them all
    (the happy-path test below would then fail for want of luck, not of a defect).
    """
    generated = repr((case.method, case.path_parameters, case.query, None if case.body is NOT_SET else case.body))
    succeeded = any(200 <= status < 300 for status in ANSWERED.get(case.operation.label, ()))

    def roll(salt: str, sides: int) -> int:
        return zlib.crc32(f"{salt}:{generated}".encode()) % sides

    def aim(salt: str) -> bool:
        return not succeeded or bool(roll(salt, 4))

    path = case.operation.path.removeprefix(API)
    kind = path.split("/")[1].removesuffix("s")  # cases -> case, consents -> consent, inbox, shares -> share
    kind = "pending" if path.endswith("/approve/") else kind  # only a share awaiting approval can be approved
    params = case.path_parameters or {}
    pool = world.ids.get(kind, [])
    for name in ("id", "case_id"):
        # A flag's id is a number: generated as an int, or as digits (the coverage phase's "0").
        aimable = _is_uuid(params.get(name)) or (kind == "audit" and str(params.get(name)).isdigit())
        if pool and name in params and aimable and aim(name):
            params[name] = pool[roll("which", len(pool))]
    real_case = kind == "case" and params.get("id", params.get("case_id")) in world.ids["case"]
    if path == "/indicators/matches/" and isinstance(case.query, dict) and _is_uuid(case.query.get("case")):
        if aim("query"):
            case.query["case"] = world.ids["case"][0]
    if isinstance(case.body, dict) and aim("body"):
        _give_references(path, case.body, world, real_case=real_case)


def _give_references(path: str, body: dict, world: FuzzWorld, *, real_case: bool) -> None:
    """Real references where random ones could only be refused, and for a consent the few rules
    (a scope, a category, given in the past) that random data hardly ever meets all at once."""
    if path.endswith("/consents/") and real_case:
        body.update(person=world.survivor, scope_sectors=["law_enforcement"], expires_at=None)
        body["categories"] = body.get("categories") or ["case_summary"]
        body.pop("given_at", None)
    if path.endswith(("/shares/", "/share-preview/")) and isinstance(body.get("recipient"), str):
        body["recipient"] = PARTNER
        if real_case and body.get("legal_basis") == "consent":
            body.update(consent=world.consent, purpose="services")
    if "tasks/" in path and isinstance(body.get("assignee"), str):
        body["assignee"] = world.caseworker
    if path.endswith("/assign/") and isinstance(body.get("assigned_to"), str):
        body["assigned_to"] = world.caseworker
    if path.startswith("/cases/") and isinstance(body.get("assigned_to"), list):
        body["assigned_to"] = [world.caseworker][: len(body["assigned_to"])]
    if path.startswith("/cases/") and isinstance(body.get("team"), int):
        body["team"] = world.team
    if path.endswith("/review/") and not (isinstance(body.get("comment"), str) and body["comment"].strip()):
        body["comment"] = "Checked with the caseworker: the emergency basis held."  # a blank one is refused


@pytest.mark.django_db
@pytest.mark.usefixtures("in_process_requests")
@schema.parametrize()
@hypothesis.settings(deadline=None, database=None, suppress_health_check=list(hypothesis.HealthCheck))
def test_api_conforms_to_its_schema(case, world):
    cache.clear()  # the rate limit (600 a minute per client) is not what is fuzzed here
    _aim(case, world)
    token = world.auditor_token if case.operation.path.startswith(f"{API}/audit/") else world.token
    headers = {"Authorization": f"Bearer {token}"}
    # Each request meets the world as built: its writes are undone, and so is a failed query's
    # aborted transaction on PostgreSQL (in production autocommit ends it with the request).
    savepoint = transaction.savepoint()
    try:
        response = case.call(headers=headers)
    finally:
        transaction.savepoint_rollback(savepoint)
    if case.method.upper() == case.operation.method.upper():
        ANSWERED[case.operation.label].add(response.status_code)
    case.validate_response(response, checks=CHECKS, headers=headers)


def test_every_operation_reached_its_happy_path():
    """Runs after the fuzzing above: each operation answered 2xx at least once (so the response
    schemas of successes were checked, not only those of errors)."""
    labels = {result.ok().label for result in schema.get_all_operations()}
    if set(ANSWERED) != labels:
        pytest.skip("needs the whole fuzz run of this module")
    missed = {
        label: sorted(ANSWERED[label]) for label in sorted(labels) if not any(200 <= s < 300 for s in ANSWERED[label])
    }
    assert not missed, f"operations that never succeeded (status codes seen): {missed}"
