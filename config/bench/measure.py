"""The measurements: reads through a real gunicorn, their SQL floors, the guardian peer, the share
pipeline through real Celery workers, and what the access entry costs.

Times are wall-clock milliseconds measured by the client (``time.perf_counter`` around the whole
HTTP exchange on loopback). Calls of every read, at both sizes, are shuffled together so that no
read enjoys a warmer machine than another.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import requests
from django.conf import settings
from django.db import connection
from django.utils import timezone

from config.bench.generator import ORGANIZATIONS, SetSpec
from config.processes import celery_worker_command, spawn, stop

WARMUP = 5


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(values: list[float]) -> dict:
    return {"p50_ms": round(percentile(values, 0.5), 3), "p95_ms": round(percentile(values, 0.95), 3), "n": len(values)}


def database_url() -> str:
    """The URL of the database this process uses, for the server and worker processes."""
    conf = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{conf['NAME']}"
    auth = quote(conf["USER"] or "", safe="")
    if conf.get("PASSWORD"):
        auth += ":" + quote(conf["PASSWORD"], safe="")
    host, port = conf.get("HOST") or "127.0.0.1", conf.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{quote(conf['NAME'], safe='')}"


def child_env(**extra) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url(),
        "CASEBRIDGE_VAR_DIR": str(settings.VAR_DIR),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CASEBRIDGE_SIGNING_KEY": settings.CASEBRIDGE_SIGNING_KEY,
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "NO_PROXY": "127.0.0.1,localhost",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }
    env.pop("CASEBRIDGE_REQUIRE_POSTGRES", None)
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``gunicorn config.wsgi`` on a free loopback port, DEBUG off, with the bench middleware."""

    def __init__(self, log_dir: Path, workers: int = 2):
        self.port = _free_port()
        self.workers = workers
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / "gunicorn.log"
        env = child_env(
            DJANGO_DEBUG="0",
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            CASEBRIDGE_BENCH="1",
            CASEBRIDGE_API_RATE="100000000/minute",
            # Plain HTTP on loopback: what is measured is the work of each read, not the HTTPS
            # redirect. The second factor stays required, as in production; the bench's sessions
            # are made directly, already verified with a TOTP device (``_session_cookie``).
            CASEBRIDGE_SSL_REDIRECT="0",
            CASEBRIDGE_MFA_REQUIRED="all",
        )
        # DEBUG off serves static files through the manifest storage: collect them first.
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
        )
        self.proc = spawn(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "120",
            ],
            env=env,
            log_path=self.log_path,
        )
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log_path.read_text(errors='replace')[-3000:]}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("gunicorn did not answer /healthz within 60 s")
            time.sleep(0.3)

    def stop(self) -> None:
        stop(self.proc)


# --- who calls: users, API clients, sessions ---------------------------------------------------


@dataclass
class Actors:
    spec: SetSpec
    caseworker: object  # a person, in the browser
    api_caseworker: object  # a caseworker-role API client's service account
    api_supervisor: object
    auditor: object
    headers: dict = field(default_factory=dict)  # actor key -> request headers
    cases: dict = field(default_factory=dict)  # actor key -> case ids to read


def _api_client(user, scopes: list[str], server: Server) -> str:
    """A bearer token for ``user`` through the real token endpoint (client-credentials grant)."""
    from oauth2_provider.models import Application

    from accounts.hashers import hash_client_secret
    from accounts.models import ApiClient

    secret = secrets.token_urlsafe(24)
    application = Application.objects.filter(name=f"bench {user.username}").first()
    if application is None:
        application = Application(
            name=f"bench {user.username}",
            user=user,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        )
    # Stored the way ``accounts.services`` stores every client secret (our fast salted hash, so
    # that a run with --keep can set a new one on the same application).
    application.client_secret = hash_client_secret(secret)
    application.hash_client_secret = False
    application.save()
    ApiClient.objects.update_or_create(
        application=application, defaults={"organization_id": user.organization_id, "scopes": scopes}
    )
    response = requests.post(
        f"{server.url}/o/token/",
        data={"grant_type": "client_credentials", "scope": " ".join(scopes)},
        auth=(application.client_id, secret),
        timeout=30,
    )
    response.raise_for_status()
    return response.json()["access_token"]


