"""Case endpoints. Declarations: the queryset comes from ``restrict``, writes go to services."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError
from rest_framework.response import Response

from accounts.models import User
from audit.access import API, record_accesses
from casework import services
from casework.api.serializers import (
    CaseSerializer,
    ConsentSerializer,
    IndicatorSerializer,
    NeedSerializer,
    NoteSerializer,
    PersonSerializer,
    TaskSerializer,
    TaskUpdateSerializer,
)
from casework.api.viewsets import LoggedReadsViewSet, RestrictedViewSet
from casework.filters import CaseFilterSet
from casework.models import Case, Consent, Note, Person, ServiceNeed, Task, TechnologyIndicator
from casework.permissions import Action
from casework.selectors import case_get_for_user
from config.api.schema import IF_MATCH, etag_header, location_header, uuid_path_parameter
from config.api.viewsets import generating_schema
from config.errors import PreconditionRequired

CASE_ID = uuid_path_parameter("id", "A UUID string identifying this case.")


def etag(case: Case) -> str:
    return f'"{case.version}"'


def expected_version(request) -> int | None:
    """The version named by ``If-Match`` (``"3"``, ``W/"3"`` or ``3``); None for ``*`` (the
    caller explicitly updates whatever the current version is). Without the header: 428, so that
    no client overwrites a change it never saw."""
    header = request.headers.get("If-Match")
    if header is None or not header.strip():
        raise PreconditionRequired('Send If-Match with the ETag of the case you read, e.g. If-Match: "3".')
    if header.strip() == "*":
        return None
    value = header.strip().removeprefix("W/").strip('"')
    try:
        return int(value)
    except ValueError as exc:
        raise ParseError('If-Match must carry the case version from its ETag, e.g. "3".') from exc


class CaseViewSet(LoggedReadsViewSet):
    """Your organization's cases that you may see; another organization's case is a 404."""

    model = Case
    serializer_class = CaseSerializer
    filterset_class = CaseFilterSet
    scope_resource = "cases"
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    # What the serializer reads and no more: the team by its id (no Team per row), the assignees
    # by username (not every column of each user). 26.4 -> 25.0 ms for a page of 50. The
    # organization is not joined: ``restrict`` hands every case the caller's own.
    select_related = ("created_by",)
    prefetch_related = (Prefetch("assigned_to", queryset=User.objects.only("id", "username")),)

    def base_queryset(self):
        return super().base_queryset().with_involves_minor()

    def list(self, request, *args, **kwargs):
        """The cases of your organization that you may see; filter them, or search by reference."""
        return super().list(request, *args, **kwargs)

    @extend_schema(parameters=[CASE_ID, etag_header(200)])
    def retrieve(self, request, *args, **kwargs):
        """One case; its ``ETag`` carries the version to send back in ``If-Match`` when you change it."""
        return super().retrieve(request, *args, **kwargs)

    def retrieve_headers(self, found) -> dict:
        return {"ETag": etag(found)}

    @extend_schema(
        parameters=[etag_header(201), location_header("The new case's URL.")],
        responses={201: CaseSerializer},
    )
    def create(self, request, *args, **kwargs):
        """Open a case in your organization."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = services.case_create(actor=request.user, **serializer.validated_data)
        case = case_get_for_user(user=request.user, case_id=created.pk)
        return Response(
            self.get_serializer(case).data,
            status=status.HTTP_201_CREATED,
            headers={"ETag": etag(case), "Location": f"/api/v1/cases/{case.pk}/"},
        )

    @extend_schema(parameters=[CASE_ID, IF_MATCH, etag_header(200)], responses={200: CaseSerializer})
    def partial_update(self, request, *args, **kwargs):
        """Change some fields of a case. Send the ``ETag`` you read as ``If-Match``: a stale one is refused
        (412), a request without it too (428)."""
        case = self.get_object()
        version = expected_version(request)
        serializer = self.get_serializer(case, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        case = services.case_update(
            actor=request.user, case=case, expected_version=version, **serializer.validated_data
        )
        case = case_get_for_user(user=request.user, case_id=case.pk)
        return Response(self.get_serializer(case).data, headers={"ETag": etag(case)})


class CasePartViewSet(RestrictedViewSet):
    """``/cases/{case_id}/<parts>/``: list and add. The case decides who may do either; every read is logged."""

    scope_resource = "cases"

    def get_case(self) -> Case:
        if not hasattr(self, "_case"):
            self._case = case_get_for_user(
                user=self.request.user, case_id=self.kwargs["case_id"], action=self.required_action()
            )
        return self._case

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if "case_id" in self.kwargs and getattr(self, "request", None) is not None:
            context["case"] = self.get_case()
        return context

    def get_queryset(self):
        if generating_schema(self):
            return self.model.objects.none()
        # Every row's case is the one in the URL: attach it rather than fetch it once per row.
        return super().get_queryset().filter(case=self.get_case()).select_related("case__organization")

    def list(self, request, case_id):
        page = self.paginate_queryset(self.get_queryset())
        # Every part read is case content: one access entry per row on the page, one INSERT.
        record_accesses(page, actor=request.user, channel=API, organization_slug=self.get_case().organization.slug)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request, case_id):
        case = self.get_case()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        part = self.add(case, dict(serializer.validated_data))
        return Response(self.get_serializer(part).data, status=status.HTTP_201_CREATED)

    def add(self, case, data):
        raise NotImplementedError


