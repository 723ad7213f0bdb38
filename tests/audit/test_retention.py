"""Retention is the only removal path: it removes a prefix of each chain older than the horizon,
leaves a signed anchor and an audit.retention event, and the chain still verifies."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from audit import chain
from audit.integrity import retain
from audit.models import ChainAnchor, ChainLink, DomainEvent
from tests.audit.helpers import build_trail, triggers_off, verify


@pytest.mark.django_db
def test_retention_leaves_a_signed_summary_and_a_verifiable_chain(org, caseworker):
    build_trail(caseworker, cases=2)
    name = chain.chain_for(org.pk)
    before = ChainLink.objects.filter(chain=name).count()
    # Everything so far is "old" as seen from ten years on.
    summaries = retain(dt.timedelta(days=365 * 7), now=dt.datetime.now(dt.UTC) + dt.timedelta(days=3650))
    summary = next(s for s in summaries if s["chain"] == name)
    assert summary["to_seq"] == before and summary["signature"]
    anchor = ChainAnchor.objects.get(chain=name)
    assert anchor.seq == before
    assert DomainEvent.objects.filter(event_type="audit.retention", object_id=str(anchor.pk)).exists()
    assert ChainLink.objects.filter(chain=name).count() == 1  # only the retention event's own link
    code, report = verify()
    assert code == 0, report
    build_trail(caseworker, cases=1)
    assert verify()[0] == 0
    out = io.StringIO()
    call_command("audit_retention", "--older-than", "7y", stdout=out)
    assert json.loads(out.getvalue())["chains"] == []  # nothing is seven years old now


@pytest.mark.django_db
def test_a_forged_anchor_is_refused(org, caseworker):
    build_trail(caseworker, cases=1)
    retain(dt.timedelta(days=1), now=dt.datetime.now(dt.UTC) + dt.timedelta(days=30))
    with triggers_off("audit_chainanchor") as cursor:
        cursor.execute("UPDATE audit_chainanchor SET seq = seq - 1")
    code, report = verify()
    assert code == 1 and "anchor signature" in report["first_broken"]["reason"]
