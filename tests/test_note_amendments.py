"""An amendment is never less sensitive than the note it amends (SPEC, Sharing)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts.choices import Role, Sector
from casework import services as casework
from casework.models import Note
from sharing.models import SharedRecord
from sharing.services import share_request
from tests.api.support import Api, assert_problem, create_api_client, fetch_token
from tests.factories import OrganizationFactory
from tests.sharing_helpers import agreement, consent_for, run_outbox, shareable_case

SENSITIVITIES = ("general", "health", "legal", "law_enforcement", "restricted")


def _allowed(amended: str, amendment: str) -> bool:
    if amended == "general":
        return True
    if amended == "restricted":
        return amendment == "restricted"
    return amendment in (amended, "restricted")


@pytest.mark.django_db
@pytest.mark.parametrize("amendment", SENSITIVITIES)
@pytest.mark.parametrize("amended", SENSITIVITIES)
def test_an_amendment_keeps_at_least_its_notes_sensitivity(caseworker, make_case, amended, amendment):
    case = make_case(caseworker)
    note = casework.note_add(actor=caseworker, case=case, body="first", sensitivity=amended)
    if _allowed(amended, amendment):
        fixed = casework.note_amend(actor=caseworker, note=note, body="corrected", sensitivity=amendment)
        assert fixed.sensitivity == amendment and fixed.amends == note
    else:
        with pytest.raises(ValidationError) as err:
            casework.note_amend(actor=caseworker, note=note, body="corrected", sensitivity=amendment)
        assert list(err.value.message_dict) == ["sensitivity"]
        assert Note.objects.filter(case=case).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("amended", SENSITIVITIES)
def test_an_amendment_without_a_sensitivity_inherits_it(caseworker, make_case, amended):
    case = make_case(caseworker)
    note = casework.note_add(actor=caseworker, case=case, body="first", sensitivity=amended)
    assert casework.note_amend(actor=caseworker, note=note, body="corrected").sensitivity == amended
    assert casework.note_add(actor=caseworker, case=case, body="corrected", amends=note).sensitivity == amended


@pytest.mark.django_db
def test_the_stored_sensitivity_binds_not_the_callers_copy(caseworker, make_case):
    case = make_case(caseworker)
    note = casework.note_add(actor=caseworker, case=case, body="first", sensitivity="restricted")
    note.sensitivity = "general"  # a stale or forged copy
    with pytest.raises(ValidationError) as err:
        casework.note_add(actor=caseworker, case=case, body="corrected", sensitivity="general", amends=note)
    assert "sensitivity" in err.value.message_dict


@pytest.mark.django_db
def test_a_restricted_notes_amendment_is_never_shared(org, caseworker):
    partner = OrganizationFactory(slug="river-ngo", sector=Sector.NGO, case_prefix="RN")
    agreement(org, partner)
    case, survivor = shareable_case(caseworker, minor=False)
    share_request(
        actor=caseworker,
        case=case,
        recipient=partner,
        purpose="services",
        legal_basis="consent",
        consent=consent_for(caseworker, case, survivor),
    )
    run_outbox()
    secret = Note.objects.get(case=case, sensitivity="restricted")
    with pytest.raises(ValidationError):
        casework.note_amend(
            actor=caseworker, note=secret, body="the real address is 9 Hidden Lane", sensitivity="general"
        )
    casework.note_amend(actor=caseworker, note=secret, body="the real address is 9 Hidden Lane")
    run_outbox()
    assert "Hidden Lane" not in str(SharedRecord.objects.get().payload)


@pytest.mark.django_db
def test_the_api_refuses_a_lower_sensitivity_with_a_field_error(org, caseworker):
    case, _ = shareable_case(caseworker, minor=False)
    secret = Note.objects.get(case=case, sensitivity="restricted")
    health = Note.objects.get(case=case, sensitivity="health")
    api = Api(fetch_token(create_api_client(org, role=Role.SUPERVISOR))["access_token"])
    url = f"/api/v1/cases/{case.pk}/notes/"

    body = assert_problem(api.post(url, {"body": "fix", "amends": str(secret.pk), "sensitivity": "general"}), 400)
    assert list(body["errors"]) == ["sensitivity"]
    body = assert_problem(api.post(url, {"body": "fix", "amends": str(health.pk), "sensitivity": "legal"}), 400)
    assert list(body["errors"]) == ["sensitivity"]
    assert Note.objects.filter(amends__isnull=False).count() == 0

    inherited = api.post(url, {"body": "fix", "amends": str(secret.pk)})
    assert inherited.status_code == 201, inherited.content
    assert inherited.json()["sensitivity"] == "restricted"
    stricter = api.post(url, {"body": "fix", "amends": str(health.pk), "sensitivity": "restricted"})
    assert stricter.status_code == 201 and stricter.json()["sensitivity"] == "restricted"
    plain = api.post(url, {"body": "a new note"})
    assert plain.status_code == 201 and plain.json()["sensitivity"] == "general"
