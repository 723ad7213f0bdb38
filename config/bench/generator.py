"""The synthetic deployment: organizations, users, teams, cases and their parts, grants, shares and
a long audit trail, written with bulk inserts (``bulk_create`` in batches, no per-row ``save()``,
so no per-row signal or auditlog entry) and, on PostgreSQL, the audit trail by one
``INSERT … SELECT`` over ``generate_series`` per table.

Two sets are built side by side in one database: ``large`` (``--cases``, 20 organizations, 2,000
users) and ``small``, a tenth of it with the same shape, so that the report can show how each read
grows with ten times the data. A set is recognised by its first organization's slug (``bench-l-01``,
``bench-s-01``): ``--keep`` reuses what is there.

Shapes follow real use: every case has one assigned caseworker (its creator, granted view/change/
share), 40 % also a team (the team's group granted view/change), and the organization's
supervisors group is granted everything. A caseworker so sees a few hundred cases at either size;
a supervisor sees the whole organization (5,000 cases at the default size).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import uuid
from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

ORGANIZATIONS = 20
SECTORS = ["ngo", "law_enforcement", "health", "child_welfare"]
BATCH = 2000
YEARS = 5


@dataclass(frozen=True)
class SetSpec:
    key: str  # "large" or "small"
    slug_prefix: str  # organization slugs: <prefix>-01 … <prefix>-20
    case_prefix: str  # references: <prefix>01-2024-00042
    cases: int
    users: int
    audit_rows: int

    @property
    def marker(self) -> str:
        return f"{self.slug_prefix}-01"

    def slug(self, i: int) -> str:
        return f"{self.slug_prefix}-{i + 1:02d}"

    @property
    def slugs(self) -> list[str]:
        return [self.slug(i) for i in range(ORGANIZATIONS)]


def specs(cases: int, audit_rows: int) -> list[SetSpec]:
    return [
        SetSpec("large", "bench-l", "BL", cases, 2000, audit_rows),
        SetSpec("small", "bench-s", "BS", max(cases // 10, ORGANIZATIONS * 10), 200, max(audit_rows // 10, 1000)),
    ]


def cases_of(spec: SetSpec) -> int:
    """The cases an existing build holds in ``spec``'s organizations."""
    from casework.models import Case

    return Case.objects.filter(organization__slug__in=spec.slugs).count()


def exists(spec: SetSpec) -> bool:
    from accounts.models import Organization

    return Organization.objects.filter(slug=spec.marker).exists()


def _bulk(model, rows, progress=None, what: str = "", total: int = 0, done: int = 0) -> list:
    """``bulk_create`` in batches; returns the created rows (with their ids)."""
    created = []
    for start in range(0, len(rows), BATCH):
        created += model.objects.bulk_create(rows[start : start + BATCH], batch_size=BATCH)
    return created


def build(spec: SetSpec, progress) -> None:
    """Build one set. Organization by organization, so memory stays bounded at any size."""
    rng = random.Random(f"casebridge-bench-{spec.key}")
    with transaction.atomic():
        orgs = _organizations(spec)
    per_org = spec.cases // ORGANIZATIONS
    for i, org in enumerate(orgs):
        with transaction.atomic():
            _organization_content(spec, org, orgs, per_org, rng)
        progress.step(f"{spec.key}: cases and their parts", (i + 1) * per_org, per_org * ORGANIZATIONS)
    with transaction.atomic():
        _shares(spec, orgs, rng)
    progress.step(f"{spec.key}: shares", 1, 1)
    _guardian_generic_copies(spec, progress)
    _audit_trail(spec, progress, rng)
    _vacuum_and_analyze()


def _organizations(spec: SetSpec):
    from accounts.models import Organization

    groups = _bulk(Group, [Group(name=f"org:{spec.slug(i)}:supervisors") for i in range(ORGANIZATIONS)])
    orgs = [
        Organization(
            slug=spec.slug(i),
            name=f"Bench {spec.key} organization {i + 1}",
            sector=SECTORS[i % len(SECTORS)],
            case_prefix=f"{spec.case_prefix}{i + 1:02d}",
            supervisors_group=groups[i],
        )
        for i in range(ORGANIZATIONS)
    ]
    return _bulk(Organization, orgs)


