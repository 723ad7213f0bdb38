"""Who may drive the sharing services, called directly (the API checks first, so a weakened
service check would hide behind it; these tests call the services the way a task or page would).

``share_case`` is held by the case's creator, assignees and the organization's supervisors; a team
member may view and change the case but not share it; nobody else of the organization (an
unassigned caseworker, an org admin, an auditor) nor of another organization may touch it.
"""

import pytest
from django.core.exceptions import ValidationError

from accounts.choices import Role, Sector
from casework import services as casework
from config.errors import NotFound
from sharing.choices import ShareStatus
from sharing.models import Share, SharedRecord
from sharing.services import (
    record_acknowledge,
    record_decline,
    share_approve,
    share_request,
    share_revoke,
)
from sharing.services.shares import share_preview
from tests.factories import OrganizationFactory
from tests.sharing_helpers import agreement, consent_for, run_outbox, shareable_case

pytestmark = pytest.mark.django_db

OUTSIDERS = ("team_member", "unassigned", "org_admin", "auditor", "other_org_supervisor")


@pytest.fixture
def world(org, make_user, make_team):
    partner = OrganizationFactory(slug="cws", name="CWS", sector=Sector.CHILD_WELFARE, case_prefix="CW")
    agreement(org, partner)
    assignee = make_user(org, Role.CASEWORKER)
    supervisor = make_user(org, Role.SUPERVISOR)
    team_member = make_user(org, Role.CASEWORKER)
    team = make_team(organization=org, name="Outreach")
    team.group.user_set.add(team_member)
    case, survivor = shareable_case(assignee, minor=True)
    casework.case_assign(actor=supervisor, case=case, assigned_to=[assignee], team=team)
    consent = consent_for(assignee, case, survivor, sectors=["child_welfare"])
    people = {
        "assignee": assignee,
        "supervisor": supervisor,
        "team_member": team_member,
        "unassigned": make_user(org, Role.CASEWORKER),
        "org_admin": make_user(org, Role.ORG_ADMIN),
        "auditor": make_user(org, Role.AUDITOR),
        "other_org_supervisor": make_user(partner, Role.SUPERVISOR),
        "partner_caseworker": make_user(partner, Role.CASEWORKER),
        "partner_supervisor": make_user(partner, Role.SUPERVISOR),
    }
    return {"case": case, "consent": consent, "partner": partner, "people": people}


def _request(world, who, **overrides):
    kwargs = {
        "case": world["case"],
        "recipient": world["partner"],
        "purpose": "services",
        "legal_basis": "consent",
        "consent": world["consent"],
        **overrides,
    }
    return share_request(actor=world["people"][who], **kwargs)


@pytest.mark.parametrize("who", OUTSIDERS)
def test_only_share_holders_request_or_preview_a_share(world, who):
    with pytest.raises(NotFound):
        _request(world, who)
    with pytest.raises(NotFound):
        share_preview(
            actor=world["people"][who],
            case=world["case"],
            recipient=world["partner"],
            purpose="services",
            legal_basis="consent",
            consent=world["consent"],
        )
    assert not Share.objects.exists()


@pytest.mark.parametrize("who", ["assignee", "supervisor"])
def test_share_holders_do(world, who):
    assert _request(world, who).status == ShareStatus.QUEUED


@pytest.mark.parametrize("who", OUTSIDERS)
def test_only_share_holders_revoke(world, who):
    share = _request(world, "assignee")
    run_outbox()
    with pytest.raises(NotFound):
        share_revoke(actor=world["people"][who], share=share)
    share.refresh_from_db()
    assert share.status == ShareStatus.DELIVERED
    share_revoke(actor=world["people"]["assignee"], share=share)
    share.refresh_from_db()
    assert share.status == ShareStatus.REVOKED


