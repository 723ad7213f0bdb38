from django.db import models


class CaseType(models.TextChoices):
    SEX_TRAFFICKING = "sex_trafficking", "Sex trafficking"
    LABOR_TRAFFICKING = "labor_trafficking", "Labor trafficking"
    AT_RISK = "at_risk", "At risk"
    OTHER = "other", "Other"


class CaseStatus(models.TextChoices):
    INTAKE = "intake", "Intake"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Priority(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    IMMINENT = "imminent", "Imminent"


class PersonRole(models.TextChoices):
    SURVIVOR = "survivor", "Survivor"
    GUARDIAN = "guardian", "Guardian"
    FAMILY = "family", "Family"
    SUSPECT = "suspect", "Suspect"
    WITNESS = "witness", "Witness"
    OTHER = "other", "Other"


class Sensitivity(models.TextChoices):
    GENERAL = "general", "General"
    HEALTH = "health", "Health"
    LEGAL = "legal", "Legal"
    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
    RESTRICTED = "restricted", "Restricted (never leaves the organization)"


class NeedKind(models.TextChoices):
    SHELTER = "shelter", "Shelter"
    MEDICAL = "medical", "Medical"
    MENTAL_HEALTH = "mental_health", "Mental health"
    LEGAL = "legal", "Legal"
    EDUCATION = "education", "Education"
    SUBSTANCE_USE = "substance_use", "Substance use"
    FAMILY_TRACING = "family_tracing", "Family tracing"
    OTHER = "other", "Other"


class NeedStatus(models.TextChoices):
    IDENTIFIED = "identified", "Identified"
    REFERRED = "referred", "Referred"
    MET = "met", "Met"


class IndicatorKind(models.TextChoices):
    PHONE_NUMBER = "phone_number", "Phone number"
    ONLINE_AD = "online_ad", "Online ad"
    SOCIAL_HANDLE = "social_handle", "Social media handle"
    EMAIL = "email", "Email"
    MESSAGING_APP = "messaging_app", "Messaging app account"
    PAYMENT_ACCOUNT = "payment_account", "Payment account"
    DEVICE_ID = "device_id", "Device identifier"
    OTHER = "other", "Other"


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", "Written"
    VERBAL = "verbal", "Verbal"
    GUARDIAN = "guardian", "Given by a guardian"


class TaskKind(models.TextChoices):
    MANUAL = "manual", "Follow-up"
    INITIAL_ASSESSMENT = "initial_assessment", "Initial assessment"
    CONSENT_RENEWAL = "consent_renewal", "Renew consent or let it lapse"


# Persons whose being under 18 makes a case one that "involves a minor". A minor suspect does
# not make a case a child-protection case; everyone else in the case may be a child at risk.
MINOR_RELEVANT_ROLES = (
    PersonRole.SURVIVOR,
    PersonRole.FAMILY,
    PersonRole.WITNESS,
    PersonRole.OTHER,
)
