"""A two-organization world for the browser pages: hope-house (ours) and metro-police (theirs)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from accounts.choices import Role, Sector
from accounts.models import User
from audit.context import acting_as
from casework import services
from casework.models import Case, Consent, Note, Person, ServiceNeed, Task, TechnologyIndicator
from tests.factories import OrganizationFactory, UserFactory


@dataclass
class Parts:
    case: Case
    survivor: Person
    note: Note
    need: ServiceNeed
    indicator: TechnologyIndicator
    consent: Consent
    task: Task


def build_parts(actor: User, *, assignee: User, label: str, count: int = 1) -> Parts:
    """A case with ``count`` of each part (the first of each is returned)."""
    with acting_as(actor):
        case = services.case_create(
            actor=actor, title=f"{label} depot case", case_type="sex_trafficking", assigned_to=[assignee]
        )
        first = {}
        for i in range(count):
            survivor = services.person_add(
                actor=actor,
                case=case,
                role="survivor",
                given_name=f"{label}given{i}",
                family_name=f"{label}family{i}",
                date_of_birth=dt.date(1996, 4, 2),
                phone="(202) 555-0143",
            )
            note = services.note_add(actor=actor, case=case, body=f"{label} note body {i}")
            services.note_amend(actor=actor, note=note, body=f"{label} amendment {i}")
            need = services.need_add(actor=actor, case=case, kind="shelter", detail=f"{label} need {i}")
            indicator = services.indicator_add(
                actor=actor, case=case, kind="social_handle", value=f"@{label}handle{i}", platform="Instagram"
            )
            consent = services.consent_record(
                actor=actor,
                case=case,
                person=survivor,
                categories=["case_summary", "needs"],
                purpose="services",
                method="written",
                scope_sectors=["health"],
                expires_at=timezone.now() + dt.timedelta(days=10),
            )
            task = services.task_create(
                actor=actor, case=case, title=f"{label} task {i}", due_at=timezone.now() - dt.timedelta(hours=1)
            )
            for name, value in (
                ("survivor", survivor),
                ("note", note),
                ("need", need),
                ("indicator", indicator),
                ("consent", consent),
                ("task", task),
            ):
                first.setdefault(name, value)
    return Parts(case=case, **first)


class UiWorld:
    def __init__(self):
        self.org_a = OrganizationFactory(slug="hope-house", name="Hope House", sector=Sector.NGO, case_prefix="HH")
        self.org_b = OrganizationFactory(
            slug="metro-police", name="Metro Police", sector=Sector.LAW_ENFORCEMENT, case_prefix="MPD"
        )
        self.supervisor = UserFactory(organization=self.org_a, role=Role.SUPERVISOR, username="sup@hope.example")
        self.assigned = UserFactory(organization=self.org_a, role=Role.CASEWORKER, username="cw@hope.example")
        self.unassigned = UserFactory(organization=self.org_a, role=Role.CASEWORKER, username="cw2@hope.example")
        self.org_admin = UserFactory(organization=self.org_a, role=Role.ORG_ADMIN, username="admin@hope.example")
        self.auditor = UserFactory(organization=self.org_a, role=Role.AUDITOR, username="audit@hope.example")
        self.foreign = UserFactory(organization=self.org_b, role=Role.SUPERVISOR, username="sup@metro.example")
        self.a = build_parts(self.supervisor, assignee=self.assigned, label="Alpha")
        self.b = build_parts(self.foreign, assignee=self.foreign, label="Zulu")
        self.build_sharing()

    def build_sharing(self):
        """A third organization (child welfare) that hope-house shares with and receives from:
        a delivered share of case A, an emergency share of case A awaiting approval, and a record
        received from the partner's case, assigned to hope-house's assigned caseworker."""
        from sharing.models import SharedRecord
        from sharing.services import record_assign, share_request
        from tests.sharing_helpers import agreement, run_outbox

        self.org_c = OrganizationFactory(
            slug="county-cws", name="County CWS", sector=Sector.CHILD_WELFARE, case_prefix="CWS"
        )
        self.partner = UserFactory(organization=self.org_c, role=Role.SUPERVISOR, username="sup@cws.example")
        agreement(self.org_a, self.org_c)
        agreement(self.org_c, self.org_a)
        self.c = build_parts(self.partner, assignee=self.partner, label="Charlie")
        with acting_as(self.supervisor):
            self.share = share_request(
                actor=self.supervisor,
                case=self.a.case,
                recipient=self.org_c,
                purpose="services",
                legal_basis="emergency",
                justification="Seen with the suspect.",
            )
            self.pending = share_request(
                actor=self.assigned,
                case=self.a.case,
                recipient=self.org_c,
                purpose="child_protection",
                legal_basis="emergency",
                justification="Imminent risk tonight.",
            )
        with acting_as(self.partner):
            received = share_request(
                actor=self.partner,
                case=self.c.case,
                recipient=self.org_a,
                purpose="services",
                legal_basis="emergency",
                justification="Needs a bed.",
            )
        run_outbox()
        self.record = SharedRecord.objects.get(share=received)
        with acting_as(self.supervisor):
            record_assign(actor=self.supervisor, record=self.record, assignee=self.assigned)

    def user(self, who: str) -> User | None:
        return None if who == "anonymous" else getattr(self, who)


@pytest.fixture
def ui_world(db):
    return UiWorld()
