"""The auditor's workspace: filters, the two questions, the review queue and the CSV export."""

import pytest
from django.urls import reverse

from audit.models import FlagReview
from tests.ui.pages import open_flag


def content_secrets(parts):
    return [parts.case.title, parts.survivor.given_name, parts.survivor.family_name, parts.note.body]


@pytest.fixture
def reads(ui_world, client):
    """The unassigned caseworker cannot read case A; the supervisor and the assignee do."""
    w = ui_world
    for user in (w.supervisor, w.assigned):
        client.force_login(user)
        assert client.get(reverse("casework:case-detail", args=[w.a.case.pk])).status_code == 200
    client.logout()
    return w


def test_timeline_filters_and_never_shows_case_content(reads, client):
    w = reads
    client.force_login(w.auditor)
    response = client.get(reverse("audit:timeline"), {"object": w.a.case.reference, "action": "access"})
    html = response.content.decode()
    assert response.status_code == 200
    assert w.supervisor.username in html and w.assigned.username in html
    assert w.a.case.reference in html and str(w.a.case.pk) in html
    for secret in content_secrets(w.a) + content_secrets(w.b) + [w.b.case.reference]:
        assert secret not in html, secret
    only_assignee = client.get(
        reverse("audit:timeline"), {"object": w.a.case.reference, "action": "access", "actor": w.assigned.username}
    ).content.decode()
    assert w.assigned.username in only_assignee
    assert f">{w.supervisor.username}<" not in only_assignee
    nothing = client.get(reverse("audit:timeline"), {"channel": "api"}).content.decode()
    assert "No entries match." in nothing
    bad = client.get(reverse("audit:timeline"), {"since": "2025-02-02", "until": "2025-01-01"})
    assert bad.status_code == 400 and "The end date is before the start date." in bad.content.decode()


def test_who_accessed_a_case_and_what_a_user_accessed(reads, client):
    w = reads
    client.force_login(w.auditor)
    html = client.get(reverse("audit:case-accesses"), {"reference": w.a.case.reference}).content.decode()
    assert w.supervisor.username in html and w.assigned.username in html
    assert w.a.case.title not in html
    missing = client.get(reverse("audit:case-accesses"), {"reference": w.b.case.reference}).content.decode()
    assert "No case of your organization has this reference." in missing
    mine = client.get(reverse("audit:user-accesses"), {"username": w.assigned.username}).content.decode()
    assert w.a.case.reference in mine and w.a.case.title not in mine


def test_the_csv_download_streams_the_filtered_view_and_is_an_access(reads, client):
    from auditlog.models import LogEntry

    w = reads
    client.force_login(w.auditor)
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=w.auditor).count()
    response = client.get(reverse("audit:timeline"), {"object": w.a.case.reference, "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[0].startswith("id,occurred_at,actor")
    assert w.assigned.username in body
    for secret in content_secrets(w.a):
        assert secret not in body
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=w.auditor).count() == before + 1


def test_reviewing_a_flag_needs_a_comment_and_records_the_review(ui_world, client):
    w = ui_world
    (flag_id,) = open_flag(w)
    client.force_login(w.auditor)
    queue = client.get(reverse("audit:flags")).content.decode()
    assert "unassigned_read" in queue and w.unassigned.username in queue and w.a.case.reference in queue
    assert w.a.case.title not in queue
    url = reverse("audit:flag-review", args=[flag_id])
    empty = client.post(url, {f"flag-{flag_id}-comment": "   "})
    assert empty.status_code == 400
    assert 'class="field-error"' in empty.content.decode()
    assert not FlagReview.objects.filter(flag_id=flag_id).exists()
    done = client.post(url, {f"flag-{flag_id}-comment": "Asked the supervisor: a covering shift."})
    assert done.status_code == 302
    review = FlagReview.objects.get(flag_id=flag_id)
    assert review.reviewed_by == w.auditor and review.comment == "Asked the supervisor: a covering shift."
    after = client.get(reverse("audit:flags")).content.decode()
    assert "Asked the supervisor: a covering shift." in after and "No flag is waiting for review." in after
    events = client.get(reverse("audit:timeline"), {"actor": w.auditor.username}).content.decode()
    assert "audit.flag_reviewed" in events
    again = client.post(url, {f"flag-{flag_id}-comment": "Twice."})
    assert again.status_code == 400


def test_only_auditors_see_the_audit_link(ui_world, client):
    w = ui_world
    client.force_login(w.auditor)
    assert reverse("audit:timeline") in client.get(reverse("home")).content.decode()
    client.force_login(w.supervisor)
    assert reverse("audit:timeline") not in client.get(reverse("home")).content.decode()