class PersonViewSet(CasePartViewSet):
    """A case's persons (survivors, guardians, family, suspects, witnesses)."""

    model = Person
    serializer_class = PersonSerializer

    def add(self, case, data):
        return services.person_add(actor=self.request.user, case=case, **data)


class NoteViewSet(CasePartViewSet):
    """A case's notes. They are append-only: correct one with a new note that ``amends`` it."""

    model = Note
    serializer_class = NoteSerializer
    select_related = ("author",)

    def add(self, case, data):
        if data.get("amends") is not None and "sensitivity" not in self.request.data:
            # An amendment without a sensitivity keeps its note's, not the serializer's default.
            data["sensitivity"] = None
        return services.note_add(actor=self.request.user, case=case, **data)


class NeedViewSet(CasePartViewSet):
    """A case's service needs."""

    model = ServiceNeed
    serializer_class = NeedSerializer

    def add(self, case, data):
        return services.need_add(actor=self.request.user, case=case, **data)


class IndicatorViewSet(CasePartViewSet):
    """A case's technology indicators; values are stored normalised (phone numbers in E.164, handles in
    lower case without ``@``, URLs in canonical form)."""

    model = TechnologyIndicator
    serializer_class = IndicatorSerializer

    def add(self, case, data):
        return services.indicator_add(actor=self.request.user, case=case, **data)


class ConsentViewSet(CasePartViewSet):
    """The consents given for a case by a survivor (or a guardian for a minor)."""

    model = Consent
    serializer_class = ConsentSerializer
    select_related = ("recorded_by",)
    prefetch_related = ("scope_organizations",)

    def add(self, case, data):
        return services.consent_record(actor=self.request.user, case=case, **data)


class ConsentWithdrawViewSet(RestrictedViewSet):
    model = Consent
    serializer_class = ConsentSerializer
    scope_resource = "cases"
    select_related = ("case", "case__organization")
    required_actions = {"withdraw": Action.CHANGE}

    @extend_schema(request=None, responses={200: ConsentSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw a consent: every live share that relied on it is revoked."""
        consent = self.get_object()
        consent = services.consent_withdraw(actor=request.user, consent=consent)
        return Response(ConsentSerializer(consent, context={"case": consent.case}).data)


class TaskViewSet(CasePartViewSet):
    """A case's follow-up tasks, soonest due first; some are created automatically (the initial
    assessment of a new case, the renewal of a consent 14 days before it expires)."""

    model = Task
    serializer_class = TaskSerializer
    select_related = ("assignee", "created_by")

    def add(self, case, data):
        return services.task_create(actor=self.request.user, case=case, **data)


TASK_ID = uuid_path_parameter("id", "A UUID string identifying this task.")


class TaskUpdateViewSet(RestrictedViewSet):
    model = Task
    serializer_class = TaskUpdateSerializer
    scope_resource = "cases"
    select_related = ("case", "case__organization", "assignee", "created_by")
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    @extend_schema(parameters=[TASK_ID], responses={200: TaskSerializer})
    def partial_update(self, request, *args, **kwargs):
        """Complete a task (``{"done": true}``), reopen it, or change its title, due time or assignee."""
        task = self.get_object()
        serializer = self.get_serializer(task, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        task = services.task_update(actor=request.user, task=task, **serializer.validated_data)
        task = self.get_object()
        return Response(TaskSerializer(task, context=self.get_serializer_context()).data)
