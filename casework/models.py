import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from casework.choices import (
    MINOR_RELEVANT_ROLES,
    CaseStatus,
    CaseType,
    ConsentMethod,
    IndicatorKind,
    NeedKind,
    NeedStatus,
    PersonRole,
    Priority,
    Purpose,
    Sensitivity,
    TaskKind,
)
from casework.querysets import CasePartQuerySet, CaseQuerySet


class Case(models.Model):
    """A trafficking case held by one organization. Never visible to another organization."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="cases")
    reference = models.CharField(max_length=32, editable=False)
    title = models.CharField(max_length=200)
    case_type = models.CharField(max_length=32, choices=CaseType.choices)
    status = models.CharField(max_length=16, choices=CaseStatus.choices, default=CaseStatus.INTAKE)
    priority = models.CharField(max_length=16, choices=Priority.choices, default=Priority.MEDIUM)
    assigned_to = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="assigned_cases", blank=True)
    team = models.ForeignKey("accounts.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="cases")
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "reference"]
        permissions = [("share_case", "Can share case")]
        constraints = [
            models.UniqueConstraint(fields=["organization", "reference"], name="case_unique_reference_per_org"),
        ]
        indexes = [
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["organization", "priority"]),
            models.Index(fields=["organization", "case_type"]),
            models.Index(fields=["organization", "updated_at"]),
            models.Index(fields=["organization", "-opened_at"]),
        ]

    def __str__(self) -> str:
        # The reference, never the title: this string lands in logs and the audit trail.
        return self.reference

    @property
    def involves_minor(self) -> bool:
        if hasattr(self, "involves_minor_annotated"):
            return self.involves_minor_annotated
        return self.persons.filter(role__in=MINOR_RELEVANT_ROLES, minor_until__gt=timezone.localdate()).exists()

    def get_additional_data(self) -> dict:
        return {"organization": self.organization.slug, "case_reference": self.reference}


class CaseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["content_object", "user", "permission"])]


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["content_object", "group", "permission"])]


class CaseSequence(models.Model):
    """The last reference number used by an organization in a year; locked to hand out the next."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="case_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.organization_id}/{self.year}: {self.last_number}"


class CasePart(models.Model):
    """Fields every part of a case shares; its permissions are its case's."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CasePartQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def get_additional_data(self) -> dict:
        data = {"case_id": str(self.case_id)}
        try:
            case = self.case
        except Case.DoesNotExist:
            # Deleted together with its case: the case's own log entry names the organization.
            return data
        return data | {"organization": case.organization.slug, "case_reference": case.reference}


class Person(CasePart):
    """A party to a case. ``is_minor`` is derived from dates, never typed in."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="persons")
    role = models.CharField(max_length=16, choices=PersonRole.choices)
    given_name = models.CharField(max_length=120, blank=True)
    family_name = models.CharField(max_length=120, blank=True)
    aliases = models.JSONField(default=list, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    estimated_age = models.PositiveSmallIntegerField(null=True, blank=True)
    age_estimated_on = models.DateField(null=True, blank=True, editable=False)
    gender = models.CharField(max_length=40, blank=True)
    languages = models.JSONField(default=list, blank=True)
    nationality = models.CharField(max_length=80, blank=True)
    phone = models.CharField(max_length=20, blank=True, help_text="E.164")
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    # The day the person turns 18, from the date of birth or from the estimated age and the day
    # it was estimated. Stored so that "is a minor" is a plain indexed date comparison.
    minor_until = models.DateField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(CasePart.Meta):
        indexes = [models.Index(fields=["case", "role", "minor_until"])]

    def __str__(self) -> str:
        # No names: this string lands in the audit trail.
        return f"{self.get_role_display()} in {self.case}"

    @property
    def is_minor(self) -> bool:
        return self.minor_until is not None and self.minor_until > timezone.localdate()


class Note(CasePart):
    """Append-only narrative. A correction is a new note that ``amends`` the old one."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    sensitivity = models.CharField(max_length=16, choices=Sensitivity.choices, default=Sensitivity.GENERAL)
    amends = models.ForeignKey("self", on_delete=models.RESTRICT, null=True, blank=True, related_name="amendments")

    class Meta(CasePart.Meta):
        indexes = [models.Index(fields=["case", "sensitivity", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_sensitivity_display()} note in {self.case}"


class ServiceNeed(CasePart):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="needs")
    kind = models.CharField(max_length=32, choices=NeedKind.choices)
    status = models.CharField(max_length=16, choices=NeedStatus.choices, default=NeedStatus.IDENTIFIED)
    detail = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} need in {self.case}"


class TechnologyIndicator(CasePart):
    """A trace of the trafficking in technology, normalised and fingerprinted for matching."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="indicators")
    kind = models.CharField(max_length=32, choices=IndicatorKind.choices)
    value = models.CharField(max_length=2048)
    platform = models.CharField(max_length=120, blank=True, help_text="Free text: platforms change every year.")
    note = models.TextField(blank=True)
    fingerprint = models.CharField(max_length=64, db_index=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} indicator in {self.case}"


class Consent(CasePart):
    """A survivor's (or, for a minor, a guardian's) consent to share categories of their data."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    person = models.ForeignKey(Person, on_delete=models.RESTRICT, related_name="consents")
    scope_sectors = models.JSONField(default=list, blank=True)
    scope_organizations = models.ManyToManyField("accounts.Organization", blank=True, related_name="+")
    categories = models.JSONField(default=list)
    purpose = models.CharField(max_length=32, choices=Purpose.choices)
    given_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    method = models.CharField(max_length=16, choices=ConsentMethod.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta(CasePart.Meta):
        indexes = [models.Index(fields=["person", "withdrawn_at", "expires_at"])]

    def __str__(self) -> str:
        return f"Consent for {self.get_purpose_display()} in {self.case}"

    def is_valid_at(self, at) -> bool:
        return self.withdrawn_at is None and self.given_at <= at and (self.expires_at is None or self.expires_at > at)


class Task(CasePart):
    """A follow-up on a case: something someone must do by a date.

    Created by hand, or automatically (the initial assessment of a new case; the renewal of a
    consent about to expire, once per consent). ``created_by`` is empty for the scheduler's tasks.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=TaskKind.choices, default=TaskKind.MANUAL, editable=False)
    due_at = models.DateTimeField()
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The consent a renewal task is about: one renewal task per consent, however often beat runs.
    consent = models.ForeignKey(
        Consent, on_delete=models.CASCADE, null=True, blank=True, related_name="renewal_tasks", editable=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(CasePart.Meta):
        ordering = ["due_at", "created_at", "id"]
        indexes = [
            models.Index(fields=["assignee", "done_at", "due_at"]),
            models.Index(fields=["case", "done_at", "due_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["consent", "kind"], condition=models.Q(consent__isnull=False), name="task_one_per_consent"
            ),
        ]

    def __str__(self) -> str:
        # The kind, never the title: titles are free text and this string lands in the audit trail.
        return f"{self.get_kind_display()} task in {self.case}"

    @property
    def done(self) -> bool:
        return self.done_at is not None