def _session_cookie(user) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    # Signed in with the second factor, as every caseworker is in production: the OTP middleware
    # loads the session's device on each request.
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    session = SessionStore()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def actors_for(spec: SetSpec, server: Server) -> Actors:
    from django.db.models import Exists, OuterRef

    from accounts.models import User
    from casework.models import Case, Consent

    org = spec.slug(0)
    users = User.objects.filter(organization__slug=org).order_by("pk")
    caseworker = users.filter(role="caseworker", is_service_account=False).first()
    api_caseworker = users.filter(role="caseworker", is_service_account=True).first()
    api_supervisor = users.filter(role="supervisor", is_service_account=True).first()
    auditor = users.filter(role="auditor").first()
    actors = Actors(spec, caseworker, api_caseworker, api_supervisor, auditor)
    actors.headers = {
        "caseworker": {"Cookie": _session_cookie(caseworker)},
        "api_caseworker": {
            "Authorization": f"Bearer {_api_client(api_caseworker, ['cases:read', 'inbox:read'], server)}"
        },
        "api_supervisor": {
            "Authorization": f"Bearer {_api_client(api_supervisor, ['cases:read', 'inbox:read'], server)}"
        },
        "auditor": {"Authorization": f"Bearer {_api_client(auditor, ['audit:read'], server)}"},
    }
    # Cases of one shape at both sizes (each with a consent, so every read of one runs the same
    # statements), so that the statements per request compare across sizes.
    with_consent = Exists(Consent.objects.filter(case=OuterRef("pk")))
    for key in ("caseworker", "api_caseworker", "api_supervisor"):
        user = getattr(actors, key)
        visible = (
            Case.objects.restrict(user, "view")
            .filter(with_consent)
            .order_by("reference")
            .values_list("pk", flat=True)[:10]
        )
        actors.cases[key] = [str(pk) for pk in visible]
    return actors


# --- the reads -----------------------------------------------------------------------------------


@dataclass
class Read:
    name: str
    actor: str
    path: object  # callable(i) -> path
    headers: dict = field(default_factory=dict)


def reads_for(actors: Actors) -> list[Read]:
    cw_cases, sup_cases, ui_cases = (
        actors.cases["api_caseworker"],
        actors.cases["api_supervisor"],
        actors.cases["caseworker"],
    )
    audited = actors.cases["caseworker"][0]
    return [
        Read("api_case_list_caseworker", "api_caseworker", lambda i: "/api/v1/cases/"),
        Read("api_case_list_supervisor", "api_supervisor", lambda i: "/api/v1/cases/"),
        Read("api_case_detail_caseworker", "api_caseworker", lambda i: f"/api/v1/cases/{cw_cases[i % len(cw_cases)]}/"),
        Read(
            "api_case_detail_supervisor", "api_supervisor", lambda i: f"/api/v1/cases/{sup_cases[i % len(sup_cases)]}/"
        ),
        Read("api_inbox_supervisor", "api_supervisor", lambda i: "/api/v1/inbox/"),
        Read("ui_case_page_caseworker", "caseworker", lambda i: f"/cases/{ui_cases[i % len(ui_cases)]}/"),
        Read("ui_dashboard_caseworker", "caseworker", lambda i: "/"),
        Read(
            "audit_who_accessed_case",
            "auditor",
            lambda i: f"/api/v1/audit/events/?object_id={audited}&action=access",
        ),
        Read(
            "audit_what_user_accessed",
            "auditor",
            lambda i: f"/api/v1/audit/events/?actor={actors.caseworker.username}&action=access",
        ),
        # What any request costs before its own work: the stack alone (no session, no database)
        # and an authenticated API call that reads nothing of a case. Reported as diagnostics.
        Read("stack_healthz", "api_caseworker", lambda i: "/healthz"),
        Read("stack_api_me", "api_caseworker", lambda i: "/api/v1/me/"),
        Read(
            "api_case_detail_caseworker_without_access_log",
            "api_caseworker",
            lambda i: f"/api/v1/cases/{cw_cases[i % len(cw_cases)]}/",
            {"X-Bench-Access-Log": "off"},
        ),
    ]


