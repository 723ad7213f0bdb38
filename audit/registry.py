"""Which domain models the change log tracks, and which of their fields it never shows.

Identity and contact values (and free narrative, which routinely names people) are masked
entirely: auditors review *who changed what*, never the case content itself.
"""

from auditlog.registry import auditlog

IDENTITY_AND_CONTACT = ["given_name", "family_name", "aliases", "date_of_birth", "phone", "email", "address"]
NARRATIVE = ["title", "body", "detail", "note", "value"]


def register_domain_models() -> None:
    from django.apps import apps

    plain = [
        ("accounts", "Organization", []),
        ("accounts", "Team", []),
        ("sharing", "SharingAgreement", []),
        ("sharing", "Share", ["justification"]),
    ]
    masked = [
        ("casework", "Case", ["title"]),
        ("casework", "Person", IDENTITY_AND_CONTACT),
        ("casework", "Note", ["body"]),
        ("casework", "ServiceNeed", ["detail"]),
        ("casework", "TechnologyIndicator", ["value", "note"]),
        ("casework", "Consent", []),
        ("casework", "Task", ["title"]),
    ]
    for app_label, model_name, mask in plain + masked:
        model = apps.get_model(app_label, model_name)
        if not auditlog.contains(model):
            auditlog.register(model, mask_fields=mask, m2m_fields=_m2m_fields(model))
    # The shared payload is case content: its arrival and erasure are logged, never its text.
    record = apps.get_model("sharing", "SharedRecord")
    if not auditlog.contains(record):
        auditlog.register(record, exclude_fields=["payload"], mask_fields=["decline_reason"])
    user_model = apps.get_model("accounts", "User")
    if not auditlog.contains(user_model):
        auditlog.register(
            user_model,
            exclude_fields=["password", "last_login"],
            mask_fields=["first_name", "last_name", "email"],
        )


def _m2m_fields(model) -> set[str]:
    return {f.name for f in model._meta.many_to_many}
