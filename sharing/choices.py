from django.db import models


class DataCategory(models.TextChoices):
    """Every field of a case belongs to exactly one of these (SPEC, Sharing)."""

    CASE_SUMMARY = "case_summary", "Case summary"
    IDENTITY = "identity", "Identity"
    CONTACT = "contact", "Contact"
    DEMOGRAPHICS = "demographics", "Demographics"
    NEEDS = "needs", "Needs"
    GENERAL_NOTES = "general_notes", "General notes"
    HEALTH_NOTES = "health_notes", "Health notes"
    LEGAL_NOTES = "legal_notes", "Legal notes"
    LE_NOTES = "le_notes", "Law-enforcement notes"
    INDICATORS = "indicators", "Technology indicators"


class Purpose(models.TextChoices):
    SERVICES = "services", "Services"
    HEALTH_CARE = "health_care", "Health care"
    CHILD_PROTECTION = "child_protection", "Child protection"
    INVESTIGATION = "investigation", "Investigation"
    SAFETY_PLANNING = "safety_planning", "Safety planning"


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    TERMINATED = "terminated", "Terminated"


class LegalBasis(models.TextChoices):
    CONSENT = "consent", "Consent"
    EMERGENCY = "emergency", "Emergency"
    MANDATORY_REPORT = "mandatory_report", "Mandatory report"
