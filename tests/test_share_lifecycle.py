"""The share lifecycle's privacy rules (SPEC, Sharing: Share lifecycle, "Every send re-checks the
basis", the approval sentence): a declined record keeps nothing, revocation and withdrawal reach
every state, every send re-checks the basis with beat out of the picture, and an API client's
emergency waits for another account.

Deliveries are run by calling ``deliver`` as the worker would; ``shares_expire_due`` (beat) is never
called here, so whatever ends a share ends it at send time.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.choices import Role, Sector
from audit.models import DomainEvent
from casework import services as casework
from casework.models import Case, Consent, Note, Person
from sharing.choices import AgreementStatus, DeliveryKind, DeliveryStatus, RecordStatus, ShareStatus
from sharing.models import Delivery, DeliveryAttempt, Share, SharedRecord, SharingAgreement
from sharing.services import (
    record_accept,
    record_acknowledge,
    record_decline,
    share_approve,
    share_request,
    share_revoke,
)
from sharing.services.delivery import deliver, redrive_due
from tests.api.support import Api, assert_problem, create_api_client, fetch_token
from tests.factories import OrganizationFactory
from tests.sharing_helpers import agreement, consent_for, run_outbox, shareable_case

# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def partner(db):
    return OrganizationFactory(slug="county-cws", name="County CWS", sector=Sector.CHILD_WELFARE, case_prefix="CWS")


@pytest.fixture
def partner_supervisor(partner, make_user):
    return make_user(partner, Role.SUPERVISOR)


@pytest.fixture
def shared(org, caseworker, partner):
    """A consent-based share from hope-house to the child-welfare partner's inbox, delivered."""
    agreement(org, partner)
    case, survivor = shareable_case(caseworker, minor=False)
    consent = consent_for(caseworker, case, survivor, sectors=["child_welfare"])
    share = share_request(
        actor=caseworker, case=case, recipient=partner, purpose="services", legal_basis="consent", consent=consent
    )
    assert run_outbox() == ["delivered"]
    share.refresh_from_db()
    record = SharedRecord.objects.get(share=share)
    assert "Testfield" in str(record.payload)
    return share, case, consent, record


def _reload(*objs):
    for obj in objs:
        obj.refresh_from_db()


def _assert_erased(record: SharedRecord):
    record.refresh_from_db()
    assert record.payload is None
    assert record.erased_at is not None
    assert record.tombstone_reason


# --- decline, revocation and withdrawal in every state ---------------------------------------


@pytest.mark.django_db
def test_declining_erases_the_payload_at_once_with_the_reason(shared, partner_supervisor, caseworker):
    share, case, _, record = shared
    record_decline(actor=partner_supervisor, record=record, reason="Outside our area")
    _assert_erased(record)
    assert record.status == RecordStatus.DECLINED
    assert record.tombstone_reason == "Outside our area" and record.decline_reason == "Outside our area"
    share.refresh_from_db()
    assert share.status == ShareStatus.DECLINED
    # Nothing more reaches a declined record.
    casework.note_add(actor=caseworker, case=case, body="after the decline", sensitivity="general")
    assert run_outbox() == []
    record.refresh_from_db()
    assert record.payload is None and record.version == 1


@pytest.mark.django_db
def test_the_provider_can_revoke_a_declined_share(shared, partner_supervisor, caseworker):
    share, _, _, record = shared
    record_decline(actor=partner_supervisor, record=record, reason="Not ours")
    share_revoke(actor=caseworker, share=share, reason="shared by mistake")
    _reload(share, record)
    assert share.status == ShareStatus.REVOKED and share.ended_reason == "shared by mistake"
    assert record.payload is None and record.erased_at is not None
    assert record.status == RecordStatus.REVOKED and record.decline_reason == "Not ours"
    with pytest.raises(ValidationError):
        share_revoke(actor=caseworker, share=share)


