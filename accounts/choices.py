from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    NGO = "ngo", _("NGO")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    HEALTH = "health", _("Health")
    CHILD_WELFARE = "child_welfare", _("Child welfare")
    OTHER = "other", _("Other")


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    SUPERVISOR = "supervisor", _("Supervisor")
    ORG_ADMIN = "org_admin", _("Organization admin")
    AUDITOR = "auditor", _("Auditor")


# Roles that work case content. org_admin and auditor are kept out by separation of duties,
# whatever object permissions they might have been granted by mistake.
CASE_CONTENT_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR})