def run_reads(server: Server, actor_sets: dict[str, Actors], calls: int, progress) -> dict:
    """Every read of every set ``calls`` times, shuffled together; p50/p95 and queries per request."""
    session = requests.Session()
    plan = []
    reads = {}
    for key, actors in actor_sets.items():
        for read in reads_for(actors):
            reads[(key, read.name)] = (read, actors)
            plan += [(key, read.name, i) for i in range(calls + WARMUP + server.workers)]
    random.Random(13).shuffle(plan)
    timings: dict = {k: [] for k in reads}
    queries: dict = {k: [] for k in reads}
    seen: dict = dict.fromkeys(reads, 0)
    warmed: set = set()
    for n, (key, name, i) in enumerate(plan):
        read, actors = reads[(key, name)]
        headers = {**actors.headers[read.actor], **read.headers}
        started = time.perf_counter()
        response = session.get(server.url + read.path(i), headers=headers, timeout=60)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{name} ({key}) answered {response.status_code}: {response.text[:300]}")
        seen[(key, name)] += 1
        # The first calls of a read, and each server process's first call of it wherever it falls,
        # fill caches (content types, permission ids, templates): they are not what is measured.
        worker = (key, name, response.headers.get("X-Bench-Worker"))
        first_in_process = worker not in warmed
        warmed.add(worker)
        if seen[(key, name)] > WARMUP and not first_in_process and len(timings[(key, name)]) < calls:
            timings[(key, name)].append(elapsed)
            queries[(key, name)].append(int(response.headers.get("X-Bench-Queries", "-1")))
        if n % 200 == 0 or n + 1 == len(plan):
            progress.step("reads through gunicorn", n + 1, len(plan))
    result: dict = {}
    for (key, name), values in timings.items():
        result.setdefault(name, {})[key] = {
            **summary(values),
            "queries": statistics.mode(queries[(key, name)]),
            "queries_min": min(queries[(key, name)]),
            "queries_max": max(queries[(key, name)]),
        }
    return result


# --- the floor: hand-written SQL over a plain psycopg connection ---------------------------------

CASE_COLUMNS = """c.id, c.reference, c.title, c.case_type, c.status, c.priority, c.opened_at, c.closed_at,
    c.created_at, c.updated_at, c.version, c.team_id, o.slug, cb.username,
    ARRAY(SELECT u.username FROM casework_case_assigned_to a JOIN accounts_user u ON u.id = a.user_id
          WHERE a.case_id = c.id),
    COALESCE((SELECT true FROM casework_person p WHERE p.case_id = c.id
              AND p.role IN ('survivor', 'guardian', 'family', 'witness', 'other')
              AND p.minor_until > current_date LIMIT 1), false)"""

VISIBLE = """c.organization_id = %(org)s AND (
    c.id IN (SELECT content_object_id FROM casework_caseuserobjectpermission
             WHERE user_id = %(user)s AND permission_id = %(perm)s)
    OR c.id IN (SELECT g.content_object_id FROM casework_casegroupobjectpermission g
                JOIN accounts_user_groups ug ON ug.group_id = g.group_id
                WHERE ug.user_id = %(user)s AND g.permission_id = %(perm)s))"""


