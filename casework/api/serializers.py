"""Shapes of cases and their parts on the wire. No business rules: the services decide."""

from rest_framework import serializers

from accounts.models import Organization, Team, User
from casework.choices import (
    CaseStatus,
    CaseType,
    ConsentMethod,
    DataCategory,
    IndicatorKind,
    NeedKind,
    NeedStatus,
    PersonRole,
    Priority,
    Purpose,
    Sensitivity,
)
from casework.models import Consent, Note, Person, ServiceNeed, Task, TechnologyIndicator
from config.api.serializers import SlugReference, StrictSerializer
from config.api.viewsets import generating_schema

ACCESS_SECTORS = ["ngo", "law_enforcement", "health", "child_welfare", "other"]


class CaseSerializer(StrictSerializer):
    id = serializers.UUIDField(read_only=True)
    reference = serializers.CharField(read_only=True)
    organization = SlugReference("slug")
    title = serializers.CharField(max_length=200)
    case_type = serializers.ChoiceField(choices=CaseType.choices)
    status = serializers.ChoiceField(choices=CaseStatus.choices, default=CaseStatus.INTAKE)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.MEDIUM)
    assigned_to = serializers.SlugRelatedField(
        slug_field="username", many=True, required=False, queryset=User.objects.none()
    )
    team = serializers.PrimaryKeyRelatedField(required=False, allow_null=True, queryset=Team.objects.none())
    opened_at = serializers.DateTimeField(read_only=True)
    closed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    created_by = SlugReference("username")
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    involves_minor = serializers.BooleanField(read_only=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if generating_schema(self.context.get("view")):
            return  # the schema generator has no caller (and so no organization): keep the empty querysets
        request = self.context.get("request")
        organization_id = getattr(getattr(request, "user", None), "organization_id", None)
        # Related choices are restricted like everything else: only people and teams of your org.
        self.fields["assigned_to"].child_relation.queryset = User.objects.filter(organization_id=organization_id)
        self.fields["team"].queryset = Team.objects.filter(organization_id=organization_id)


class PersonSerializer(StrictSerializer):
    id = serializers.UUIDField(read_only=True)
    role = serializers.ChoiceField(choices=PersonRole.choices)
    given_name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    family_name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    aliases = serializers.ListField(child=serializers.CharField(max_length=120), required=False, default=list)
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    estimated_age = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0, max_value=120)
    gender = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    languages = serializers.ListField(child=serializers.CharField(max_length=40), required=False, default=list)
    nationality = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    email = serializers.CharField(max_length=254, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    is_minor = serializers.BooleanField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class NoteSerializer(StrictSerializer):
    id = serializers.UUIDField(read_only=True)
    author = SlugReference("username")
    body = serializers.CharField(max_length=20000)
    sensitivity = serializers.ChoiceField(choices=Sensitivity.choices, default=Sensitivity.GENERAL)
    amends = serializers.PrimaryKeyRelatedField(required=False, allow_null=True, queryset=Note.objects.none())
    created_at = serializers.DateTimeField(read_only=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        case = self.context.get("case")
        self.fields["amends"].queryset = Note.objects.filter(case=case) if case else Note.objects.none()


class NeedSerializer(StrictSerializer):
    id = serializers.UUIDField(read_only=True)
    kind = serializers.ChoiceField(choices=NeedKind.choices)
    status = serializers.ChoiceField(choices=NeedStatus.choices, default=NeedStatus.IDENTIFIED)
    detail = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    created_at = serializers.DateTimeField(read_only=True)


class IndicatorSerializer(StrictSerializer):
    id = serializers.UUIDField(read_only=True)
    kind = serializers.ChoiceField(choices=IndicatorKind.choices)
    value = serializers.CharField(max_length=2048)
    platform = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    created_at = serializers.DateTimeField(read_only=True)


class ConsentSerializer(StrictSerializer):
    id = serializers.UUIDField(read_only=True)
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.none())
    scope_sectors = serializers.ListField(
        child=serializers.ChoiceField(choices=ACCESS_SECTORS), required=False, default=list
    )
    scope_organizations = serializers.SlugRelatedField(
        slug_field="slug", many=True, required=False, queryset=Organization.objects.filter(active=True)
    )
    categories = serializers.ListField(child=serializers.ChoiceField(choices=DataCategory.choices))
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    method = serializers.ChoiceField(choices=ConsentMethod.choices)
    given_at = serializers.DateTimeField(required=False)
    expires_at = serializers.DateTimeField(required=False, allow_null=True)
    withdrawn_at = serializers.DateTimeField(read_only=True, allow_null=True)
    recorded_by = SlugReference("username")
    created_at = serializers.DateTimeField(read_only=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        case = self.context.get("case")
        self.fields["person"].queryset = Person.objects.filter(case=case) if case else Person.objects.none()


class TaskSerializer(StrictSerializer):
    id = serializers.UUIDField(read_only=True)
    case = serializers.UUIDField(source="case_id", read_only=True)
    title = serializers.CharField(max_length=200)
    kind = serializers.CharField(read_only=True, help_text="manual, initial_assessment or consent_renewal.")
    due_at = serializers.DateTimeField()
    assignee = serializers.SlugRelatedField(
        slug_field="username",
        required=False,
        allow_null=True,
        queryset=User.objects.none(),
        help_text="Someone who works the case; the caller when left out.",
    )
    done = serializers.BooleanField(read_only=True)
    done_at = serializers.DateTimeField(read_only=True, allow_null=True)
    created_by = SlugReference("username")
    created_at = serializers.DateTimeField(read_only=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if generating_schema(self.context.get("view")):
            return
        request = self.context.get("request")
        organization_id = getattr(getattr(request, "user", None), "organization_id", None)
        # Only people of your organization are even named; the service decides who works the case.
        self.fields["assignee"].queryset = User.objects.filter(organization_id=organization_id)


class TaskUpdateSerializer(TaskSerializer):
    """A PATCH: any of title, due_at, assignee and done."""

    title = serializers.CharField(max_length=200, required=False)
    due_at = serializers.DateTimeField(required=False)
    done = serializers.BooleanField(required=False, help_text="True completes the task, false reopens it.")


PART_SERIALIZERS = {
    Person: PersonSerializer,
    Note: NoteSerializer,
    ServiceNeed: NeedSerializer,
    TechnologyIndicator: IndicatorSerializer,
    Consent: ConsentSerializer,
    Task: TaskSerializer,
}