@pytest.mark.django_db
def test_revoking_a_declined_share_through_the_api_answers_200(shared, org, partner_supervisor):
    share, _, _, record = shared
    record_decline(actor=partner_supervisor, record=record, reason="Not ours")
    api = Api(fetch_token(create_api_client(org, role=Role.SUPERVISOR))["access_token"])
    response = api.post(f"/api/v1/shares/{share.pk}/revoke/", {"reason": "consent doubtful"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "revoked" and response.json()["ended_reason"] == "consent doubtful"
    _assert_erased(record)
    assert_problem(api.post(f"/api/v1/shares/{share.pk}/revoke/", {}), 400)


def _bring_to(state: str, record: SharedRecord, recipient_supervisor) -> None:
    if state in ("acknowledged", "accepted"):
        record_acknowledge(actor=recipient_supervisor, record=record)
    if state == "accepted":
        record_accept(actor=recipient_supervisor, record=record)
    if state == "declined":
        record_decline(actor=recipient_supervisor, record=record, reason="Not ours")


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["delivered", "acknowledged", "accepted", "declined"])
@pytest.mark.parametrize("how", ["revoke", "withdraw"])
def test_revocation_and_withdrawal_reach_every_delivered_state(shared, partner_supervisor, caseworker, state, how):
    share, _, consent, record = shared
    _bring_to(state, record, partner_supervisor)
    share.refresh_from_db()
    assert share.status == state
    if how == "revoke":
        share_revoke(actor=caseworker, share=share, reason="revoked by the provider")
    else:
        casework.consent_withdraw(actor=caseworker, consent=consent)
    _reload(share, record)
    assert share.status == ShareStatus.REVOKED
    assert record.payload is None and record.erased_at is not None
    assert record.status == RecordStatus.REVOKED
    assert "share.revoked" in DomainEvent.objects.filter(object_id=str(share.pk)).values_list("event_type", flat=True)


@pytest.mark.django_db
def test_withdrawal_after_accept_erases_the_record_but_keeps_the_linked_case(
    shared, partner, partner_supervisor, caseworker
):
    share, _, consent, record = shared
    record_accept(actor=partner_supervisor, record=record, open_case=True)
    record.refresh_from_db()
    linked = record.linked_case
    note = casework.note_add(actor=partner_supervisor, case=linked, body="our own intake note", sensitivity="general")
    assert record.link_revoked_at is None

    casework.consent_withdraw(actor=caseworker, consent=consent)

    record.refresh_from_db()
    assert record.payload is None and record.erased_at is not None and record.tombstone_reason == "consent withdrawn"
    assert record.linked_case_id == linked.pk and record.link_revoked_at is not None
    kept = Case.objects.restrict(partner_supervisor).get(pk=linked.pk)
    assert kept.title == linked.title and kept.organization == partner
    assert Note.objects.get(pk=note.pk).body == "our own intake note"
    event = DomainEvent.objects.get(event_type="case.link_revoked")
    assert event.organization == partner and event.object_id == str(linked.pk)
    assert event.data["shared_record"] == str(record.pk) and event.data["reason"] == "consent withdrawn"
    # Told once: a second ending (there is none to do) records nothing more.
    share.refresh_from_db()
    with pytest.raises(ValidationError):
        share_revoke(actor=caseworker, share=share)
    assert DomainEvent.objects.filter(event_type="case.link_revoked").count() == 1


@pytest.mark.django_db
def test_revoking_an_accepted_share_marks_the_link_revoked(shared, partner, partner_supervisor, caseworker):
    share, _, _, record = shared
    record_accept(actor=partner_supervisor, record=record, open_case=True)
    share_revoke(actor=caseworker, share=share, reason="shared by mistake")
    record.refresh_from_db()
    assert record.payload is None and record.link_revoked_at is not None
    assert DomainEvent.objects.filter(
        event_type="case.link_revoked", organization=partner, object_id=str(record.linked_case_id)
    ).exists()


# --- every send re-checks the basis (no beat) ---------------------------------------------------


def _next_version_is_stopped(share, case, caseworker, *, status, reason):
    casework.note_add(actor=caseworker, case=case, body="news after the basis ran out", sensitivity="general")
    pending = share.deliveries.get(status=DeliveryStatus.PENDING)
    assert deliver(pending.pk) == status
    share.refresh_from_db()
    pending.refresh_from_db()
    assert share.status == status and share.ended_reason == reason and share.version == 1
    assert pending.status == DeliveryStatus.CANCELLED and pending.version is None
    assert not DeliveryAttempt.objects.filter(delivery=pending).exists()
    record = SharedRecord.objects.get(share=share)
    assert record.payload is None and record.version == 1 and record.tombstone_reason == reason
    assert run_outbox() == []


@pytest.mark.django_db
def test_an_expired_consent_stops_the_next_version_at_send_time(shared, caseworker):
    share, case, consent, _ = shared
    Consent.objects.filter(pk=consent.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    _next_version_is_stopped(share, case, caseworker, status=ShareStatus.EXPIRED, reason="consent expired")


@pytest.mark.django_db
def test_a_withdrawal_the_share_missed_stops_the_next_version_as_a_revocation(shared, caseworker):
    share, case, consent, _ = shared
    # As if written by a path that forgot its shares: the send itself must not trust the status.
    Consent.objects.filter(pk=consent.pk).update(withdrawn_at=timezone.now())
    _next_version_is_stopped(share, case, caseworker, status=ShareStatus.REVOKED, reason="consent withdrawn")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        {"status": AgreementStatus.TERMINATED},
        {"status": AgreementStatus.SUSPENDED},
        {"valid_until": "past"},
        {"purposes": ["investigation"]},
    ],
)
def test_an_ended_agreement_stops_the_next_version_at_send_time(shared, caseworker, change):
    share, case, _, _ = shared
    if change.get("valid_until"):
        change = {"valid_from": timezone.now() - dt.timedelta(days=2), "valid_until": timezone.now()}
    SharingAgreement.objects.filter(pk=share.agreement_id).update(**change)
    _next_version_is_stopped(share, case, caseworker, status=ShareStatus.EXPIRED, reason="agreement ended")