def _floor_statements(name: str, actors: Actors, i: int) -> list[tuple[str, dict]]:
    from casework.permissions import case_permission_id

    perm = case_permission_id("view_case")

    def who(key):
        user = getattr(actors, key)
        return {"org": user.organization_id, "user": user.pk, "perm": perm}

    if name == "api_case_list_caseworker" or name == "api_case_list_supervisor":
        key = "api_caseworker" if name.endswith("caseworker") else "api_supervisor"
        return [
            (
                f"""SELECT {CASE_COLUMNS} FROM casework_case c JOIN accounts_organization o ON o.id = c.organization_id
                JOIN accounts_user cb ON cb.id = c.created_by_id WHERE {VISIBLE}
                ORDER BY c.opened_at DESC, c.reference LIMIT 50""",  # noqa: S608
                who(key),
            )
        ]
    if name.startswith("api_case_detail"):
        key = "api_caseworker" if "caseworker" in name else "api_supervisor"
        ids = actors.cases[key]
        return [
            (
                f"""SELECT {CASE_COLUMNS} FROM casework_case c JOIN accounts_organization o ON o.id = c.organization_id
                JOIN accounts_user cb ON cb.id = c.created_by_id WHERE {VISIBLE} AND c.id = %(case)s""",  # noqa: S608
                {**who(key), "case": ids[i % len(ids)]},
            )
        ]
    if name == "api_inbox_supervisor":
        return [
            (
                """SELECT r.*, so.slug, ro.slug, u.username FROM sharing_sharedrecord r
                JOIN accounts_organization so ON so.id = r.source_organization_id
                JOIN accounts_organization ro ON ro.id = r.recipient_id
                LEFT JOIN accounts_user u ON u.id = r.assigned_to_id
                WHERE r.recipient_id = %(org)s ORDER BY r.received_at DESC, r.id LIMIT 50""",
                who("api_supervisor"),
            )
        ]
    if name == "ui_case_page_caseworker":
        ids = actors.cases["caseworker"]
        params = {**who("caseworker"), "case": ids[i % len(ids)]}
        part = f"case_id = %(case)s AND case_id IN (SELECT c.id FROM casework_case c WHERE {VISIBLE})"  # noqa: S608
        return [
            (
                f"SELECT {CASE_COLUMNS} FROM casework_case c JOIN accounts_organization o ON o.id = c.organization_id "  # noqa: S608
                f"JOIN accounts_user cb ON cb.id = c.created_by_id WHERE {VISIBLE} AND c.id = %(case)s",
                params,
            ),
            *[
                (f"SELECT * FROM {table} WHERE {part} ORDER BY created_at, id", params)  # noqa: S608
                for table in (
                    "casework_person",
                    "casework_note",
                    "casework_serviceneed",
                    "casework_technologyindicator",
                    "casework_consent",
                    "casework_task",
                )
            ],
        ]
    if name == "ui_dashboard_caseworker":
        params = {**who("caseworker"), "now": timezone.now()}
        return [
            (
                f"""SELECT {CASE_COLUMNS} FROM casework_case c JOIN accounts_organization o ON o.id = c.organization_id
                JOIN accounts_user cb ON cb.id = c.created_by_id
                WHERE {VISIBLE} AND c.status <> 'closed'
                AND c.id IN (SELECT case_id FROM casework_case_assigned_to WHERE user_id = %(user)s)
                ORDER BY c.priority, c.updated_at DESC LIMIT 20""",  # noqa: S608
                params,
            ),
            (
                f"""SELECT t.* FROM casework_task t WHERE t.assignee_id = %(user)s AND t.done_at IS NULL
                AND t.due_at <= %(now)s AND t.case_id IN (SELECT c.id FROM casework_case c WHERE {VISIBLE})
                ORDER BY t.due_at, t.id LIMIT 50""",  # noqa: S608
                params,
            ),
            (
                f"""SELECT e.*, u.username FROM auditlog_logentry e LEFT JOIN accounts_user u ON u.id = e.actor_id
                WHERE e.id IN (SELECT l.entry_id FROM audit_chainlink l
                    WHERE l.organization_id = %(org)s AND l.kind = 'log' AND l.action <> 'access'
                    AND l.case_id IN (SELECT c.id FROM casework_case c WHERE {VISIBLE} AND c.status <> 'closed'
                        AND c.id IN (SELECT case_id FROM casework_case_assigned_to WHERE user_id = %(user)s)
                        ORDER BY c.priority, c.updated_at DESC LIMIT 20)
                    ORDER BY l.occurred_at DESC, l.id DESC LIMIT 15)
                ORDER BY e.timestamp DESC, e.id DESC""",  # noqa: S608
                params,
            ),
        ]
    if name in ("audit_who_accessed_case", "audit_what_user_accessed"):
        # The chain's link table indexes the trail (``audit.selectors``): the newest 50 access links
        # of the filter, then the auditlog entries they name (reads are never domain events).
        org = actors.auditor.organization_id
        if name == "audit_who_accessed_case":
            where, params = "l.object_id = %(object)s", {"org": org, "object": str(actors.cases["caseworker"][0])}
        else:
            where, params = "l.actor_id = %(user)s", {"org": org, "user": actors.caseworker.pk}
        links = f"""SELECT l.id, l.kind, l.entry_id FROM audit_chainlink l
                WHERE l.organization_id = %(org)s AND {where} AND l.action = 'access'
                ORDER BY l.occurred_at DESC, l.id DESC LIMIT 50"""  # noqa: S608
        return [
            (
                f"""WITH page AS ({links})
                SELECT l.*, u.username, o.slug FROM page p JOIN audit_chainlink l ON l.id = p.id
                LEFT JOIN accounts_user u ON u.id = l.actor_id
                LEFT JOIN accounts_organization o ON o.id = l.organization_id""",  # noqa: S608
                params,
            ),
            (
                f"""SELECT e.* FROM auditlog_logentry e WHERE e.id IN
                (SELECT entry_id FROM ({links}) p WHERE p.kind = 'log')""",  # noqa: S608
                params,
            ),
        ]
    return []


