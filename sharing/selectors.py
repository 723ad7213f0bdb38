"""Reads of the sharing side for the browser, always through the access module."""

from __future__ import annotations

from django.db.models import Count, Max, Q

from accounts.models import Organization, User
from casework.access import restrict
from casework.models import Case, Consent, Note, Person
from casework.permissions import Action
from sharing.choices import DeliveryKind, RecordStatus, ShareStatus
from sharing.models import Disclosure, Share, SharedRecord, SharingAgreement
from sharing.redaction import pseudonym_key, token

OPEN_RECORD_STATUSES = (RecordStatus.DELIVERED, RecordStatus.ACKNOWLEDGED)


def share_recipients(*, case: Case) -> list[Organization]:
    """The directory for a share of ``case``: active organizations with an agreement in force with
    the case's organization that covers something, by name."""
    agreements = SharingAgreement.objects.in_force().filter(provider=case.organization_id)
    covering = {a.recipient_id for a in agreements if a.categories and a.purposes}
    return list(
        Organization.objects.filter(pk__in=covering, active=True).exclude(pk=case.organization_id).order_by("name")
    )


def case_consents(*, actor: User, case: Case) -> list[Consent]:
    return list(
        restrict(Consent, user=actor, action=Action.VIEW)
        .filter(case=case)
        .select_related("person")
        .prefetch_related("scope_organizations")
        .order_by("created_at", "id")
    )


def shares_of_case(*, actor: User, case: Case):
    """The case's outgoing shares with their times and the failed attempts of their deliveries.

    Joined with what the case page's shares section shows, the recipient and the requester; the
    approver and the consent, unshown, cost a quarter of this query (two more joins, two more
    wide rows to compile, group and read)."""
    version_deliveries = Q(deliveries__kind=DeliveryKind.VERSION)
    return (
        restrict(Share, user=actor, action=Action.VIEW)
        .filter(case=case)
        .select_related("recipient", "requested_by")
        .annotate(
            first_delivered_at=Max("deliveries__delivered_at", filter=version_deliveries),
            last_attempt_at=Max("deliveries__attempt_log__attempted_at"),
            failed_attempts=Count(
                "deliveries__attempt_log", filter=Q(deliveries__attempt_log__succeeded=False), distinct=True
            ),
        )
        .order_by("-created_at", "id")
    )


def may_share(*, actor: User, case: Case) -> bool:
    return restrict(Case, user=actor, action=Action.SHARE).filter(pk=case.pk).exists()


def approvals_waiting(*, actor: User):
    """Emergency shares of the cases ``actor`` may share, waiting for a supervisor."""
    return (
        restrict(Share, user=actor, action=Action.SHARE)
        .filter(status=ShareStatus.PENDING_APPROVAL)
        .select_related("case", "recipient", "requested_by")
        .order_by("created_at", "id")
    )


def inbox(*, actor: User):
    """Received records: the organization's supervisors see all, others those assigned to them."""
    return restrict(SharedRecord, user=actor, action=Action.VIEW).select_related(
        "source_organization", "assigned_to", "linked_case"
    )


def disclosures_of_case(*, actor: User, case: Case):
    return (
        restrict(Disclosure, user=actor, action=Action.VIEW)
        .filter(case=case)
        .select_related("share", "recipient", "consent", "consent__person")
        .order_by("delivered_at", "id")
    )


def case_persons(*, actor: User, case: Case) -> list[Person]:
    return list(restrict(Person, user=actor, action=Action.VIEW).filter(case=case).order_by("created_at", "id"))


def person_tokens(*, persons, recipient: Organization) -> dict[str, Person]:
    """Our persons behind the tokens a recipient knows them by (the provider's side only)."""
    key = pseudonym_key()
    return {token(key, recipient.pk, "person", p.pk): p for p in persons}


def note_counts(*, actor: User, case: Case) -> dict[str, int]:
    """How many notes of each sensitivity the case holds (to say how many are withheld)."""
    rows = (
        restrict(Note, user=actor, action=Action.VIEW)
        .filter(case=case)
        .values_list("sensitivity")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)


def notifications(*, actor: User) -> dict:
    """The counts in the navigation: inbox items assigned to me and still open, emergency shares
    waiting for me (supervisors), and my shares whose delivery failed."""
    if not getattr(actor, "is_authenticated", False) or not actor.works_cases:
        return {}
    failed = list(
        restrict(Share, user=actor, action=Action.VIEW)
        .filter(requested_by=actor, status=ShareStatus.FAILED)
        .order_by("-updated_at")
        .values_list("case_id", flat=True)
    )
    counts = {
        "inbox": inbox(actor=actor).filter(assigned_to=actor, status__in=OPEN_RECORD_STATUSES).count(),
        "failed": len(failed),
        # Where the newest failure is shown (the shares section of its case).
        "failed_case": failed[0] if failed else None,
    }
    if actor.is_supervisor:
        counts["approvals"] = approvals_waiting(actor=actor).count()
        counts["unassigned"] = (
            inbox(actor=actor).filter(assigned_to__isnull=True, status__in=OPEN_RECORD_STATUSES).count()
        )
    return counts