@pytest.mark.django_db
def test_an_agreement_without_the_case_summary_stops_the_next_version(shared, caseworker):
    share, case, _, _ = shared
    SharingAgreement.objects.filter(pk=share.agreement_id).update(categories=["identity", "general_notes"])
    _next_version_is_stopped(
        share, case, caseworker, status=ShareStatus.EXPIRED, reason="agreement no longer covers the case summary"
    )


@pytest.mark.django_db
def test_a_mandatory_report_stops_when_no_minor_is_left(org, caseworker, partner):
    agreement(org, partner)
    case, survivor = shareable_case(caseworker, minor=True)
    share = share_request(
        actor=caseworker, case=case, recipient=partner, purpose="child_protection", legal_basis="mandatory_report"
    )
    assert run_outbox() == ["delivered"]
    Person.objects.filter(pk=survivor.pk).update(minor_until=timezone.localdate())
    share.refresh_from_db()
    _next_version_is_stopped(share, case, caseworker, status=ShareStatus.EXPIRED, reason="no minor in the case")


@pytest.mark.django_db
def test_the_first_delivery_re_checks_the_basis(org, caseworker, partner):
    agreement(org, partner)
    case, survivor = shareable_case(caseworker, minor=False)
    consent = consent_for(caseworker, case, survivor, sectors=["child_welfare"])
    share = share_request(
        actor=caseworker, case=case, recipient=partner, purpose="services", legal_basis="consent", consent=consent
    )
    Consent.objects.filter(pk=consent.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert run_outbox() == ["expired"]
    share.refresh_from_db()
    assert share.status == ShareStatus.EXPIRED and share.ended_reason == "consent expired" and share.version == 0
    assert not SharedRecord.objects.exists(), "nothing was ever sent"
    assert not Delivery.objects.filter(kind=DeliveryKind.REVOCATION).exists(), "nothing to take back"


@pytest.mark.django_db
def test_an_approval_re_checks_the_basis(org, caseworker, supervisor, partner):
    agreement_row = agreement(org, partner)
    case, _ = shareable_case(caseworker)
    share = share_request(
        actor=caseworker,
        case=case,
        recipient=partner,
        purpose="child_protection",
        legal_basis="emergency",
        justification="Seen with the suspect tonight",
    )
    SharingAgreement.objects.filter(pk=agreement_row.pk).update(status=AgreementStatus.TERMINATED)
    with pytest.raises(ValidationError) as err:
        share_approve(actor=supervisor, share=share)
    assert "recipient" in err.value.message_dict
    share.refresh_from_db()
    assert share.status == ShareStatus.PENDING_APPROVAL and not share.deliveries.exists()


@pytest.mark.django_db
def test_an_approval_releases_the_share_under_the_agreement_in_force_then(org, caseworker, supervisor, partner):
    first = agreement(org, partner)
    case, _ = shareable_case(caseworker)
    share = share_request(
        actor=caseworker,
        case=case,
        recipient=partner,
        purpose="child_protection",
        legal_basis="emergency",
        justification="Seen with the suspect tonight",
    )
    SharingAgreement.objects.filter(pk=first.pk).update(status=AgreementStatus.TERMINATED)
    renewed = agreement(org, partner)
    share_approve(actor=supervisor, share=share)
    share.refresh_from_db()
    assert share.agreement_id == renewed.pk
    assert run_outbox() == ["delivered"]


# --- the webhook path: retries and the re-drive re-check too ------------------------------------


@pytest.fixture
def webhook_partner(org, settings, monkeypatch):
    import io
    import json

    from django.core.management import call_command

    from accounts.models import Organization
    from tests.webhook_receiver import WebhookReceiver

    settings.CASEBRIDGE_WEBHOOK_ALLOW_PRIVATE = True
    settings.CASEBRIDGE_RETRY_SCHEDULE = [1, 2, 3]
    settings.CASEBRIDGE_DELIVERY_LEASE_SECONDS = 60
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    with WebhookReceiver() as receiver:
        out = io.StringIO()
        call_command(
            "register_partner",
            *("--slug", "ext-cws", "--name", "External CWS", "--sector", "child_welfare"),
            *("--webhook-url", receiver.url),
            stdout=out,
        )
        assert json.loads(out.getvalue())["slug"] == "ext-cws"
        recipient = Organization.objects.get(slug="ext-cws")
        agreement(org, recipient)
        yield recipient, receiver


def _webhook_share(caseworker, recipient):
    case, survivor = shareable_case(caseworker, minor=False)
    consent = consent_for(caseworker, case, survivor, sectors=["child_welfare"])
    share = share_request(
        actor=caseworker, case=case, recipient=recipient, purpose="services", legal_basis="consent", consent=consent
    )
    return share, consent, share.deliveries.get()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["retry", "redrive"])