@pytest.mark.parametrize("who", OUTSIDERS)
def test_only_a_supervisor_of_the_case_approves(world, who):
    share = _request(world, "assignee", legal_basis="emergency", consent=None, justification="Imminent risk")
    assert share.status == ShareStatus.PENDING_APPROVAL
    with pytest.raises(NotFound):
        share_approve(actor=world["people"][who], share=share)
    share.refresh_from_db()
    assert share.status == ShareStatus.PENDING_APPROVAL
    share_approve(actor=world["people"]["supervisor"], share=share)
    share.refresh_from_db()
    assert share.status == ShareStatus.QUEUED


@pytest.mark.parametrize("who", ["unassigned", "org_admin", "auditor", "other_org_supervisor"])
def test_only_those_who_change_the_case_withdraw_its_consent(world, who):
    with pytest.raises(NotFound):
        casework.consent_withdraw(actor=world["people"][who], consent=world["consent"])
    world["consent"].refresh_from_db()
    assert world["consent"].withdrawn_at is None


def test_a_team_member_may_withdraw_a_consent(world):
    consent = casework.consent_withdraw(actor=world["people"]["team_member"], consent=world["consent"])
    assert consent.withdrawn_at is not None


def test_only_the_recipients_supervisors_and_assignee_answer_a_record(world):
    _request(world, "assignee")
    run_outbox()
    record = SharedRecord.objects.get()
    for who in ("partner_caseworker", "assignee", "supervisor", "org_admin"):
        with pytest.raises(NotFound):
            record_acknowledge(actor=world["people"][who], record=record)
    record.refresh_from_db()
    assert record.status == "delivered"
    record.assigned_to = world["people"]["partner_caseworker"]
    record.save(update_fields=["assigned_to"])
    record_acknowledge(actor=world["people"]["partner_caseworker"], record=record)
    record_decline(actor=world["people"]["partner_supervisor"], record=record, reason="Not ours")
    record.refresh_from_db()
    assert record.status == "declined" and record.payload is None


def test_a_supervisor_rejects_an_emergency_with_a_reason_and_it_is_a_security_event(world):
    from audit.models import DomainEvent
    from sharing.services import share_reject

    share = _request(world, "assignee", legal_basis="emergency", consent=None, justification="Imminent risk")
    with pytest.raises(NotFound):
        share_reject(actor=world["people"]["team_member"], share=share, reason="no")
    with pytest.raises(ValidationError) as refused:
        share_reject(actor=world["people"]["assignee"], share=share, reason="no")
    assert "share" in refused.value.message_dict, "a caseworker never rejects"
    with pytest.raises(ValidationError) as refused:
        share_reject(actor=world["people"]["supervisor"], share=share, reason="  ")
    assert "reason" in refused.value.message_dict
    share_reject(actor=world["people"]["supervisor"], share=share, reason="Not an emergency")
    share.refresh_from_db()
    assert share.status == ShareStatus.REVOKED and share.ended_reason == "rejected: Not an emergency"
    assert run_outbox() == [] and not SharedRecord.objects.exists()
    event = DomainEvent.objects.get(event_type="share.rejected")
    assert (event.actor, event.organization, event.data["reason"]) == (
        world["people"]["supervisor"],
        share.provider,
        "Not an emergency",
    )
    with pytest.raises(ValidationError):
        share_reject(actor=world["people"]["supervisor"], share=share, reason="again")


def test_an_agreement_that_ran_out_is_an_event_for_both_sides_once(world):
    import datetime as dt

    from django.utils import timezone

    from audit.models import DomainEvent
    from sharing.models import SharingAgreement
    from sharing.services import shares_expire_due

    _request(world, "assignee")
    run_outbox()
    agreement = SharingAgreement.objects.get(recipient=world["partner"])
    SharingAgreement.objects.filter(pk=agreement.pk).update(valid_until=timezone.now() - dt.timedelta(minutes=1))
    shares_expire_due()
    shares_expire_due()
    events = DomainEvent.objects.filter(event_type="agreement.expired", object_id=str(agreement.pk))
    assert sorted(e.organization_id for e in events) == sorted([agreement.provider_id, agreement.recipient_id])
    assert Share.objects.get().status == ShareStatus.EXPIRED
