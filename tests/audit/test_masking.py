"""Item 0 of issue 12: every field of every audited model is classified (masked / shown /
excluded), derived values are masked like their source, and no identity value reaches any audit
table: seeded values are searched in every column of every row."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.db import connection

from audit.access import API, record_accesses
from audit.context import acting_as
from audit.registry import FIELD_POLICY
from casework import services
from casework.models import Person
from tests.audit.helpers import AUDIT_TABLES


def test_every_field_of_every_audited_model_is_classified():
    audited = {model._meta.label for model in auditlog.get_models()}
    assert audited == set(FIELD_POLICY), "register a model through FIELD_POLICY, nowhere else"
    for label, policy in FIELD_POLICY.items():
        model = apps.get_model(label)
        fields = {f.name for f in model._meta.concrete_fields} | {f.name for f in model._meta.many_to_many}
        assert set(policy) == fields, f"{label}: unclassified {fields - set(policy)}, stale {set(policy) - fields}"
        assert set(policy.values()) <= {"mask", "show", "exclude"}


def test_the_registry_applies_the_table():
    for label, policy in FIELD_POLICY.items():
        config = auditlog.get_model_fields(apps.get_model(label))
        masked = {name for name, p in policy.items() if p == "mask"}
        m2m = {f.name for f in apps.get_model(label)._meta.many_to_many}
        assert set(config["mask_fields"]) == masked - m2m, label
        assert set(config["exclude_fields"]) == {name for name, p in policy.items() if p == "exclude"}, label


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("casework.Person", "minor_until"),  # the date of birth plus 18 years
        ("casework.Person", "age_estimated_on"),
        ("casework.Person", "estimated_age"),
        ("casework.Person", "nationality"),
        ("casework.Person", "gender"),
        ("casework.Person", "languages"),
        ("casework.ServiceNeed", "kind"),
        ("casework.TechnologyIndicator", "platform"),
        ("casework.TechnologyIndicator", "fingerprint"),
        ("casework.Consent", "scope_sectors"),
        ("casework.Consent", "scope_organizations"),
        ("casework.Consent", "categories"),
        ("casework.Consent", "method"),
    ],
)
def test_derived_and_sensitive_values_are_masked(label, field):
    assert FIELD_POLICY[label][field] == "mask"


DOB = dt.date(2012, 5, 17)
SEEDS = {
    "given_name": "Oriabelle",
    "family_name": "Vantongeren",
    "alias": "Sparrowlight",
    "date_of_birth": DOB.isoformat(),
    "minor_until": DOB.replace(year=DOB.year + 18).isoformat(),
    "phone": "2025550187",
    "email": "oriabelle.v@example.net",
    "address": "77 Quarry Lane",
    "nationality": "Ruritanian",
    "gender": "genderqueer-x",
    "language": "Volapuk",
    "platform": "Blorbchat",
    "need": "substance_use",
}


def _all_audit_text() -> str:
    """Every column of every row of every audit table, as text."""
    parts = []
    with connection.cursor() as cursor:
        for table in AUDIT_TABLES:
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608
            parts += [" ".join(str(value) for value in row) for row in cursor.fetchall()]
    return "\n".join(parts)


@pytest.mark.django_db
def test_no_identity_value_reaches_any_audit_table(org, other_org, caseworker, supervisor, client):
    with acting_as(caseworker, remote_addr="203.0.113.7"):
        case = services.case_create(actor=caseworker, title="Intake", case_type="sex_trafficking")
        person = services.person_add(
            actor=caseworker,
            case=case,
            role="survivor",
            given_name=SEEDS["given_name"],
            family_name=SEEDS["family_name"],
            aliases=[SEEDS["alias"]],
            date_of_birth=DOB,
            phone="(202) 555-0187",
            email=SEEDS["email"],
            address=SEEDS["address"],
            nationality=SEEDS["nationality"],
            gender=SEEDS["gender"],
            languages=[SEEDS["language"]],
        )
        services.need_add(actor=caseworker, case=case, kind=SEEDS["need"], detail="")
        services.indicator_add(
            actor=caseworker, case=case, kind="social_handle", value="@sparrowhandle", platform=SEEDS["platform"]
        )
        services.consent_record(
            actor=caseworker,
            case=case,
            person=person,
            categories=["case_summary"],
            purpose="services",
            method="guardian",
            scope_sectors=["health"],
            scope_organizations=[other_org],
        )
    record_accesses(Person.objects.filter(case=case), actor=caseworker, channel=API)
    client.force_login(supervisor)
    for part in ("persons", "needs", "indicators", "consents"):
        assert client.get(f"/api/v1/cases/{case.pk}/{part}/").status_code == 200
    text = _all_audit_text()
    assert "[redacted]" in text
    for name, value in SEEDS.items():
        assert value not in text, f"{name} ({value!r}) is stored in the audit trail"
    m2m = [
        change
        for entry in LogEntry.objects.filter(content_type__model="consent")
        for change in (entry.changes or {}).values()
        if isinstance(change, dict) and change.get("type") == "m2m"
    ]
    assert m2m, "the consent's scope organizations were logged"
    assert all(set(change["objects"]) == {"[redacted]"} for change in m2m), "many-to-many changes are masked too"
