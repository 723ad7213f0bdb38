"""Verifying the chains, writing signed checkpoints, and retention (the only removal path)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re

from auditlog.models import LogEntry
from django.db import connection
from django.utils import timezone

from audit import chain as chains
from audit.choices import EventType
from audit.events import record_event
from audit.models import ChainAnchor, ChainHead, ChainLink, Checkpoint, DomainEvent, Flag, FlagEntry, FlagReview
from audit.privilege import removal_allowed

logger = logging.getLogger("casebridge.audit")
BATCH = 1000


def anchor_signature(chain: str, seq: int, hash_: str, cutoff: dt.datetime, removed: dict) -> str:
    return chains.sign(
        "anchor", chain, seq, hash_, cutoff.astimezone(dt.UTC).isoformat(), json.dumps(removed, sort_keys=True)
    )


def checkpoint_signature(chain: str, seq: int, hash_: str) -> str:
    return chains.sign("checkpoint", chain, seq, hash_)


def chain_names(organization=None) -> list[str]:
    if organization is not None:
        return [chains.chain_for(organization.pk)]
    names = set(ChainHead.objects.values_list("chain", flat=True))
    names |= set(ChainLink.objects.values_list("chain", flat=True).distinct())
    return sorted(names)


# --- verification ----------------------------------------------------------------------------


def verify_chain(name: str) -> dict:
    """Walk one chain from its anchor (or the beginning) to its head; the first break, if any."""
    result = {"chain": name, "ok": True, "links": 0, "head_seq": 0, "first_broken": None}

    def broken(reason: str, **where):
        result["ok"] = False
        result["first_broken"] = {"reason": reason, **where}
        return result

    anchor = ChainAnchor.objects.filter(chain=name).order_by("-seq").first()
    if anchor and anchor.signature != anchor_signature(
        anchor.chain, anchor.seq, anchor.hash, anchor.cutoff, anchor.removed
    ):
        return broken("retention anchor signature invalid", anchor_id=anchor.pk, seq=anchor.seq)
    expected_seq, prev = (anchor.seq + 1, anchor.hash) if anchor else (1, chains.GENESIS)
    result["anchor_seq"] = anchor.seq if anchor else 0
    checkpoints = {}
    for checkpoint in Checkpoint.objects.filter(chain=name, seq__gte=expected_seq).order_by("seq"):
        if checkpoint.signature != checkpoint_signature(checkpoint.chain, checkpoint.seq, checkpoint.hash):
            return broken("checkpoint signature invalid", checkpoint_id=checkpoint.pk, seq=checkpoint.seq)
        checkpoints[checkpoint.seq] = checkpoint
    head = ChainHead.objects.filter(chain=name).values_list("seq", flat=True).first() or 0
    top = max([head, *checkpoints]) if checkpoints else head
    last_seq = expected_seq - 1
    while True:
        links = list(ChainLink.objects.filter(chain=name, seq__gte=expected_seq, seq__lte=top).order_by("seq")[:BATCH])
        if not links:
            break
        entries = {
            kind: model.objects.in_bulk([link.entry_id for link in links if link.kind == kind])
            for kind, model in chains.MODELS.items()
        }
        for link in links:
            where = {"seq": link.seq, "kind": link.kind, "entry_id": link.entry_id, "link_id": link.pk}
            if link.seq != expected_seq:
                return broken(f"link {expected_seq} is missing (removed)", **where)
            if link.prev_hash != prev:
                return broken("previous hash does not match (a link was removed, inserted or altered)", **where)
            entry = entries[link.kind].get(link.entry_id)
            if entry is None:
                return broken("entry removed", **where)
            if chains.link_hash(prev, name, link.seq, link.kind, entry) != link.hash:
                return broken("entry altered (hash mismatch)", **where)
            checkpoint = checkpoints.get(link.seq)
            if checkpoint is not None and checkpoint.hash != link.hash:
                return broken("link differs from its signed checkpoint", checkpoint_id=checkpoint.pk, **where)
            prev, expected_seq, last_seq = link.hash, link.seq + 1, link.seq
            result["links"] += 1
    result["head_seq"] = last_seq
    missing_tail = [seq for seq in checkpoints if seq > last_seq]
    if missing_tail:
        return broken(
            f"tail truncated: signed checkpoint at seq {min(missing_tail)} names a link that no longer exists",
            seq=last_seq + 1,
            checkpoint_id=checkpoints[min(missing_tail)].pk,
        )
    if head > last_seq:
        return broken(f"tail truncated: the chain head says {head}, the last link is {last_seq}", seq=last_seq + 1)
    return result


def unchained_entries() -> list[dict]:
    """Entries with no link: written behind the application's back (or by a crashed writer)."""
    found = []
    for kind, model in chains.MODELS.items():
        linked = ChainLink.objects.filter(kind=kind).values("entry_id")
        first = model.objects.exclude(pk__in=linked).order_by("pk").values_list("pk", flat=True).first()
        if first is not None:
            found.append({"reason": "entry not in any chain", "kind": kind, "entry_id": first})
    return found


