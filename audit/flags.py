"""Unusual access, computed by beat (``audit.tasks.compute_flags``), never on a page view.

Over the last ``CASEBRIDGE_FLAG_LOOKBACK_HOURS`` of each organization's chain:

- ``unassigned_read``: a case read by someone neither assigned to it (directly or through its
  team) nor a supervisor — one flag per reader, case and UTC day;
- ``burst``: more than ``CASEBRIDGE_FLAG_BURST_CASES`` distinct cases read by one user within
  ``CASEBRIDGE_FLAG_BURST_MINUTES`` — one flag per burst, anchored at its first read;
- ``out_of_hours``: reads outside the organization's working hours in its time zone — one flag
  per reader and local day;
- ``emergency_share``: every emergency share (until an auditor reviews its flag);
- ``repeated_denials``: ``CASEBRIDGE_FLAG_DENIALS`` or more permission denials by one user in a
  UTC day.

Each flag has a deterministic ``key``: computing twice creates nothing new.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.choices import Role
from accounts.models import Organization, User
from audit.choices import EventType
from audit.models import ChainLink, Flag, FlagEntry

UNASSIGNED, BURST, OUT_OF_HOURS, EMERGENCY, DENIALS = (
    "unassigned_read",
    "burst",
    "out_of_hours",
    "emergency_share",
    "repeated_denials",
)
KINDS = [UNASSIGNED, BURST, OUT_OF_HOURS, EMERGENCY, DENIALS]


def _day(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _case_reads(org: Organization, since: dt.datetime) -> list[dict]:
    return list(
        ChainLink.objects.filter(
            organization=org, action="access", occurred_at__gte=since, case_id__isnull=False, actor__isnull=False
        )
        .order_by("occurred_at", "id")
        .values("id", "actor_id", "case_id", "occurred_at")
    )


def _unassigned(org, reads) -> list[tuple[Flag, list[int]]]:
    from casework.models import Case

    if not reads:
        return []
    case_ids = {r["case_id"] for r in reads}
    actor_ids = {r["actor_id"] for r in reads}
    assigned = set(Case.assigned_to.through.objects.filter(case_id__in=case_ids).values_list("case_id", "user_id"))
    team_group = dict(Case.objects.filter(pk__in=case_ids).values_list("pk", "team__group_id"))
    groups = defaultdict(set)
    for user_id, group_id in User.groups.through.objects.filter(user_id__in=actor_ids).values_list(
        "user_id", "group_id"
    ):
        groups[user_id].add(group_id)
    supervisors = set(User.objects.filter(pk__in=actor_ids, role=Role.SUPERVISOR).values_list("pk", flat=True))
    found: dict[tuple, list[dict]] = defaultdict(list)
    for read in reads:
        actor, case = read["actor_id"], read["case_id"]
        if actor in supervisors or (case, actor) in assigned or team_group.get(case) in groups[actor]:
            continue
        found[actor, case, _day(read["occurred_at"])].append(read)
    return [
        (
            Flag(
                organization=org,
                kind=UNASSIGNED,
                subject_id=actor,
                object_type="casework.case",
                object_id=str(case),
                window_start=day,
                window_end=day + dt.timedelta(days=1),
                details={"reads": len(rows)},
                key=f"{UNASSIGNED}:{actor}:{case}:{day:%Y-%m-%d}",
            ),
            [r["id"] for r in rows],
        )
        for (actor, case, day), rows in found.items()
    ]


def _bursts(org, reads, since) -> list[tuple[Flag, list[int]]]:
    limit, window = settings.CASEBRIDGE_FLAG_BURST_CASES, dt.timedelta(minutes=settings.CASEBRIDGE_FLAG_BURST_MINUTES)
    covered = defaultdict(list)  # bursts already flagged: a later run does not start one inside them
    for subject, start, end in Flag.objects.filter(organization=org, kind=BURST, window_end__gte=since).values_list(
        "subject_id", "window_start", "window_end"
    ):
        covered[subject].append((start, end))
    by_actor = defaultdict(list)
    for read in reads:
        by_actor[read["actor_id"]].append(read)
    flags = []
    for actor, rows in by_actor.items():
        i = 0
        while i < len(rows):
            start = rows[i]["occurred_at"]
            if any(s <= start < e for s, e in covered[actor]):
                i += 1
                continue
            j, cases = i, set()
            while j < len(rows) and rows[j]["occurred_at"] < start + window:
                cases.add(rows[j]["case_id"])
                j += 1
            if len(cases) > limit:
                end = start + window
                flags.append(
                    (
                        Flag(
                            organization=org,
                            kind=BURST,
                            subject_id=actor,
                            window_start=start,
                            window_end=end,
                            details={"cases": len(cases), "reads": j - i, "minutes": window.seconds // 60},
                            key=f"{BURST}:{actor}:{start.isoformat()}",
                        ),
                        [r["id"] for r in rows[i:j]],
                    )
                )
                covered[actor].append((start, end))
                i = j
            else:
                i += 1
    return flags


def _out_of_hours(org, reads) -> list[tuple[Flag, list[int]]]:
    zone = zoneinfo.ZoneInfo(org.time_zone or "UTC")
    days = set(org.work_days or [])
    found = defaultdict(list)
    for read in reads:
        local = read["occurred_at"].astimezone(zone)
        if local.isoweekday() in days and org.work_day_start <= local.time() < org.work_day_end:
            continue
        found[read["actor_id"], local.date()].append(read)
    flags = []
    for (actor, day), rows in found.items():
        start = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
        flags.append(
            (
                Flag(
                    organization=org,
                    kind=OUT_OF_HOURS,
                    subject_id=actor,
                    window_start=start,
                    window_end=start + dt.timedelta(days=1),
                    details={
                        "reads": len(rows),
                        "cases": len({r["case_id"] for r in rows}),
                        "time_zone": org.time_zone,
                    },
                    key=f"{OUT_OF_HOURS}:{actor}:{day.isoformat()}",
                ),
                [r["id"] for r in rows],
            )
        )
    return flags


def _emergency(org) -> list[tuple[Flag, list[int]]]:
    links = ChainLink.objects.filter(
        organization=org, kind=ChainLink.EVENT, action=EventType.SHARE_EMERGENCY.value, object_type="sharing.share"
    ).values("id", "object_id", "actor_id", "occurred_at", "case_id")
    return [
        (
            Flag(
                organization=org,
                kind=EMERGENCY,
                subject_id=link["actor_id"],
                object_type="sharing.share",
                object_id=link["object_id"],
                window_start=link["occurred_at"],
                window_end=link["occurred_at"],
                details={"case_id": str(link["case_id"]) if link["case_id"] else None},
                key=f"{EMERGENCY}:{link['object_id']}",
            ),
            [link["id"]],
        )
        for link in links
    ]


def _denials(org, since) -> list[tuple[Flag, list[int]]]:
    found = defaultdict(list)
    for link in ChainLink.objects.filter(
        organization=org, action=EventType.PERMISSION_DENIED.value, occurred_at__gte=since, actor__isnull=False
    ).values("id", "actor_id", "occurred_at"):
        found[link["actor_id"], _day(link["occurred_at"])].append(link["id"])
    return [
        (
            Flag(
                organization=org,
                kind=DENIALS,
                subject_id=actor,
                window_start=day,
                window_end=day + dt.timedelta(days=1),
                details={"denials": len(ids)},
                key=f"{DENIALS}:{actor}:{day:%Y-%m-%d}",
            ),
            ids,
        )
        for (actor, day), ids in found.items()
        if len(ids) >= settings.CASEBRIDGE_FLAG_DENIALS
    ]


def compute_flags(now: dt.datetime | None = None) -> int:
    """Compute every organization's flags; the number of new ones."""
    since = (now or timezone.now()) - dt.timedelta(hours=settings.CASEBRIDGE_FLAG_LOOKBACK_HOURS)
    created = 0
    for org in Organization.objects.all():
        reads = _case_reads(org, since)
        found = _unassigned(org, reads) + _bursts(org, reads, since) + _out_of_hours(org, reads)
        found += _emergency(org) + _denials(org, since)
        if not found:
            continue
        existing = set(
            Flag.objects.filter(organization=org, key__in=[f.key for f, _ in found]).values_list("key", flat=True)
        )
        new = [(flag, links) for flag, links in found if flag.key not in existing]
        if not new:
            continue
        with transaction.atomic():
            Flag.objects.bulk_create([flag for flag, _ in new], ignore_conflicts=True)
            ids = dict(Flag.objects.filter(organization=org, key__in=[f.key for f, _ in new]).values_list("key", "pk"))
            FlagEntry.objects.bulk_create(
                [
                    FlagEntry(flag_id=ids[flag.key], link_id=link)
                    for flag, links in new
                    for link in links
                    if flag.key in ids
                ],
                ignore_conflicts=True,
            )
        created += len(new)
    return created
