"""What the case side shows of the trail: the dashboard's recent activity and a case's history,
both found through the chain's case index (``audit.selectors.log_entries_for_cases``)."""

from auditlog.models import LogEntry
from django.urls import reverse

from audit.context import acting_as
from casework import services
from tests.ui.conftest import build_parts


def _case_of(entry) -> str:
    return entry.object_pk if entry.content_type.model == "case" else (entry.additional_data or {}).get("case_id")


def test_dashboard_activity_is_the_changes_of_my_cases_newest_first(ui_world, client):
    w = ui_world
    other = build_parts(w.supervisor, assignee=w.unassigned, label="Other")  # same organization, not mine
    with acting_as(w.supervisor):
        latest = services.note_add(actor=w.supervisor, case=w.a.case, body="latest word")
    client.force_login(w.supervisor)
    client.get(reverse("casework:case-detail", args=[w.a.case.pk]))  # a read: never "activity"

    client.force_login(w.assigned)
    activity = client.get(reverse("home")).context["activity"]

    assert 0 < len(activity) <= 15
    assert activity[0].content_type.model == "note" and activity[0].object_pk == str(latest.pk)
    assert {_case_of(e) for e in activity} == {str(w.a.case.pk)}  # parts included, found by case
    assert all(e.action != LogEntry.Action.ACCESS for e in activity)
    assert str(other.case.pk) not in {_case_of(e) for e in activity}
    stamps = [(e.timestamp, e.pk) for e in activity]
    assert stamps == sorted(stamps, reverse=True)


def test_case_history_has_reads_and_changes_of_this_case_only(ui_world, client):
    w = ui_world
    client.force_login(w.supervisor)
    client.get(reverse("casework:case-detail", args=[w.a.case.pk]))
    entries = client.get(reverse("casework:case-history", args=[w.a.case.pk])).context["entries"]

    assert {_case_of(e) for e in entries} == {str(w.a.case.pk)}
    models = {e.content_type.model for e in entries}
    assert {"case", "person", "note", "serviceneed", "technologyindicator", "consent", "task"} <= models
    assert any(e.action == LogEntry.Action.ACCESS for e in entries)
    assert any(e.action == LogEntry.Action.CREATE for e in entries)