def verify(organization=None) -> dict:
    results = [verify_chain(name) for name in chain_names(organization)]
    report = {"ok": all(r["ok"] for r in results), "chains": results}
    if organization is None:
        report["unchained"] = unchained_entries()
        report["ok"] = report["ok"] and not report["unchained"]
    first = next((dict(r["first_broken"], chain=r["chain"]) for r in results if not r["ok"]), None)
    report["first_broken"] = first or (report.get("unchained") or [None])[0]
    return report


# --- checkpoints -----------------------------------------------------------------------------


def write_checkpoints() -> list[Checkpoint]:
    """Sign every chain's current head (beat, daily). A chain unchanged since its last checkpoint
    gets none."""
    written = []
    for name in chain_names():
        last = ChainLink.objects.filter(chain=name).order_by("-seq").first()
        if last is None:
            continue
        previous = Checkpoint.objects.filter(chain=name).order_by("-seq").first()
        if previous and previous.seq >= last.seq:
            continue
        checkpoint = Checkpoint.objects.create(
            chain=name, seq=last.seq, hash=last.hash, signature=checkpoint_signature(name, last.seq, last.hash)
        )
        # Also to the application log, which ships elsewhere: a copy out of the database's reach.
        logger.info("audit checkpoint %s seq=%s hash=%s sig=%s", name, last.seq, last.hash, checkpoint.signature)
        written.append(checkpoint)
    return written


# --- retention -------------------------------------------------------------------------------

_HORIZON = re.compile(r"^(\d+)([ydh])$")


def parse_horizon(text: str) -> dt.timedelta:
    match = _HORIZON.match(text.strip())
    if not match:
        raise ValueError(f"{text!r}: a number and y, d or h, e.g. 7y")
    number, unit = int(match[1]), match[2]
    return {
        "y": dt.timedelta(days=round(365.25 * number)),
        "d": dt.timedelta(days=number),
        "h": dt.timedelta(hours=number),
    }[unit]


def _delete(table: str, column: str, ids: list) -> int:
    total = 0
    with connection.cursor() as cursor:
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({', '.join(['%s'] * len(chunk))})", chunk)  # noqa: S608
            total += cursor.rowcount
    return total


def retain(horizon: dt.timedelta, *, now: dt.datetime | None = None, dry_run: bool = False) -> list[dict]:
    """Remove every chain's oldest links (and their entries) whose entries are older than the
    horizon, as a prefix of the chain, leaving a signed anchor from which verification starts."""
    from accounts.models import Organization

    cutoff = (now or timezone.now()) - horizon
    summaries = []
    for name in chain_names():
        anchor = ChainAnchor.objects.filter(chain=name).order_by("-seq").first()
        after = anchor.seq if anchor else 0
        young = ChainLink.objects.filter(chain=name, seq__gt=after, occurred_at__gte=cutoff).order_by("seq").first()
        old = ChainLink.objects.filter(chain=name, seq__gt=after)
        old = old.filter(seq__lt=young.seq) if young else old
        last = old.order_by("-seq").first()
        if last is None:
            continue
        links = list(old.values_list("pk", "kind", "entry_id"))
        removed = {
            "from_seq": after + 1,
            "to_seq": last.seq,
            "log_entries": sum(1 for _, kind, _ in links if kind == ChainLink.LOG),
            "domain_events": sum(1 for _, kind, _ in links if kind == ChainLink.EVENT),
        }
        summaries.append({"chain": name, "cutoff": cutoff.isoformat(), **removed})
        if dry_run:
            continue
        organization = Organization.objects.filter(pk=last.organization_id).first()
        with removal_allowed():
            link_ids = [pk for pk, _, _ in links]
            flags = list(
                Flag.objects.filter(entries__link__in=link_ids, created_at__lt=cutoff)
                .values_list("pk", flat=True)
                .distinct()
            )
            _delete(FlagEntry._meta.db_table, "link_id", link_ids)
            _delete(FlagEntry._meta.db_table, "flag_id", flags)
            _delete(FlagReview._meta.db_table, "flag_id", flags)
            removed["flags"] = _delete(Flag._meta.db_table, "id", flags)
            _delete(ChainLink._meta.db_table, "id", link_ids)
            _delete(LogEntry._meta.db_table, "id", [e for _, kind, e in links if kind == ChainLink.LOG])
            _delete(DomainEvent._meta.db_table, "id", [e for _, kind, e in links if kind == ChainLink.EVENT])
            # In the same transaction: the removal and its signed summary stand or fall together.
            new_anchor = ChainAnchor.objects.create(
                chain=name,
                seq=last.seq,
                hash=last.hash,
                cutoff=cutoff,
                removed=removed,
                signature=anchor_signature(name, last.seq, last.hash, cutoff, removed),
            )
            record_event(
                EventType.AUDIT_RETENTION,
                obj=new_anchor,
                organization=organization,
                actor=None,
                chain=name,
                cutoff=cutoff.isoformat(),
                signature=new_anchor.signature,
                **removed,
            )
        summaries[-1]["signature"] = new_anchor.signature
        summaries[-1]["flags"] = removed["flags"]
    return summaries
