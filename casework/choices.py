from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseType(models.TextChoices):
    SEX_TRAFFICKING = "sex_trafficking", _("Sex trafficking")
    LABOR_TRAFFICKING = "labor_trafficking", _("Labor trafficking")
    AT_RISK = "at_risk", _("At risk")
    OTHER = "other", _("Other")


class CaseStatus(models.TextChoices):
    INTAKE = "intake", _("Intake")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    IMMINENT = "imminent", _("Imminent")


class PersonRole(models.TextChoices):
    SURVIVOR = "survivor", _("Survivor")
    GUARDIAN = "guardian", _("Guardian")
    FAMILY = "family", _("Family")
    SUSPECT = "suspect", _("Suspect")
    WITNESS = "witness", _("Witness")
    OTHER = "other", _("Other")


class Sensitivity(models.TextChoices):
    GENERAL = "general", _("General")
    HEALTH = "health", _("Health")
    LEGAL = "legal", _("Legal")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    RESTRICTED = "restricted", _("Restricted (never leaves the organization)")


class NeedKind(models.TextChoices):
    SHELTER = "shelter", _("Shelter")
    MEDICAL = "medical", _("Medical")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    LEGAL = "legal", _("Legal")
    EDUCATION = "education", _("Education")
    SUBSTANCE_USE = "substance_use", _("Substance use")
    FAMILY_TRACING = "family_tracing", _("Family tracing")
    OTHER = "other", _("Other")


class NeedStatus(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    REFERRED = "referred", _("Referred")
    MET = "met", _("Met")


class IndicatorKind(models.TextChoices):
    PHONE_NUMBER = "phone_number", _("Phone number")
    ONLINE_AD = "online_ad", _("Online ad")
    SOCIAL_HANDLE = "social_handle", _("Social media handle")
    EMAIL = "email", _("Email")
    MESSAGING_APP = "messaging_app", _("Messaging app account")
    PAYMENT_ACCOUNT = "payment_account", _("Payment account")
    DEVICE_ID = "device_id", _("Device identifier")
    OTHER = "other", _("Other")


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("Written")
    VERBAL = "verbal", _("Verbal")
    GUARDIAN = "guardian", _("Given by a guardian")


class TaskKind(models.TextChoices):
    MANUAL = "manual", _("Follow-up")
    INITIAL_ASSESSMENT = "initial_assessment", _("Initial assessment")
    CONSENT_RENEWAL = "consent_renewal", _("Renew consent or let it lapse")


# Persons whose being under 18 makes a case one that "involves a minor". A minor suspect does
# not make a case a child-protection case; everyone else in the case may be a child at risk.
MINOR_RELEVANT_ROLES = (
    PersonRole.SURVIVOR,
    PersonRole.FAMILY,
    PersonRole.WITNESS,
    PersonRole.OTHER,
)


class DataCategory(models.TextChoices):
    """Every field of a case belongs to exactly one of these (SPEC, Sharing)."""

    CASE_SUMMARY = "case_summary", _("Case summary")
    IDENTITY = "identity", _("Identity")
    CONTACT = "contact", _("Contact")
    DEMOGRAPHICS = "demographics", _("Demographics")
    NEEDS = "needs", _("Needs")
    GENERAL_NOTES = "general_notes", _("General notes")
    HEALTH_NOTES = "health_notes", _("Health notes")
    LEGAL_NOTES = "legal_notes", _("Legal notes")
    LE_NOTES = "le_notes", _("Law-enforcement notes")
    INDICATORS = "indicators", _("Technology indicators")


class Purpose(models.TextChoices):
    SERVICES = "services", _("Services")
    HEALTH_CARE = "health_care", _("Health care")
    CHILD_PROTECTION = "child_protection", _("Child protection")
    INVESTIGATION = "investigation", _("Investigation")
    SAFETY_PLANNING = "safety_planning", _("Safety planning")
