"""Which domain models the change log tracks, and how each of their fields appears in it.

``FIELD_POLICY`` classifies **every** field (concrete and many-to-many) of every audited model:

- ``mask``: stored as ``[redacted]`` (never half-masked): identity, contact, demographics, anything
  derived from them, health and vulnerability details, consent scopes, free narrative;
- ``show``: workflow and structure an auditor needs (status, role, ids, times, who did it);
- ``exclude``: not in the change log at all (secrets, payloads).

``tests/test_audit_masking.py`` fails when a model gains a field this table does not classify, so
a new field is a decision, not an accident. Derived values are masked like their source:
``minor_until`` and ``age_estimated_on`` like ``date_of_birth``/``estimated_age``, an indicator's
``fingerprint`` like its ``value``, a consent's ``method`` (``guardian`` says "a minor") like the age.
Many-to-many changes are masked by the same table (``audit.guards``), which auditlog does not do.
"""

from auditlog.registry import auditlog

M, S, X = "mask", "show", "exclude"

FIELD_POLICY: dict[str, dict[str, str]] = {
    "accounts.Organization": {
        "id": S, "slug": S, "name": S, "sector": S, "active": S, "case_prefix": S, "supervisors_group": S,
        "created_at": S, "time_zone": S, "work_day_start": S, "work_day_end": S, "work_days": S,
    },
    "accounts.Team": {"id": S, "organization": S, "name": S, "group": S},
    "accounts.User": {
        "id": S, "password": X, "last_login": X, "is_superuser": S, "username": S,
        "first_name": M, "last_name": M, "email": M,
        "is_staff": S, "is_active": S, "date_joined": S, "organization": S, "role": S, "is_service_account": S,
        "language": S,
        "groups": X, "user_permissions": X,
    },
    "casework.Case": {
        "id": S, "organization": S, "reference": S, "title": M, "case_type": S, "status": S, "priority": S,
        "team": S, "opened_at": S, "closed_at": S, "created_by": S, "created_at": S, "updated_at": S,
        "version": S, "assigned_to": S,
    },
    "casework.Person": {
        "id": S, "created_at": S, "case": S, "role": S, "updated_at": S,
        "given_name": M, "family_name": M, "aliases": M, "date_of_birth": M, "estimated_age": M,
        "age_estimated_on": M, "gender": M, "languages": M, "nationality": M, "phone": M, "email": M,
        "address": M, "minor_until": M,
    },
    "casework.Note": {"id": S, "created_at": S, "case": S, "author": S, "body": M, "sensitivity": S, "amends": S},
    "casework.ServiceNeed": {"id": S, "created_at": S, "case": S, "kind": M, "status": S, "detail": M, "updated_at": S},
    "casework.TechnologyIndicator": {
        "id": S, "created_at": S, "case": S, "kind": S, "value": M, "platform": M, "note": M, "fingerprint": M,
        "created_by": S,
    },
    "casework.Consent": {
        "id": S, "created_at": S, "case": S, "person": S, "purpose": S, "given_at": S, "expires_at": S,
        "withdrawn_at": S, "recorded_by": S,
        "scope_sectors": M, "scope_organizations": M, "categories": M, "method": M,
    },
    "casework.Task": {
        "id": S, "created_at": S, "case": S, "title": M, "kind": S, "due_at": S, "assignee": S, "done_at": S,
        "created_by": S, "consent": S, "updated_at": S,
    },
    "sharing.SharingAgreement": {
        "id": S, "provider": S, "recipient": S, "categories": S, "purposes": S, "valid_from": S,
        "valid_until": S, "status": S, "created_at": S, "updated_at": S,
    },
    "sharing.Share": {
        "id": S, "case": S, "provider": S, "recipient": S, "agreement": S, "purpose": S, "legal_basis": S,
        "consent": S, "justification": M, "status": S, "flagged_for_review": S, "requested_by": S,
        "approved_by": S, "approved_at": S, "version": S, "payload_sha256": S, "ended_at": S,
        "ended_reason": M, "last_error": S, "created_at": S, "updated_at": S,
    },
    "sharing.SharedRecord": {
        "id": S, "share": S, "recipient": S, "source_organization": S, "version": S, "status": S,
        "payload": X, "received_at": S, "updated_at": S, "assigned_to": S, "decline_reason": M,
        "linked_case": S, "link_revoked_at": S, "erased_at": S, "tombstone_reason": S,
    },
}  # fmt: skip


def masked_fields(label: str) -> set[str]:
    return {name for name, policy in FIELD_POLICY.get(label, {}).items() if policy == M}


def register_domain_models() -> None:
    from django.apps import apps

    for label, policy in FIELD_POLICY.items():
        model = apps.get_model(label)
        if auditlog.contains(model):
            continue
        m2m = {f.name for f in model._meta.many_to_many if policy.get(f.name) != X}
        auditlog.register(
            model,
            mask_fields=[name for name, p in policy.items() if p == M and name not in m2m],
            exclude_fields=[name for name, p in policy.items() if p == X],
            m2m_fields=m2m,
        )