def run_floors(actor_sets: dict[str, Actors], calls: int, progress) -> dict:
    """Each read's rows by hand-written SQL over a plain psycopg connection (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return {}
    import psycopg

    conf = connection.settings_dict
    with psycopg.connect(
        host=conf.get("HOST") or "127.0.0.1",
        port=conf.get("PORT") or 5432,
        user=conf.get("USER") or None,
        password=conf.get("PASSWORD") or None,
        dbname=conf["NAME"],
        options="-c jit=off",
        autocommit=True,
    ) as conn:
        plan = []
        for key, actors in actor_sets.items():
            for read in reads_for(actors):
                if _floor_statements(read.name, actors, 0):
                    plan += [(key, read.name, i) for i in range(calls + WARMUP)]
        random.Random(7).shuffle(plan)
        timings: dict = {}
        seen: dict = {}
        for n, (key, name, i) in enumerate(plan):
            statements = _floor_statements(name, actor_sets[key], i)
            started = time.perf_counter()
            with conn.cursor() as cursor:
                for sql, params in statements:
                    cursor.execute(sql, params)
                    cursor.fetchall()
            elapsed = (time.perf_counter() - started) * 1000
            seen[(key, name)] = seen.get((key, name), 0) + 1
            if seen[(key, name)] > WARMUP:
                timings.setdefault((key, name), []).append(elapsed)
            if n % 500 == 0 or n + 1 == len(plan):
                progress.step("SQL floors over psycopg", n + 1, len(plan))
    result: dict = {}
    for (key, name), values in timings.items():
        result.setdefault(name, {})[key] = summary(values)
    # Without its access entry, case detail has the same floor as with it.
    if "api_case_detail_caseworker" in result:
        result["api_case_detail_caseworker_without_access_log"] = result["api_case_detail_caseworker"]
    return result


# --- the peer: guardian's stock path on its generic tables ---------------------------------------


def run_peer(actors: Actors, calls: int) -> dict:
    """The caseworker's first page of 50 and its total, in-process, two ways over the same grants:
    ours (``restrict()`` on the direct-FK tables, the API's paginator) and guardian's stock
    ``get_objects_for_user`` on its generic ``UserObjectPermission``/``GroupObjectPermission``
    tables with Django's ``Paginator`` (an exact ``COUNT(*)``)."""
    from unittest import mock

    from django.core.paginator import Paginator
    from guardian.models import GroupObjectPermission, UserObjectPermission
    from guardian.shortcuts import get_objects_for_user
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from casework.models import Case
    from casework.selectors import case_list, with_list_columns
    from config.api.pagination import Pagination

    user = actors.api_caseworker
    factory = APIRequestFactory()

    def ours():
        request = Request(factory.get("/api/v1/cases/"))
        paginator = Pagination()
        rows = paginator.paginate_queryset(case_list(actor=user).order_by("-opened_at", "reference"), request)
        return len(rows), paginator.total

    def peer():
        with (
            mock.patch("guardian.shortcuts.get_user_obj_perms_model", lambda *a, **k: UserObjectPermission),
            mock.patch("guardian.shortcuts.get_group_obj_perms_model", lambda *a, **k: GroupObjectPermission),
        ):
            # The same rows as ours, with the same joins and annotation added to guardian's stock
            # result (handing guardian the annotated queryset as ``klass`` makes it compare ids as
            # text through every case: 100 ms a page, not a fair peer).
            queryset = with_list_columns(
                get_objects_for_user(user, "casework.view_case", klass=Case, accept_global_perms=False)
            )
            page = Paginator(queryset.order_by("-opened_at", "reference"), 50).page(1)
            return len(list(page.object_list)), page.paginator.count

    expected = ours()
    got = peer()
    if got[0] != expected[0]:
        raise RuntimeError(f"the peer's page differs from ours: {got} vs {expected}")
    timings = {"ours": [], "guardian_generic": []}
    plan = [("ours", ours), ("guardian_generic", peer)] * (calls + WARMUP)
    random.Random(3).shuffle(plan)
    seen = dict.fromkeys(timings, 0)
    for name, fn in plan:
        started = time.perf_counter()
        fn()
        elapsed = (time.perf_counter() - started) * 1000
        seen[name] += 1
        if seen[name] > WARMUP:
            timings[name].append(elapsed)
    return {
        "what": "the caseworker's first page of 50 cases (the same joins and annotation) and its total, in-process",
        "visible_cases": got[1],
        **{name: summary(values) for name, values in timings.items()},
    }


# --- the share pipeline -------------------------------------------------------------------------


def _fresh_shares(spec: SetSpec, n: int):
    """``n`` new queued shares of the set's first organization, each with a pending inbox delivery."""
    from casework.models import Case
    from sharing.choices import DeliveryChannel, DeliveryKind
    from sharing.models import Delivery, Share, SharingAgreement

    org_slug = spec.slug(0)
    agreements = list(SharingAgreement.objects.filter(provider__slug=org_slug).select_related("provider"))
    requester = (
        Case.objects.filter(organization__slug=org_slug).values_list("created_by", flat=True).order_by("reference")[:1]
    )
    cases = list(
        Case.objects.filter(organization__slug=org_slug).order_by("-opened_at").values_list("pk", flat=True)[:n]
    )
    now = timezone.now()
    shares = Share.objects.bulk_create(
        Share(
            case_id=case_id,
            provider=agreements[0].provider,
            recipient_id=agreements[k % len(agreements)].recipient_id,
            agreement=agreements[k % len(agreements)],
            purpose="child_protection",
            legal_basis="emergency",
            justification="Bench: share pipeline.",
            status="queued",
            requested_by_id=requester[0],
            approved_by_id=requester[0],
            approved_at=now,
        )
        for k, case_id in enumerate(cases)
    )
    deliveries = Delivery.objects.bulk_create(
        Delivery(
            share=share,
            kind=DeliveryKind.VERSION,
            channel=DeliveryChannel.INBOX,
            next_attempt_at=now + dt.timedelta(hours=1),
        )
        for share in shares
    )
    return shares, deliveries


def run_share_pipeline(spec: SetSpec, n: int, log_dir: Path, progress) -> dict:
    from sharing.choices import DeliveryStatus
    from sharing.models import Delivery, Share
    from sharing.payloads import build_for_share
    from sharing.tasks import deliver

    # The floor: the payload builder alone, in this process, over n shares like the pipeline's.
    shares, _ = _fresh_shares(spec, n)
    loaded = list(
        Share.objects.filter(pk__in=[s.pk for s in shares]).select_related(
            "provider", "recipient", "agreement", "consent"
        )
    )
    started = time.perf_counter()
    for share in loaded:
        build_for_share(share, version=1, generated_at=timezone.now())
    builder_seconds = time.perf_counter() - started
    Delivery.objects.filter(share__in=shares).update(status=DeliveryStatus.CANCELLED)
    Share.objects.filter(pk__in=[s.pk for s in shares]).update(status="revoked")

    shares, deliveries = _fresh_shares(spec, n)
    env = child_env(DJANGO_DEBUG="0", CASEBRIDGE_CONN_MAX_AGE="60")  # as production workers run
    # SQLite refuses concurrent writers ("database is locked" when a read transaction upgrades), so
    # there the pipeline runs one worker process; PostgreSQL runs the two the target names.
    processes = 2 if connection.vendor == "postgresql" else 1
    workers = []
    try:
        for k in range(processes):
            log_path = log_dir / f"worker-{k + 1}.log"
            proc = spawn(celery_worker_command(f"bench-{uuid.uuid4().hex[:8]}@%h"), env=env, log_path=log_path)
            workers.append((proc, log_path))
        deadline = time.monotonic() + 60
        while not all(" ready." in p.read_text(errors="replace") for _, p in workers):
            if any(proc.poll() is not None for proc, _ in workers) or time.monotonic() > deadline:
                raise RuntimeError("a Celery worker did not start:\n" + workers[0][1].read_text(errors="replace"))
            time.sleep(0.2)
        ids = [str(d.pk) for d in deliveries]
        started = time.perf_counter()
        for delivery_id in ids:
            deliver.apply_async(args=[delivery_id])
        pending = Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.PENDING)
        deadline = time.monotonic() + max(60, n)
        while pending.exists():
            if time.monotonic() > deadline:
                raise RuntimeError("the share pipeline did not finish in time")
            time.sleep(0.05)
        pipeline_seconds = time.perf_counter() - started
        delivered = Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.DELIVERED).count()
    finally:
        for proc, _ in workers:
            stop(proc)
    progress.step("share pipeline", 1, 1)
    return {
        "shares": n,
        "worker_processes": processes,
        "delivered": delivered,
        "pipeline_seconds": round(pipeline_seconds, 3),
        "pipeline_shares_per_second": round(delivered / pipeline_seconds, 2),
        "builder_seconds": round(builder_seconds, 3),
        "builder_shares_per_second": round(n / builder_seconds, 2),
    }


def organizations() -> int:
    return ORGANIZATIONS
