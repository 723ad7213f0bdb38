from django.db import models


class Sector(models.TextChoices):
    NGO = "ngo", "NGO"
    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
    HEALTH = "health", "Health"
    CHILD_WELFARE = "child_welfare", "Child welfare"
    OTHER = "other", "Other"


class Role(models.TextChoices):
    CASEWORKER = "caseworker", "Caseworker"
    SUPERVISOR = "supervisor", "Supervisor"
    ORG_ADMIN = "org_admin", "Organization admin"
    AUDITOR = "auditor", "Auditor"


# Roles that work case content. org_admin and auditor are kept out by separation of duties,
# whatever object permissions they might have been granted by mistake.
CASE_CONTENT_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR})