def _organization_content(spec: SetSpec, org, orgs, per_org: int, rng: random.Random) -> None:
    from accounts.models import Team, User
    from casework import models as cw
    from casework.models import CaseSequence

    now = timezone.now()
    # Users: a few supervisors, one org admin, one auditor, caseworkers. The first caseworker and the
    # first supervisor (and the auditor) are the ones the bench measures; each role also has a
    # service account for the API.
    n_users = max(spec.users // ORGANIZATIONS, 8)
    n_sup = max(2, n_users // 40)
    roles = ["supervisor"] * n_sup + ["org_admin", "auditor"]
    roles += ["caseworker"] * (n_users - len(roles))
    users = []
    for j, role in enumerate(roles):
        service = j == 1 or (role == "caseworker" and roles.index("caseworker") + 1 == j)
        name = f"{org.slug}-{role}-{j}"
        users.append(
            User(
                username=name,
                email=f"{name}@bench.example",
                organization=org,
                role=role,
                password="!bench-unusable",  # noqa: S106 - an unusable password, as set_unusable_password writes
                is_service_account=service,
                first_name=role.title(),
                last_name=str(j),
            )
        )
    users = _bulk(User, users)
    caseworkers = [u for u in users if u.role == "caseworker"]
    supervisors = [u for u in users if u.role == "supervisor"]
    n_teams = max(1, len(caseworkers) // 12)
    team_groups = _bulk(Group, [Group(name=f"org:{org.slug}:team:Team {t + 1}") for t in range(n_teams)])
    teams = _bulk(Team, [Team(organization=org, name=f"Team {t + 1}", group=g) for t, g in enumerate(team_groups)])
    memberships = [User.groups.through(user_id=u.pk, group_id=org.supervisors_group_id) for u in supervisors]
    memberships += [
        User.groups.through(user_id=u.pk, group_id=teams[k % n_teams].group_id) for k, u in enumerate(caseworkers)
    ]
    _bulk(User.groups.through, memberships)

    perms = dict(
        Permission.objects.filter(content_type__app_label="casework", content_type__model="case").values_list(
            "codename", "pk"
        )
    )
    owner = [perms["view_case"], perms["change_case"], perms["share_case"]]
    team_perms = [perms["view_case"], perms["change_case"]]

    cases, assigned, user_grants, group_grants = [], [], [], []
    persons, notes, needs, indicators, tasks, consents = [], [], [], [], [], []
    last_by_year: dict[int, int] = {}
    for n in range(per_org):
        opened = now - dt.timedelta(seconds=rng.randrange(YEARS * 365 * 86400))
        # The two measured caseworkers (a person and an API client's account) always hold a few.
        assignee = caseworkers[n % 2] if n < 10 else rng.choice(caseworkers)
        team = rng.choice(teams) if rng.random() < 0.4 else None
        status = rng.choices(["intake", "open", "closed"], [1, 4, 5])[0]
        last_by_year[opened.year] = last_by_year.get(opened.year, 0) + 1
        case = cw.Case(
            id=uuid.UUID(int=rng.getrandbits(128), version=4),
            organization=org,
            reference=f"{org.case_prefix}-{opened.year}-{last_by_year[opened.year]:05d}",
            title=f"Bench case {n + 1}",
            case_type=rng.choice(["sex_trafficking", "labor_trafficking", "at_risk", "other"]),
            status=status,
            priority=rng.choices(["low", "medium", "high", "imminent"], [3, 5, 2, 0.3])[0],
            team=team,
            opened_at=opened,
            closed_at=opened + dt.timedelta(days=90) if status == "closed" else None,
            created_by=assignee,
            updated_at=opened + dt.timedelta(days=rng.randrange(120)),
        )
        cases.append(case)
        assigned.append(cw.Case.assigned_to.through(case_id=case.id, user_id=assignee.pk))
        user_grants += [cw.CaseUserObjectPermission(content_object=case, user=assignee, permission_id=p) for p in owner]
        group_grants += [
            cw.CaseGroupObjectPermission(content_object=case, group_id=org.supervisors_group_id, permission_id=p)
            for p in owner
        ]
        if team is not None:
            group_grants += [
                cw.CaseGroupObjectPermission(content_object=case, group_id=team.group_id, permission_id=p)
                for p in team_perms
            ]
        minor = rng.random() < 0.3
        age_days = rng.randrange(12 * 365, 17 * 365) if minor else rng.randrange(19 * 365, 50 * 365)
        dob = (now - dt.timedelta(days=age_days)).date()
        survivor = cw.Person(
            id=uuid.UUID(int=rng.getrandbits(128), version=4),
            case=case,
            role="survivor",
            given_name="Sam",
            family_name=f"Bench{n}",
            date_of_birth=dob,
            minor_until=_eighteenth_birthday(dob),
            gender=rng.choice(["female", "male", ""]),
            languages=["en"],
            nationality="US",
            phone=f"+1202555{n % 10000:04d}",
        )
        persons.append(survivor)
        for role, share in (("guardian", 0.3 if minor else 0.0), ("suspect", 0.4), ("witness", 0.2)):
            if rng.random() < share:
                persons.append(cw.Person(case=case, role=role, given_name="Alex", family_name=f"{role}{n}"))
        for k in range(2):
            notes.append(
                cw.Note(
                    case=case,
                    author=assignee,
                    body=f"Bench note {k + 1} on case {n + 1}. " * 4,
                    sensitivity=rng.choice(["general", "general", "health", "legal", "law_enforcement"]),
                )
            )
        needs.append(cw.ServiceNeed(case=case, kind=rng.choice(["shelter", "medical", "legal"]), detail="Bench need"))
        value = f"+1202{rng.randrange(10**7):07d}"
        indicators.append(
            cw.TechnologyIndicator(
                case=case,
                kind="phone_number",
                value=value,
                platform="WhatsApp",
                fingerprint=hashlib.sha256(f"phone_number:{value}".encode()).hexdigest(),
                created_by=assignee,
            )
        )
        tasks.append(
            cw.Task(
                case=case,
                title="Initial assessment",
                kind="initial_assessment",
                due_at=opened + dt.timedelta(days=3),
                assignee=assignee,
                done_at=None if status == "intake" else opened + dt.timedelta(days=2),
            )
        )
        if rng.random() < 0.5:
            consents.append(
                cw.Consent(
                    case=case,
                    person=survivor,
                    scope_sectors=list(SECTORS),
                    categories=["case_summary", "needs", "general_notes"],
                    purpose="services",
                    given_at=opened,
                    expires_at=now + dt.timedelta(days=rng.randrange(-200, 400)),
                    method="written",
                    recorded_by=assignee,
                )
            )
    _bulk(cw.Case, cases)
    _bulk(cw.Case.assigned_to.through, assigned)
    _bulk(cw.CaseUserObjectPermission, user_grants)
    _bulk(cw.CaseGroupObjectPermission, group_grants)
    _bulk(cw.Person, persons)
    _bulk(cw.Note, notes)
    _bulk(cw.ServiceNeed, needs)
    _bulk(cw.TechnologyIndicator, indicators)
    _bulk(cw.Task, tasks)
    _bulk(cw.Consent, consents)
    _bulk(CaseSequence, [CaseSequence(organization=org, year=y, last_number=n) for y, n in last_by_year.items()])


def _eighteenth_birthday(dob: dt.date) -> dt.date:
    try:
        return dob.replace(year=dob.year + 18)
    except ValueError:  # 29 February
        return dob.replace(year=dob.year + 18, day=28)


def _shares(spec: SetSpec, orgs, rng: random.Random) -> None:
    """Agreements from each organization to the next three, and 2 % of the cases shared under them
    (at least 75 per organization, so that every inbox holds more than a page at either size and
    both sizes read a full page), delivered to the recipient's inbox (half of them assigned to one
    of its caseworkers)."""
    from accounts.models import User
    from casework.models import Case
    from sharing.models import Share, SharedRecord, SharingAgreement

    categories = [
        "case_summary",
        "identity",
        "contact",
        "demographics",
        "needs",
        "general_notes",
        "health_notes",
        "legal_notes",
        "le_notes",
        "indicators",
    ]
    purposes = ["services", "health_care", "child_protection", "investigation", "safety_planning"]
    agreements = {}
    rows = []
    for i, org in enumerate(orgs):
        for step in (1, 2, 3):
            rows.append(
                SharingAgreement(
                    provider=org, recipient=orgs[(i + step) % len(orgs)], categories=categories, purposes=purposes
                )
            )
    for agreement in _bulk(SharingAgreement, rows):
        agreements.setdefault(agreement.provider_id, []).append(agreement)
    caseworkers = {}
    for org in orgs:
        caseworkers[org.pk] = list(User.objects.filter(organization=org, role="caseworker").order_by("pk")[:3])
    shares, records = [], []
    now = timezone.now()
    org_by_id = {o.pk: o for o in orgs}
    for org in orgs:
        requester = caseworkers[org.pk][0]
        n = max(spec.cases // ORGANIZATIONS // 50, 75)
        for case_id in Case.objects.filter(organization=org).order_by("opened_at").values_list("pk", flat=True)[:n]:
            agreement = rng.choice(agreements[org.pk])
            share = Share(
                case_id=case_id,
                provider=org,
                recipient_id=agreement.recipient_id,
                agreement=agreement,
                purpose="child_protection",
                legal_basis="emergency",
                justification="Bench: a child at imminent risk.",
                status="delivered",
                requested_by=requester,
                approved_by=requester,
                approved_at=now,
                version=1,
            )
            shares.append(share)
            recipient_cw = caseworkers[agreement.recipient_id]
            records.append(
                SharedRecord(
                    share=share,
                    recipient_id=agreement.recipient_id,
                    source_organization=org,
                    version=1,
                    payload={"bench": True, "case": {"reference": "redacted"}},
                    received_at=now - dt.timedelta(days=rng.randrange(365)),
                    assigned_to=recipient_cw[0] if rng.random() < 0.5 else None,
                )
            )
    _bulk(Share, shares)
    _bulk(SharedRecord, records)
    del org_by_id


def _guardian_generic_copies(spec: SetSpec, progress) -> None:
    """The same grants in guardian's generic tables (content type + text object_pk), for the peer."""
    from guardian.models import GroupObjectPermission, UserObjectPermission

    from casework.models import Case, CaseGroupObjectPermission, CaseUserObjectPermission

    case_type = ContentType.objects.get_for_model(Case)
    slugs = spec.slugs
    for source, target, who in (
        (CaseUserObjectPermission, UserObjectPermission, "user_id"),
        (CaseGroupObjectPermission, GroupObjectPermission, "group_id"),
    ):
        rows = source.objects.filter(content_object__organization__slug__in=slugs).values_list(
            "content_object_id", who, "permission_id"
        )
        total = rows.count()
        done = 0
        batch = []
        with transaction.atomic():
            for object_id, holder, permission in rows.iterator(chunk_size=BATCH):
                batch.append(
                    target(content_type=case_type, object_pk=str(object_id), permission_id=permission, **{who: holder})
                )
                if len(batch) >= BATCH:
                    target.objects.bulk_create(batch)
                    done += len(batch)
                    batch = []
                    progress.step(f"{spec.key}: guardian generic grants ({target.__name__})", done, total)
            if batch:
                target.objects.bulk_create(batch)
                done += len(batch)
        progress.step(f"{spec.key}: guardian generic grants ({target.__name__})", done, total)


def _audit_trail(spec: SetSpec, progress, rng: random.Random) -> None:
    """``audit_rows`` trail entries: 90 % auditlog access entries shaped like ``audit.access`` writes
    (channel and organization in ``additional_data``), 10 % domain events; over five years."""
    events = spec.audit_rows // 10
    accesses = spec.audit_rows - events
    if connection.vendor == "postgresql":
        _audit_trail_postgres(spec, progress, accesses, events)
    else:
        _audit_trail_python(spec, progress, rng, accesses, events)


def _picks_sql(spec: SetSpec) -> str:
    return f"""
        CREATE TEMP TABLE bench_pick ON COMMIT DROP AS
        SELECT (row_number() OVER (ORDER BY c.id)) - 1 AS n, c.id::text AS case_id, c.reference,
               o.slug, o.id AS org_id, u.id AS user_id, u.email
        FROM casework_case c
        JOIN accounts_organization o ON o.id = c.organization_id
        JOIN casework_case_assigned_to a ON a.case_id = c.id
        JOIN accounts_user u ON u.id = a.user_id
        WHERE o.slug LIKE '{spec.slug_prefix}-%';
        CREATE UNIQUE INDEX ON bench_pick (n);
        ANALYZE bench_pick;
    """  # noqa: S608


def _audit_trail_postgres(spec: SetSpec, progress, accesses: int, events: int) -> None:
    case_type = ContentType.objects.get_for_model(_case_model()).pk
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM auditlog_logentry")
        log_mark = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(max(id), 0) FROM audit_domainevent")
        event_mark = cursor.fetchone()[0]
    chunk = 500_000
    done = 0
    total = accesses + events
    for start in range(0, accesses, chunk):
        size = min(chunk, accesses - start)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_picks_sql(spec))
            cursor.execute("SELECT count(*) FROM bench_pick")
            picks = cursor.fetchone()[0]
            # g spreads over the picks with a multiplicative hash; the timestamp over five years.
            cursor.execute(
                """
                INSERT INTO auditlog_logentry (content_type_id, object_pk, object_id, object_repr, action,
                    changes, changes_text, actor_id, actor_email, remote_addr, timestamp, additional_data, cid)
                SELECT %s, p.case_id, NULL, p.reference, 3, NULL, '', p.user_id, p.email, '10.0.0.1',
                       now() - ((g %% 157680000) * interval '1 second'),
                       jsonb_build_object('channel', CASE WHEN g %% 3 = 0 THEN 'api' ELSE 'ui' END,
                                          'organization', p.slug),
                       NULL
                FROM generate_series(%s::bigint, %s::bigint) g
                JOIN bench_pick p ON p.n = (g * 2654435761) %% %s
                """,
                [case_type, start + 1, start + size, picks],
            )
        done += size
        progress.step(f"{spec.key}: audit trail", done, total)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_picks_sql(spec))
        cursor.execute("SELECT count(*) FROM bench_pick")
        picks = cursor.fetchone()[0]
        cursor.execute(
            """
            INSERT INTO audit_domainevent (occurred_at, event_type, actor_id, actor_username, organization_id,
                object_type, object_id, data, remote_addr, cid)
            SELECT now() - ((g * 7 %% 157680000) * interval '1 second'),
                   CASE WHEN g %% 2 = 0 THEN 'indicators.matched' ELSE 'share.requested' END,
                   p.user_id, p.email, p.org_id, 'casework.case', p.case_id, '{"channel": "api"}'::jsonb,
                   '10.0.0.1', ''
            FROM generate_series(1::bigint, %s::bigint) g
            JOIN bench_pick p ON p.n = (g * 2654435761) %% %s
            """,
            [events, picks],
        )
        _link_trail_sql(cursor, log_mark, event_mark)
    progress.step(f"{spec.key}: audit trail", total, total)


# The auditor's questions read the chain's link table (``audit.ChainLink``), so the synthetic trail
# gets links too, numbered on from each organization's chain head. Their hashes are placeholders:
# hashing five million rows one after another would dominate the build, and what is measured is
# reading the trail, not verifying it (``verify_audit_chain`` reports a bench database as broken).
_PLACEHOLDER = "0" * 64


def _link_trail_sql(cursor, log_mark: int, event_mark: int) -> None:
    cursor.execute(
        """
        INSERT INTO audit_chainhead (chain, seq, hash)
        SELECT DISTINCT 'org-' || o.id, 0, %s FROM accounts_organization o
        ON CONFLICT (chain) DO NOTHING
        """,
        [_PLACEHOLDER],
    )
    for kind, source in (
        (
            "log",
            """SELECT l.id AS entry_id, o.id AS org_id, l.timestamp AS occurred_at, l.actor_id, 'access' AS action,
                      'casework.case' AS object_type, l.object_pk AS object_id, l.object_pk::uuid AS case_id,
                      l.additional_data->>'channel' AS channel
               FROM auditlog_logentry l JOIN accounts_organization o ON o.slug = l.additional_data->>'organization'
               WHERE l.id > %s""",
        ),
        (
            "event",
            """SELECT e.id, e.organization_id, e.occurred_at, e.actor_id, e.event_type, e.object_type, e.object_id,
                      e.object_id::uuid, e.data->>'channel'
               FROM audit_domainevent e WHERE e.id > %s""",
        ),
    ):
        mark = log_mark if kind == "log" else event_mark
        cursor.execute(
            f"""
            INSERT INTO audit_chainlink (chain, seq, kind, entry_id, organization_id, occurred_at, actor_id, action,
                object_type, object_id, case_id, channel, prev_hash, hash)
            SELECT 'org-' || s.org_id, h.seq + row_number() OVER (PARTITION BY s.org_id ORDER BY s.entry_id), %s,
                   s.entry_id, s.org_id, s.occurred_at, s.actor_id, s.action, s.object_type, s.object_id, s.case_id,
                   coalesce(s.channel, ''), %s, %s
            FROM ({source}) AS s (entry_id, org_id, occurred_at, actor_id, action, object_type, object_id, case_id,
                                  channel)
            JOIN audit_chainhead h ON h.chain = 'org-' || s.org_id
            """,  # noqa: S608 - fixed SQL, values as parameters
            [kind, _PLACEHOLDER, _PLACEHOLDER, mark],
        )
        cursor.execute(
            """
            UPDATE audit_chainhead h SET seq = m.top
            FROM (SELECT chain, max(seq) AS top FROM audit_chainlink GROUP BY chain) m
            WHERE m.chain = h.chain AND m.top > h.seq
            """
        )


def _audit_trail_python(spec: SetSpec, progress, rng: random.Random, accesses: int, events: int) -> None:
    from auditlog.models import LogEntry

    from audit import chain
    from audit.models import ChainLink, DomainEvent
    from casework.models import Case

    case_type = ContentType.objects.get_for_model(Case)
    slugs = spec.slugs
    picks = list(
        Case.assigned_to.through.objects.filter(case__organization__slug__in=slugs).values_list(
            "case_id", "case__reference", "case__organization__slug", "case__organization_id", "user_id", "user__email"
        )
    )
    now = timezone.now()
    total = accesses + events
    done = 0
    while done < accesses:
        size = min(BATCH * 5, accesses - done)
        rows = []
        for _ in range(size):
            case_id, reference, slug, _org, user_id, email = rng.choice(picks)
            rows.append(
                LogEntry(
                    content_type=case_type,
                    object_pk=str(case_id),
                    object_repr=reference,
                    action=LogEntry.Action.ACCESS,
                    actor_id=user_id,
                    actor_email=email,
                    remote_addr="10.0.0.1",
                    timestamp=now - dt.timedelta(seconds=rng.randrange(YEARS * 365 * 86400)),
                    additional_data={"channel": rng.choice(["ui", "api"]), "organization": slug},
                )
            )
        with transaction.atomic():
            LogEntry.objects.bulk_create(rows, batch_size=500)
            chain.append(ChainLink.LOG, rows)
        done += size
        progress.step(f"{spec.key}: audit trail", done, total)
    rows = []
    for _ in range(events):
        case_id, _ref, _slug, org_id, user_id, _email = rng.choice(picks)
        rows.append(
            DomainEvent(
                occurred_at=now - dt.timedelta(seconds=rng.randrange(YEARS * 365 * 86400)),
                event_type="indicators.matched",
                actor_id=user_id,
                organization_id=org_id,
                object_type="casework.case",
                object_id=str(case_id),
                data={"channel": "api"},
                remote_addr="10.0.0.1",
            )
        )
    with transaction.atomic():
        DomainEvent.objects.bulk_create(rows, batch_size=500)
        chain.append(ChainLink.EVENT, rows)
    progress.step(f"{spec.key}: audit trail", total, total)


def _case_model():
    from casework.models import Case

    return Case


def _vacuum_and_analyze() -> None:
    """What autovacuum has long done in a deployment in its fifth year: statistics, and on
    PostgreSQL the visibility map too. Without it the reads measured right after a bulk build
    visit heap pages an index-only scan would skip, and their cost drifts while autovacuum (when
    the server runs it at all) catches up in the middle of the measurements."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)" if connection.vendor == "postgresql" else "ANALYZE")
