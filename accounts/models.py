import datetime
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from accounts.choices import CASE_CONTENT_ROLES, Role, Sector


def list_of_weekdays() -> list[int]:
    return [1, 2, 3, 4, 5]


class Organization(models.Model):
    """An agency working in this deployment (or, with a webhook, beside it)."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    sector = models.CharField(max_length=32, choices=Sector.choices)
    active = models.BooleanField(default=True)
    case_prefix = models.CharField(
        max_length=8,
        validators=[RegexValidator(r"^[A-Z0-9]{2,8}$", "Two to eight capital letters or digits.")],
        help_text="Start of this organization's case references, e.g. HH in HH-2026-00042.",
    )
    # Holds the organization's supervisors; django-guardian grants it every case of the org.
    supervisors_group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="supervised_organization")
    created_at = models.DateTimeField(auto_now_add=True)
    # Working hours, for the audit trail's out-of-hours flag (audit.flags): reads outside them
    # are queued for review. Days are ISO weekdays (1 = Monday).
    time_zone = models.CharField(max_length=64, default="UTC", help_text="IANA name, e.g. America/New_York.")
    work_day_start = models.TimeField(default=datetime.time(7, 0))
    work_day_end = models.TimeField(default=datetime.time(20, 0))
    work_days = models.JSONField(default=list_of_weekdays, help_text="ISO weekdays, 1 = Monday.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict:
        # The audit trail files this organization's changes in its own chain (audit.chain).
        return {"organization": self.slug}

    def clean(self):
        super().clean()
        try:
            zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValidationError({"time_zone": "Not a known time zone."}) from exc
        if not isinstance(self.work_days, list) or not all(d in range(1, 8) for d in self.work_days):
            raise ValidationError({"work_days": "A list of ISO weekdays, 1 (Monday) to 7."})


class User(AbstractUser):
    """A person (or, with ``is_service_account``, a partner system) acting for one organization.

    Platform operators are superusers and may have no organization; they never see case content.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )
    role = models.CharField(max_length=32, choices=Role.choices, blank=True)
    # The language this person chose in the UI (blank: follow the browser). Kept on the account so
    # that it follows them to another phone or computer.
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, blank=True)
    is_service_account = models.BooleanField(
        default=False, help_text="The identity an API client of the organization acts as."
    )

    class Meta:
        indexes = [models.Index(fields=["organization", "role"])]
        constraints = [
            # The platform operator never holds an organization (and so never a case-working role);
            # an organization's user is never an operator.
            models.CheckConstraint(
                condition=models.Q(organization__isnull=True) | models.Q(is_superuser=False, is_staff=False),
                name="user_operator_has_no_organization",
            )
        ]

    def clean(self):
        super().clean()
        if self.organization_id and (self.is_superuser or self.is_staff):
            raise ValidationError("A platform operator (staff or superuser) never belongs to an organization.")

    def get_additional_data(self) -> dict:
        return {"organization": self.organization.slug} if self.organization_id else {}

    @property
    def works_cases(self) -> bool:
        return self.is_active and self.organization_id is not None and self.role in CASE_CONTENT_ROLES

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR


class Team(models.Model):
    """A group of an organization's users who share the cases assigned to the team.

    Membership is the membership of ``group``, which django-guardian grants the team's cases.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=120)
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="team")

    class Meta:
        ordering = ["organization__name", "name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="team_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.organization.slug})"

    def get_additional_data(self) -> dict:
        return {"organization": self.organization.slug}

    @property
    def members(self):
        return self.group.user_set.all()


class ApiClient(models.Model):
    """A partner system's OAuth2 client: an application acting as a service account of one
    organization, limited to the scopes granted here."""

    application = models.OneToOneField(
        "oauth2_provider.Application", on_delete=models.CASCADE, related_name="casebridge_client"
    )
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="api_clients")
    scopes = models.JSONField(default=list)
    # A revoked client gets no token, and the tokens it holds stop working at once.
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.application.name} ({self.organization.slug})"


class Notification(models.Model):
    """A message to one user, shown in the app (e.g. "your second factor was reset")."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    message = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"notification {self.pk} for user {self.user_id}"
