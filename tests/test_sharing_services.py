"""Shares from request to erasure, in the deployment's inbox (the webhook path has its own tests)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from accounts.choices import Role, Sector
from audit.models import DomainEvent
from casework import services as casework
from casework.models import Case
from sharing.choices import DeliveryStatus, RecordStatus, ShareStatus
from sharing.models import Delivery, Share, SharedRecord
from sharing.services import (
    record_accept,
    record_acknowledge,
    record_assign,
    record_decline,
    share_approve,
    share_request,
    share_revoke,
    shares_expire_due,
)
from sharing.services.delivery import deliver
from sharing.services.shares import share_preview
from tests.factories import OrganizationFactory
from tests.sharing_helpers import agreement, consent_for, run_outbox, shareable_case


@pytest.fixture
def partner(db):
    return OrganizationFactory(slug="county-cws", name="County CWS", sector=Sector.CHILD_WELFARE, case_prefix="CWS")


@pytest.fixture
def ngo_partner(db):
    return OrganizationFactory(slug="river-ngo", name="River NGO", sector=Sector.NGO, case_prefix="RN")


@pytest.fixture
def partner_supervisor(partner, make_user):
    return make_user(partner, Role.SUPERVISOR)


@pytest.fixture
def shared(org, caseworker, ngo_partner):
    """A consent-based share from hope-house to an NGO partner, delivered."""
    agreement(org, ngo_partner)
    case, survivor = shareable_case(caseworker, minor=False)
    consent = consent_for(caseworker, case, survivor, sectors=["ngo"])
    share = share_request(
        actor=caseworker,
        case=case,
        recipient=ngo_partner,
        purpose="services",
        legal_basis="consent",
        consent=consent,
    )
    run_outbox()
    share.refresh_from_db()
    return share, case, consent


def _events(share):
    return list(DomainEvent.objects.filter(object_id=str(share.pk)).values_list("event_type", flat=True))


@pytest.mark.django_db
def test_a_consented_share_lands_in_the_recipients_inbox(shared, ngo_partner):
    share, case, _ = shared
    assert share.status == ShareStatus.DELIVERED and share.version == 1
    record = SharedRecord.objects.get(share=share)
    assert record.recipient == ngo_partner and record.source_organization == case.organization
    assert record.payload["case"]["reference"] == case.reference
    assert record.payload["schema"] == "casebridge.shared-case/v1"
    bodies = {n["body"] for n in record.payload["notes"]}
    assert "general note body" in bodies and "restricted note body" not in bodies
    assert "health note body" not in bodies, "an NGO gets no health notes"
    assert "Ama Testfield" not in str(record.payload), "the case title is never shared"
    assert _events(share) == ["share.delivered", "share.requested"]
    delivery = share.deliveries.get()
    assert delivery.attempt_log.count() == 1 and delivery.attempt_log.get().succeeded


@pytest.mark.django_db
def test_request_records_delivery_work_in_the_same_transaction(
    org, caseworker, ngo_partner, django_capture_on_commit_callbacks
):
    agreement(org, ngo_partner)
    case, survivor = shareable_case(caseworker, minor=False)
    consent = consent_for(caseworker, case, survivor)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        share = share_request(
            actor=caseworker,
            case=case,
            recipient=ngo_partner,
            purpose="services",
            legal_basis="consent",
            consent=consent,
        )
    assert share.status == ShareStatus.QUEUED
    assert Delivery.objects.filter(share=share, status=DeliveryStatus.PENDING).count() == 1
    assert len(callbacks) == 1, "the worker is told only after commit"
    assert not SharedRecord.objects.exists(), "the web request never delivers"


@pytest.mark.django_db
def test_delivering_twice_applies_once(shared):
    share, _, _ = shared
    delivery = share.deliveries.get()
    assert deliver(delivery.pk) == "nothing to do"
    assert SharedRecord.objects.filter(share=share).count() == 1
    assert delivery.attempt_log.count() == 1
    share.refresh_from_db()
    assert share.version == 1


@pytest.mark.django_db
def test_preview_is_what_the_recipient_gets(org, caseworker, ngo_partner):
    agreement(org, ngo_partner)
    case, survivor = shareable_case(caseworker, minor=False)
    consent = consent_for(caseworker, case, survivor)
    args = {
        "case": case,
        "recipient": ngo_partner,
        "purpose": "services",
        "legal_basis": "consent",
        "consent": consent,
    }
    preview = share_preview(actor=caseworker, **args)
    share = share_request(actor=caseworker, **args)
    run_outbox()
    delivered = SharedRecord.objects.get(share=share).payload
    volatile = {"generated_at", "share_id"}
    assert {k: v for k, v in preview.items() if k not in volatile} == {
        k: v for k, v in delivered.items() if k not in volatile
    }


@pytest.mark.django_db
def test_a_change_pushes_a_version_only_when_the_share_carries_it(shared, caseworker):
    share, case, _ = shared
    casework.note_add(actor=caseworker, case=case, body="a new general note", sensitivity="general")
    assert run_outbox() == ["delivered"]
    record = SharedRecord.objects.get(share=share)
    assert record.version == 2 and "a new general note" in str(record.payload)
    casework.note_add(actor=caseworker, case=case, body="a new health note", sensitivity="health")
    assert run_outbox() == ["unchanged"], "NGO recipients do not carry health notes"
    record.refresh_from_db()
    assert record.version == 2 and "a new health note" not in str(record.payload)


@pytest.mark.django_db
def test_revocation_erases_the_recipients_copy(shared, caseworker):
    share, case, _ = shared
    share_revoke(actor=caseworker, share=share, reason="shared by mistake")
    record = SharedRecord.objects.get(share=share)
    assert record.payload is None and record.erased_at is not None
    assert record.status == RecordStatus.REVOKED and record.tombstone_reason == "shared by mistake"
    share.refresh_from_db()
    assert share.status == ShareStatus.REVOKED
    casework.note_add(actor=caseworker, case=case, body="after revocation", sensitivity="general")
    assert run_outbox() == [], "a revoked share receives no more versions"
    assert "share.revoked" in _events(share)
    with pytest.raises(ValidationError):
        share_revoke(actor=caseworker, share=share)


@pytest.mark.django_db
def test_withdrawing_consent_erases_the_recipients_payload(shared, caseworker):
    share, _, consent = shared
    casework.consent_withdraw(actor=caseworker, consent=consent)
    record = SharedRecord.objects.get(share=share)
    assert record.payload is None and record.tombstone_reason == "consent withdrawn"
    share.refresh_from_db()
    assert share.status == ShareStatus.REVOKED


@pytest.mark.django_db
def test_expired_agreement_expires_shares_and_blocks_new_ones(shared, caseworker, ngo_partner):
    share, case, consent = shared
    share.agreement.valid_until = timezone.now() - dt.timedelta(minutes=1)
    share.agreement.valid_from = timezone.now() - dt.timedelta(days=1)
    share.agreement.save()
    assert shares_expire_due() == 1
    record = SharedRecord.objects.get(share=share)
    assert record.payload is None and record.status == RecordStatus.EXPIRED
    share.refresh_from_db()
    assert share.status == ShareStatus.EXPIRED and "share.expired" in _events(share)
    with pytest.raises(ValidationError) as err:
        share_request(
            actor=caseworker,
            case=case,
            recipient=ngo_partner,
            purpose="services",
            legal_basis="consent",
            consent=consent,
        )
    assert "agreement" in str(err.value)
    assert Share.objects.count() == 1


@pytest.mark.django_db
def test_expired_consent_expires_its_shares(shared):
    share, _, consent = shared
    type(consent).objects.filter(pk=consent.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert shares_expire_due() == 1
    share.refresh_from_db()
    assert share.status == ShareStatus.EXPIRED and share.ended_reason == "consent expired"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("legal_basis", "change", "field"),
    [
        ("consent", {"consent": None}, "consent"),
        ("consent", {"purpose": "investigation"}, "consent"),
        ("consent", {"sectors": ["health"]}, "consent"),
        ("consent", {"withdrawn": True}, "consent"),
        ("emergency", {"justification": ""}, "justification"),
        ("mandatory_report", {"recipient": "ngo"}, "legal_basis"),
        ("mandatory_report", {"minor": False}, "legal_basis"),
        ("consent", {"purpose": "smuggling"}, "purpose"),
        ("telepathy", {}, "legal_basis"),
        ("consent", {"recipient": "self"}, "recipient"),
        ("consent", {"no_agreement": True}, "recipient"),
    ],
)
def test_refusals_name_the_reason_and_change_nothing(org, caseworker, partner, ngo_partner, legal_basis, change, field):
    target = {"ngo": ngo_partner, "self": org}.get(change.get("recipient"), partner)
    if not change.get("no_agreement"):
        agreement(org, target) if target != org else None
    case, survivor = shareable_case(caseworker, minor=change.get("minor", True))
    consent = consent_for(caseworker, case, survivor, sectors=change.get("sectors", ["child_welfare", "ngo"]))
    if change.get("withdrawn"):
        casework.consent_withdraw(actor=caseworker, consent=consent)
    before = (Share.objects.count(), Delivery.objects.count())
    with pytest.raises(ValidationError) as err:
        share_request(
            actor=caseworker,
            case=case,
            recipient=target,
            purpose=change.get("purpose", "services"),
            legal_basis=legal_basis,
            consent=change.get("consent", consent if legal_basis == "consent" else None),
            justification=change.get("justification", "Child seen with the suspect tonight"),
        )
    assert field in err.value.message_dict, err.value.message_dict
    assert (Share.objects.count(), Delivery.objects.count()) == before


@pytest.mark.django_db
def test_emergency_by_a_caseworker_waits_for_a_supervisor(org, caseworker, supervisor, partner):
    agreement(org, partner)
    case, _ = shareable_case(caseworker)
    share = share_request(
        actor=caseworker,
        case=case,
        recipient=partner,
        purpose="child_protection",
        legal_basis="emergency",
        justification="Seen with the suspect at the depot tonight",
    )
    assert share.status == ShareStatus.PENDING_APPROVAL and share.flagged_for_review
    assert run_outbox() == []
    with pytest.raises(ValidationError):
        share_approve(actor=caseworker, share=share)
    share_approve(actor=supervisor, share=share)
    assert run_outbox() == ["delivered"]
    share.refresh_from_db()
    assert share.status == ShareStatus.DELIVERED and share.approved_by == supervisor
    assert {"share.requested", "share.emergency", "share.approved", "share.delivered"} <= set(_events(share))


@pytest.mark.django_db
def test_emergency_by_a_supervisor_goes_at_once_but_is_flagged(org, supervisor, partner):
    agreement(org, partner)
    case, _ = shareable_case(supervisor)
    share = share_request(
        actor=supervisor,
        case=case,
        recipient=partner,
        purpose="child_protection",
        legal_basis="emergency",
        justification="Imminent risk",
    )
    assert share.status == ShareStatus.QUEUED and share.flagged_for_review and share.approved_by == supervisor


@pytest.mark.django_db
def test_mandatory_report_of_a_minor_to_child_welfare(org, caseworker, partner):
    agreement(org, partner)
    case, _ = shareable_case(caseworker, minor=True)
    share = share_request(
        actor=caseworker,
        case=case,
        recipient=partner,
        purpose="child_protection",
        legal_basis="mandatory_report",
    )
    run_outbox()
    payload = SharedRecord.objects.get(share=share).payload
    assert payload["legal_basis"] == "mandatory_report" and payload["case"]["involves_minor"] is True


@pytest.mark.django_db
def test_people_without_share_permission_cannot_share(org, make_user, caseworker, partner, other_org):
    agreement(org, partner)
    case, survivor = shareable_case(caseworker)
    consent = consent_for(caseworker, case, survivor, sectors=["child_welfare"])
    for outsider in (
        make_user(org, Role.CASEWORKER),
        make_user(other_org, Role.SUPERVISOR),
        make_user(org, Role.AUDITOR),
    ):
        with pytest.raises(Http404):
            share_request(
                actor=outsider,
                case=case,
                recipient=partner,
                purpose="services",
                legal_basis="consent",
                consent=consent,
            )
    assert not Share.objects.exists()


@pytest.mark.django_db
def test_inbox_is_for_the_recipients_supervisors_and_the_assignee(
    org, caseworker, partner, partner_supervisor, make_user
):
    agreement(org, partner)
    case, survivor = shareable_case(caseworker)
    consent = consent_for(caseworker, case, survivor, sectors=["child_welfare"])
    share = share_request(
        actor=caseworker,
        case=case,
        recipient=partner,
        purpose="services",
        legal_basis="consent",
        consent=consent,
    )
    run_outbox()
    record = SharedRecord.objects.get(share=share)
    partner_worker = make_user(partner, Role.CASEWORKER)
    partner_admin = make_user(partner, Role.ORG_ADMIN)
    assert list(SharedRecord.objects.restrict(partner_supervisor)) == [record]
    for nobody in (partner_worker, partner_admin, caseworker, make_user(org, Role.SUPERVISOR)):
        assert not SharedRecord.objects.restrict(nobody).exists()
    with pytest.raises(Http404):
        record_acknowledge(actor=partner_worker, record=record)
    record_assign(actor=partner_supervisor, record=record, assignee=partner_worker)
    assert list(SharedRecord.objects.restrict(partner_worker)) == [record]
    with pytest.raises(ValidationError):
        record_assign(actor=partner_supervisor, record=record, assignee=caseworker)


@pytest.mark.django_db
def test_recipient_answers_move_the_share_along(org, caseworker, partner, partner_supervisor):
    agreement(org, partner)
    case, survivor = shareable_case(caseworker)
    consent = consent_for(caseworker, case, survivor, sectors=["child_welfare"])
    share = share_request(
        actor=caseworker,
        case=case,
        recipient=partner,
        purpose="services",
        legal_basis="consent",
        consent=consent,
    )
    run_outbox()
    record = SharedRecord.objects.get(share=share)
    record_acknowledge(actor=partner_supervisor, record=record)
    record_acknowledge(actor=partner_supervisor, record=record)
    share.refresh_from_db()
    assert share.status == ShareStatus.ACKNOWLEDGED
    record_accept(actor=partner_supervisor, record=record, open_case=True)
    record.refresh_from_db()
    share.refresh_from_db()
    assert share.status == ShareStatus.ACCEPTED and record.status == RecordStatus.ACCEPTED
    linked = record.linked_case
    assert linked.organization == partner and linked.reference.startswith("CWS-")
    assert Case.objects.restrict(partner_supervisor).filter(pk=linked.pk).exists()
    assert not Case.objects.restrict(partner_supervisor).filter(pk=case.pk).exists()
    with pytest.raises(ValidationError):
        record_decline(actor=partner_supervisor, record=record, reason="too late")


@pytest.mark.django_db
def test_decline_needs_a_reason(shared, ngo_partner, make_user):
    share, _, _ = shared
    boss = make_user(ngo_partner, Role.SUPERVISOR)
    record = SharedRecord.objects.get(share=share)
    with pytest.raises(ValidationError):
        record_decline(actor=boss, record=record, reason=" ")
    record_decline(actor=boss, record=record, reason="Outside our area")
    share.refresh_from_db()
    assert share.status == ShareStatus.DECLINED


@pytest.mark.django_db
def test_building_a_payload_is_a_constant_number_of_queries(
    org, caseworker, ngo_partner, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sharing.payloads import build_for_share

    agreement(org, ngo_partner)
    counts = []
    for size in (1, 25):
        case, survivor = shareable_case(caseworker, minor=False)
        for i in range(size):
            casework.note_add(actor=caseworker, case=case, body=f"note {i}")
            casework.person_add(actor=caseworker, case=case, role="witness", given_name=f"W{i}")
            casework.indicator_add(actor=caseworker, case=case, kind="email", value=f"w{i}@example.org")
            casework.need_add(actor=caseworker, case=case, kind="legal")
        consent = consent_for(caseworker, case, survivor)
        share = share_request(
            actor=caseworker,
            case=case,
            recipient=ngo_partner,
            purpose="services",
            legal_basis="consent",
            consent=consent,
        )
        share = Share.objects.select_related("provider", "recipient", "agreement", "consent").get(pk=share.pk)
        with CaptureQueriesContext(connection) as queries:
            build_for_share(share, version=1, generated_at=timezone.now())
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(counts[0]):
        build_for_share(share, version=1, generated_at=timezone.now())