def test_a_webhook_retry_or_redrive_re_checks_the_basis(caseworker, webhook_partner, path):
    recipient, receiver = webhook_partner
    share, consent, delivery = _webhook_share(caseworker, recipient)
    receiver.respond_with((500, {}, b"down"))
    assert deliver(delivery.pk) == "retry scheduled"
    assert len(receiver.requests) == 1

    Consent.objects.filter(pk=consent.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    if path == "redrive":
        due = redrive_due(now=timezone.now() + dt.timedelta(days=1))
        assert str(delivery.pk) in due
    assert deliver(delivery.pk) == "expired"

    _reload(share, delivery)
    assert share.status == ShareStatus.EXPIRED and share.ended_reason == "consent expired"
    assert delivery.status == DeliveryStatus.CANCELLED and delivery.body == ""
    assert len(receiver.requests) == 1, "the retry sent nothing"
    # The failed attempt may have arrived: the partner is told to erase it.
    revocation = share.deliveries.get(kind=DeliveryKind.REVOCATION)
    assert deliver(revocation.pk) == "delivered"
    assert b'"share.revoked"' in receiver.requests[-1].body


@pytest.mark.django_db
def test_a_webhook_update_re_checks_the_basis(caseworker, webhook_partner):
    recipient, receiver = webhook_partner
    share, _, delivery = _webhook_share(caseworker, recipient)
    assert deliver(delivery.pk) == "delivered"
    SharingAgreement.objects.filter(pk=share.agreement_id).update(status=AgreementStatus.TERMINATED)
    casework.note_add(actor=caseworker, case=share.case, body="news after the agreement ended")
    update = share.deliveries.get(status=DeliveryStatus.PENDING, kind=DeliveryKind.VERSION)
    assert deliver(update.pk) == "expired"
    assert len(receiver.requests) == 1
    assert b"news after the agreement ended" not in b"".join(r.body for r in receiver.requests)


# --- an API client's emergency waits for another account ---------------------------------------


def _emergency(actor, case, recipient):
    return share_request(
        actor=actor,
        case=case,
        recipient=recipient,
        purpose="child_protection",
        legal_basis="emergency",
        justification="Seen with the suspect at the depot tonight",
    )


@pytest.mark.django_db
def test_a_service_accounts_emergency_waits_for_another_supervisor(org, caseworker, supervisor, partner):
    agreement(org, partner)
    client = create_api_client(org, role=Role.SUPERVISOR).user
    assert client.is_service_account and client.is_supervisor
    case, _ = shareable_case(caseworker)
    share = _emergency(client, case, partner)
    assert share.status == ShareStatus.PENDING_APPROVAL and share.flagged_for_review and share.approved_by is None
    assert run_outbox() == []
    with pytest.raises(ValidationError) as err:
        share_approve(actor=client, share=share)
    assert "share" in err.value.message_dict
    share.refresh_from_db()
    assert share.status == ShareStatus.PENDING_APPROVAL
    share_approve(actor=supervisor, share=share)
    share.refresh_from_db()
    assert share.status == ShareStatus.QUEUED and share.approved_by == supervisor
    assert run_outbox() == ["delivered"]


@pytest.mark.django_db
def test_nobody_approves_their_own_held_request(org, make_user, partner):
    agreement(org, partner)
    requester = make_user(org, Role.CASEWORKER)
    case, _ = shareable_case(requester)
    share = _emergency(requester, case, partner)
    # Promoted while the request waited: still their own request.
    type(requester).objects.filter(pk=requester.pk).update(role=Role.SUPERVISOR)
    requester.refresh_from_db()
    with pytest.raises(ValidationError):
        share_approve(actor=requester, share=share)
    share.refresh_from_db()
    assert share.status == ShareStatus.PENDING_APPROVAL


@pytest.mark.django_db
def test_a_human_supervisors_emergency_still_goes_at_once(org, supervisor, partner):
    agreement(org, partner)
    case, _ = shareable_case(supervisor)
    share = _emergency(supervisor, case, partner)
    assert share.status == ShareStatus.QUEUED and share.approved_by == supervisor and share.flagged_for_review


@pytest.mark.django_db
def test_through_the_api_a_clients_emergency_is_held_and_it_cannot_approve_it(org, caseworker, supervisor, partner):
    agreement(org, partner)
    case, _ = shareable_case(caseworker)
    api = Api(fetch_token(create_api_client(org, role=Role.SUPERVISOR))["access_token"])
    response = api.post(
        f"/api/v1/cases/{case.pk}/shares/",
        {
            "recipient": partner.slug,
            "purpose": "child_protection",
            "legal_basis": "emergency",
            "justification": "Imminent risk",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending_approval" and body["approved_by"] is None
    problem = assert_problem(api.post(f"/api/v1/shares/{body['id']}/approve/"), 400)
    assert "share" in problem["errors"]
    other = Api(fetch_token(create_api_client(org, role=Role.SUPERVISOR, name="Second system"))["access_token"])
    approved = other.post(f"/api/v1/shares/{body['id']}/approve/")
    assert approved.status_code == 200, approved.content
    assert Share.objects.get(pk=body["id"]).status == ShareStatus.QUEUED
