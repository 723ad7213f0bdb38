"""The casework services: references, versions, minority derived from dates, notes append-only,
consent rules."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casework import services
from casework.models import Case, Note
from casework.services import VersionConflict


@pytest.mark.django_db
def test_references_count_up_per_organization_and_year(org, other_org, caseworker, make_user):
    outsider = make_user(other_org)
    first = services.case_create(actor=caseworker, title="a", case_type="other")
    second = services.case_create(actor=caseworker, title="b", case_type="other")
    elsewhere = services.case_create(actor=outsider, title="c", case_type="other")
    year = timezone.now().year
    assert (first.reference, second.reference) == (f"HH-{year}-00001", f"HH-{year}-00002")
    assert elsewhere.reference == f"MPD-{year}-00001"
    last_year = services.case_create(
        actor=caseworker, title="d", case_type="other", opened_at=timezone.now() - dt.timedelta(days=400)
    )
    assert last_year.reference.startswith(f"HH-{last_year.opened_at.year}-00001")


@pytest.mark.django_db
def test_invalid_case_changes_nothing(org, caseworker):
    with pytest.raises(ValidationError) as err:
        services.case_create(actor=caseworker, title="", case_type="smuggling")
    assert {"title", "case_type"} <= set(err.value.message_dict)
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_version_counts_every_change_and_refuses_stale_writes(org, caseworker):
    case = services.case_create(actor=caseworker, title="a", case_type="other")
    assert case.version == 1
    case = services.case_update(actor=caseworker, case=case, expected_version=1, priority="high")
    assert case.version == 2
    unchanged = services.case_update(actor=caseworker, case=case, priority="high")
    assert unchanged.version == 2, "a write that changes nothing is not a new version"
    with pytest.raises(VersionConflict) as conflict:
        services.case_update(actor=caseworker, case=case, expected_version=1, priority="low")
    assert conflict.value.current == 2
    case.refresh_from_db()
    assert case.priority == "high" and case.version == 2


@pytest.mark.django_db
def test_closing_and_reopening_sets_closed_at(org, caseworker):
    case = services.case_create(actor=caseworker, title="a", case_type="other")
    case = services.case_update(actor=caseworker, case=case, status="closed")
    assert case.closed_at is not None
    case = services.case_update(actor=caseworker, case=case, status="open")
    assert case.closed_at is None


@pytest.mark.django_db
def test_fields_outside_the_service_cannot_be_set(org, caseworker, other_org):
    case = services.case_create(actor=caseworker, title="a", case_type="other")
    with pytest.raises(ValidationError):
        services.case_update(actor=caseworker, case=case, organization=other_org, version=99)
    case.refresh_from_db()
    assert case.organization == org and case.version == 1


@pytest.mark.django_db
def test_minority_is_derived_from_dates(org, caseworker):
    case = services.case_create(actor=caseworker, title="a", case_type="sex_trafficking")
    today = timezone.localdate()
    adult = services.person_add(
        actor=caseworker, case=case, role="survivor", date_of_birth=today.replace(year=today.year - 30)
    )
    assert not adult.is_minor
    assert not Case.objects.with_involves_minor().get(pk=case.pk).involves_minor
    suspect_child = services.person_add(actor=caseworker, case=case, role="suspect", estimated_age=16)
    assert suspect_child.is_minor
    assert not case.involves_minor, "a minor suspect does not make a child-protection case"
    child = services.person_add(actor=caseworker, case=case, role="survivor", estimated_age=15)
    assert child.is_minor and child.minor_until == today.replace(year=today.year + 3)
    assert case.involves_minor
    assert Case.objects.with_involves_minor().get(pk=case.pk).involves_minor
    nearly_adult = services.person_add(
        actor=caseworker, case=case, role="witness", date_of_birth=today.replace(year=today.year - 18)
    )
    assert not nearly_adult.is_minor, "on the 18th birthday a person is an adult"


@pytest.mark.django_db
def test_future_birth_date_is_refused(org, caseworker):
    case = services.case_create(actor=caseworker, title="a", case_type="other")
    with pytest.raises(ValidationError) as err:
        services.person_add(
            actor=caseworker,
            case=case,
            role="survivor",
            date_of_birth=timezone.localdate() + dt.timedelta(days=1),
        )
    assert "date_of_birth" in err.value.message_dict
    assert not case.persons.exists()


@pytest.mark.django_db
def test_notes_are_amended_never_edited(org, caseworker):
    case = services.case_create(actor=caseworker, title="a", case_type="other")
    note = services.note_add(actor=caseworker, case=case, body="Met at the clinic", sensitivity="health")
    amendment = services.note_amend(actor=caseworker, note=note, body="Met at the shelter")
    note.refresh_from_db()
    assert note.body == "Met at the clinic"
    assert amendment.amends == note and amendment.sensitivity == "health"
    assert list(note.amendments.all()) == [amendment]
    assert Note.objects.filter(case=case).count() == 2
    assert not hasattr(services, "note_update"), "there is no way to edit a note in place"


@pytest.mark.django_db
def test_amendment_must_stay_in_its_case(org, caseworker):
    case = services.case_create(actor=caseworker, title="a", case_type="other")
    other = services.case_create(actor=caseworker, title="b", case_type="other")
    note = services.note_add(actor=caseworker, case=case, body="x")
    with pytest.raises(ValidationError):
        services.note_add(actor=caseworker, case=other, body="y", amends=note)


@pytest.mark.django_db
def test_consent_rules(org, other_org, caseworker):
    case = services.case_create(actor=caseworker, title="a", case_type="other")
    adult = services.person_add(actor=caseworker, case=case, role="survivor", estimated_age=25)
    child = services.person_add(actor=caseworker, case=case, role="survivor", estimated_age=12)
    suspect = services.person_add(actor=caseworker, case=case, role="suspect", estimated_age=40)
    base = {"actor": caseworker, "case": case, "purpose": "services", "categories": ["case_summary"]}

    with pytest.raises(ValidationError) as err:
        services.consent_record(**base, person=child, method="verbal", scope_sectors=["health"])
    assert "method" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.consent_record(**base, person=suspect, method="written", scope_sectors=["health"])
    assert "person" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.consent_record(**base, person=adult, method="written")
    assert "scope_sectors" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.consent_record(
            actor=caseworker,
            case=case,
            person=adult,
            method="written",
            purpose="services",
            categories=["everything"],
            scope_sectors=["spies"],
        )
    assert {"categories", "scope_sectors"} <= set(err.value.message_dict)
    assert not case.consents.exists()

    consent = services.consent_record(
        **base,
        person=child,
        method="guardian",
        scope_organizations=[other_org],
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    assert list(consent.scope_organizations.all()) == [other_org]
    assert consent.is_valid_at(timezone.now())
    withdrawn = services.consent_withdraw(actor=caseworker, consent=consent)
    first_withdrawal = withdrawn.withdrawn_at
    assert not withdrawn.is_valid_at(timezone.now())
    again = services.consent_withdraw(actor=caseworker, consent=consent)
    assert again.withdrawn_at == first_withdrawal
