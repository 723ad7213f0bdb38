"""Per-person coverage end to end: what the recipient's inbox actually holds, and the preview."""

import json

import pytest
from django.utils import timezone

from accounts.choices import Sector
from casework import services as casework
from sharing.models import SharedRecord
from sharing.services import share_request
from sharing.services.shares import share_preview
from tests.factories import OrganizationFactory
from tests.sharing_helpers import agreement, consent_for, run_outbox, shareable_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(db):
    return OrganizationFactory(slug="st-lukes", name="St Luke's", sector=Sector.HEALTH, case_prefix="SL")


@pytest.fixture
def police(db):
    return OrganizationFactory(slug="metro", name="Metro Police", sector=Sector.LAW_ENFORCEMENT, case_prefix="MP")


def _second_survivor(actor, case):
    today = timezone.localdate()
    return casework.person_add(
        actor=actor, case=case, role="survivor", given_name="Bexley", family_name="Adultname",
        date_of_birth=today.replace(year=today.year - 31), phone="+12025550177", email="bexley@example.org",
        address="9 Other Lane",
    )  # fmt: skip


SECOND = ("Bexley", "Adultname", "+12025550177", "bexley@example.org", "9 Other Lane")


def _delivered(share):
    run_outbox()
    return json.dumps(SharedRecord.objects.get(share=share).payload)


def test_one_survivors_consent_does_not_disclose_another(org, caseworker, clinic):
    agreement(org, clinic)
    case, survivor = shareable_case(caseworker, minor=False)
    second = _second_survivor(caseworker, case)
    consent = consent_for(caseworker, case, survivor, sectors=["health"])
    kwargs = {"case": case, "recipient": clinic, "purpose": "services", "legal_basis": "consent", "consent": consent}
    preview = json.dumps(share_preview(actor=caseworker, **kwargs))
    share = share_request(actor=caseworker, **kwargs)
    dumped = _delivered(share)
    for payload in (preview, dumped):
        assert "Ama" in payload and "+12025550143" in payload
        assert not [v for v in SECOND if v in payload]

    # Once the second survivor consents for the same recipient and purpose, the next version names them.
    consent_for(caseworker, case, second, sectors=["health"])
    dumped = _delivered(share)
    assert all(v in dumped for v in SECOND)
    assert json.loads(dumped)["version"] == 2


def test_a_consent_for_another_purpose_does_not_cover(org, caseworker, clinic):
    agreement(org, clinic)
    case, survivor = shareable_case(caseworker, minor=False)
    second = _second_survivor(caseworker, case)
    consent = consent_for(caseworker, case, survivor, sectors=["health"])
    consent_for(caseworker, case, second, sectors=["health"], purpose="health_care")
    share = share_request(
        actor=caseworker, case=case, recipient=clinic, purpose="services", legal_basis="consent", consent=consent
    )
    assert not [v for v in SECOND if v in _delivered(share)]


def test_mandatory_report_to_police_withholds_the_adult(org, caseworker, police):
    agreement(org, police)
    case, _ = shareable_case(caseworker, minor=True)
    _second_survivor(caseworker, case)
    share = share_request(
        actor=caseworker, case=case, recipient=police, purpose="investigation", legal_basis="mandatory_report"
    )
    payload = json.loads(_delivered(share))
    dumped = json.dumps(payload)
    assert "Ama" in dumped, "the minor is named in a mandatory report"
    assert "Bexley" not in dumped and "Adultname" not in dumped
    assert "Rex" in dumped, "the suspect is named for police"
    adult_entries = [e for e in payload["redaction_manifest"] if e["reason"] == "policy" and "given_name" in e["path"]]
    assert adult_entries, "the adult's name is in the manifest as pseudonymised by policy"


def test_accepting_into_a_case_of_our_own_prefills_what_was_received_and_nothing_more(org, caseworker, police):
    """Police receive a mandatory report: the minor named, an adult survivor pseudonymised. The case
    they open from it holds exactly that: the token as the adult's alias, an age band's youngest age."""
    from casework.models import Person
    from sharing.services import record_accept

    agreement(org, police)
    case, _ = shareable_case(caseworker, minor=True)
    _second_survivor(caseworker, case)
    share = share_request(
        actor=caseworker, case=case, recipient=police, purpose="investigation", legal_basis="mandatory_report"
    )
    run_outbox()
    record = SharedRecord.objects.get(share=share)
    boss = make_police_supervisor(police)
    record_accept(actor=boss, record=record, open_case=True)
    record.refresh_from_db()
    linked = record.linked_case
    people = {p.role + ":" + (p.given_name or "-"): p for p in Person.objects.filter(case=linked)}
    minor = people["survivor:Ama"]
    assert minor.date_of_birth is not None and minor.is_minor
    adult = next(p for p in Person.objects.filter(case=linked, role="survivor") if not p.given_name)
    token = next(p["pseudonym"] for p in record.payload["persons"] if p.get("pseudonym"))
    assert adult.aliases == [token] and not adult.phone and adult.estimated_age == 25
    assert "Bexley" not in json.dumps(list(Person.objects.filter(case=linked).values()), default=str)
    assert people["suspect:Rex"].phone == "", "police get no contact under a mandatory report"
    assert [i.value for i in linked.indicators.all()] == [i["value"] for i in record.payload["indicators"]]
    assert linked.notes.filter(sensitivity="law_enforcement").count() == 1
    assert not linked.needs.exists(), "police receive no needs"


def make_police_supervisor(police):
    from accounts.choices import Role
    from tests.factories import UserFactory

    return UserFactory(organization=police, role=Role.SUPERVISOR)
