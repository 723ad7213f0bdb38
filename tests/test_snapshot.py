"""``case_snapshot``: a constant number of queries, and ages and minority derived right."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.context import acting_as
from casework import services
from casework.choices import PersonRole, Sensitivity
from casework.models import Case, Person
from sharing.snapshot import CaseData, NoteData, PersonData, case_snapshot

pytestmark = pytest.mark.django_db

MAX_QUERIES = 7  # the case, persons, notes, needs, indicators, consents, consent scopes


def _shift_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _add_parts(actor, case, n):
    with acting_as(actor):
        for i in range(n):
            services.person_add(
                actor=actor, case=case, role=PersonRole.WITNESS, given_name=f"W{i}", estimated_age=30,
                aliases=[f"a{i}"], languages=["en"], phone="+12025550123",
            )  # fmt: skip
            note = services.note_add(actor=actor, case=case, body=f"note {i}", sensitivity=Sensitivity.LEGAL)
            services.note_amend(actor=actor, note=note, body=f"amended {i}")
            services.need_add(actor=actor, case=case, kind="shelter", detail=f"need {i}")
            services.indicator_add(actor=actor, case=case, kind="social_handle", value=f"@Handle{i}")
            survivor = services.person_add(actor=actor, case=case, role=PersonRole.SURVIVOR, estimated_age=30)
            services.consent_record(
                actor=actor, case=case, person=survivor, categories=["identity"], purpose="services",
                method="written", scope_sectors=["health"], scope_organizations=[case.organization],
            )  # fmt: skip


def _count(case_id):
    with CaptureQueriesContext(connection) as ctx:
        snapshot = case_snapshot(case_id)
    return len(ctx.captured_queries), snapshot


def test_queries_do_not_grow_with_the_parts(caseworker, make_case):
    small, large = make_case(caseworker), make_case(caseworker)
    _add_parts(caseworker, small, 1)
    _add_parts(caseworker, large, 30)
    small_count, small_snapshot = _count(small.pk)
    large_count, large_snapshot = _count(large.pk)
    assert small_count == large_count <= MAX_QUERIES
    assert [len(s.persons) for s in (small_snapshot, large_snapshot)] == [2, 60]
    assert [len(s.consents) for s in (small_snapshot, large_snapshot)] == [1, 30]
    assert large_snapshot.consents[0].scope_organization_ids == {large.organization_id}
    assert [len(s.notes) for s in (small_snapshot, large_snapshot)] == [2, 60]
    assert [len(s.needs) for s in (small_snapshot, large_snapshot)] == [1, 30]
    assert [len(s.indicators) for s in (small_snapshot, large_snapshot)] == [1, 30]


def test_snapshot_carries_the_case_and_its_parts_in_order(caseworker, make_case):
    case = make_case(caseworker, title="Secret title", priority="high")
    _add_parts(caseworker, case, 2)
    snapshot = case_snapshot(str(case.pk))
    assert isinstance(snapshot, CaseData)
    assert (snapshot.id, snapshot.reference, snapshot.title, snapshot.priority) == (
        case.pk,
        case.reference,
        "Secret title",
        "high",
    )
    assert [p.given_name for p in snapshot.persons] == ["W0", "", "W1", ""]
    assert [c.person_id for c in snapshot.consents] == [snapshot.persons[1].id, snapshot.persons[3].id]
    assert snapshot.consents[0].categories == {"identity"} and snapshot.consents[0].scope_sectors == {"health"}
    first = snapshot.persons[0]
    assert first.aliases == ("a0",) and first.languages == ("en",) and first.phone == "+12025550123"
    assert [n.body for n in snapshot.notes] == ["note 0", "amended 0", "note 1", "amended 1"]
    assert snapshot.notes[1].amends_id == snapshot.notes[0].id and snapshot.notes[0].amends_id is None
    assert all(isinstance(n, NoteData) and n.created_at.tzinfo for n in snapshot.notes)
    assert [i.value for i in snapshot.indicators] == ["handle0", "handle1"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        snapshot.title = "changed"


def test_age_minority_and_involves_minor(caseworker, make_case):
    case = make_case(caseworker)
    today = timezone.localdate()
    born = _shift_years(today, -16) - dt.timedelta(days=1)
    with acting_as(caseworker):
        suspect = services.person_add(actor=caseworker, case=case, role=PersonRole.SUSPECT, estimated_age=15)
        adult = services.person_add(actor=caseworker, case=case, role=PersonRole.SURVIVOR, estimated_age=40)
        unknown = services.person_add(actor=caseworker, case=case, role=PersonRole.WITNESS)
    snapshot = case_snapshot(case.pk)
    by_id = {p.id: p for p in snapshot.persons}
    assert (by_id[suspect.pk].age, by_id[suspect.pk].is_minor) == (15, True)
    assert (by_id[adult.pk].age, by_id[adult.pk].is_minor) == (40, False)
    assert (by_id[unknown.pk].age, by_id[unknown.pk].is_minor) == (None, False)
    assert snapshot.involves_minor is False, "a minor suspect does not make a child-protection case"

    with acting_as(caseworker):
        survivor = services.person_add(actor=caseworker, case=case, role=PersonRole.SURVIVOR, date_of_birth=born)
    snapshot = case_snapshot(case.pk)
    child = next(p for p in snapshot.persons if p.id == survivor.pk)
    assert (child.age, child.is_minor, child.date_of_birth) == (16, True, born)
    assert snapshot.involves_minor is True
    assert snapshot.involves_minor == Case.objects.with_involves_minor().get(pk=case.pk).involves_minor_annotated

    # Two years on: the date of birth ages the survivor out; the estimate ages with the years.
    later = case_snapshot(case.pk, today=today + dt.timedelta(days=2 * 366))
    by_id = {p.id: p for p in later.persons}
    assert (by_id[survivor.pk].age, by_id[survivor.pk].is_minor) == (18, False)
    assert (by_id[suspect.pk].age, by_id[suspect.pk].is_minor) == (17, True)
    assert by_id[adult.pk].age == 42
    assert later.involves_minor is False


def test_an_estimate_made_years_ago_is_aged(caseworker, make_case):
    case = make_case(caseworker)
    with acting_as(caseworker):
        person = services.person_add(actor=caseworker, case=case, role=PersonRole.SURVIVOR, estimated_age=14)
    today = timezone.localdate()
    estimated_on = _shift_years(today, -3) - dt.timedelta(days=1)
    # The estimate was recorded three years ago: shift both stored dates as person_add would have.
    Person.objects.filter(pk=person.pk).update(age_estimated_on=estimated_on, minor_until=_shift_years(estimated_on, 4))
    snapshot = case_snapshot(case.pk)
    only: PersonData = snapshot.persons[0]
    assert (only.age, only.is_minor, only.date_of_birth) == (17, True, None)
    assert snapshot.involves_minor is True


def test_unknown_case_raises(db):
    with pytest.raises(Case.DoesNotExist):
        case_snapshot("00000000-0000-0000-0000-000000000000")


def test_a_case_row_already_read_is_not_read_again(caseworker, make_case):
    case = make_case(caseworker)
    _add_parts(caseworker, case, 3)
    by_id_count, by_id = _count(case.pk)
    row = Case.objects.get(pk=case.pk)  # as the delivery holds it: read (and locked) just before
    with CaptureQueriesContext(connection) as ctx:
        from_row = case_snapshot(case.pk, case=row)
    assert from_row == by_id
    assert len(ctx.captured_queries) == by_id_count - 1
    assert not any('FROM "casework_case"' in q["sql"] for q in ctx.captured_queries)
    other = make_case(caseworker)
    with pytest.raises(ValueError):
        case_snapshot(other.pk, case=row)
