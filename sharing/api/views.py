"""Share and inbox endpoints: thin declarations over the sharing services."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from accounts.models import User
from audit.access import API, record_accesses
from casework.access import get_for_user, restrict
from casework.api.viewsets import LoggedReadsViewSet, RestrictedViewSet
from casework.models import Consent
from casework.permissions import Action
from casework.selectors import case_get_for_user
from config.api.schema import SHARED_CASE_REF, location_header
from sharing import services
from sharing.api.serializers import (
    AcceptSerializer,
    AssignSerializer,
    DeclineSerializer,
    DisclosureSerializer,
    RevokeSerializer,
    SharedRecordSerializer,
    ShareRequestSerializer,
    ShareSerializer,
)
from sharing.models import Delivery, Disclosure, Share, SharedRecord
from sharing.services.shares import resolve_recipient, share_preview


def refuse_body(request) -> None:
    """Actions without a body say so when sent one, like every other endpoint refuses unknown fields."""
    if request.data:
        raise ValidationError({name: ["This field cannot be set."] for name in request.data})


def _share_arguments(request, case) -> dict:
    serializer = ShareRequestSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    consent = None
    if data["consent"] is not None:
        consents = restrict(Consent, user=request.user, action=Action.VIEW).filter(case=case)
        consent = consents.filter(pk=data["consent"]).first()
        if consent is None:
            raise ValidationError({"consent": ["No such consent in this case."]})
    return {
        "case": case,
        "recipient": resolve_recipient(data["recipient"]),
        "purpose": data["purpose"],
        "legal_basis": data["legal_basis"],
        "consent": consent,
        "justification": data["justification"],
    }


class CaseShareViewSet(GenericViewSet):
    """``POST /cases/{id}/share-preview/`` and ``POST /cases/{id}/shares/``."""

    scope_resource = "shares"
    serializer_class = ShareRequestSerializer

    def _case(self, case_id):
        return case_get_for_user(user=self.request.user, case_id=case_id, action=Action.SHARE)

    @extend_schema(
        request=ShareRequestSerializer,
        responses={200: OpenApiResponse(SHARED_CASE_REF, description="The payload, as built now (`share_id` null).")},
    )
    def preview(self, request, case_id):
        """The exact payload the recipient would get now, built by the code that delivers it. Nothing is sent."""
        case = self._case(case_id)
        payload = share_preview(actor=request.user, **_share_arguments(request, case))
        record_accesses([case], actor=request.user, channel=API)  # a redacted read is still a read
        return Response(payload)

    @extend_schema(
        request=ShareRequestSerializer,
        parameters=[location_header("The new share's URL.")],
        responses={201: ShareSerializer},
    )
    def create(self, request, case_id):
        """Request a share of the case with another organization; it is delivered in the background."""
        share = services.share_request(actor=request.user, **_share_arguments(request, self._case(case_id)))
        share = ShareViewSet.queryset_for(request.user).get(pk=share.pk)
        return Response(
            ShareSerializer(share).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": f"/api/v1/shares/{share.pk}/"},
        )


class ShareViewSet(LoggedReadsViewSet):
    """Outgoing shares of the cases you may see, with their deliveries and every attempt."""

    model = Share
    serializer_class = ShareSerializer
    scope_resource = "shares"
    filterset_fields = ["status", "legal_basis", "flagged_for_review"]

    required_actions = {"approve": Action.SHARE, "revoke": Action.SHARE}

    def base_queryset(self):
        deliveries = Delivery.objects.prefetch_related("attempt_log").order_by("created_at", "id")
        return Share.objects.select_related(
            "case", "provider", "recipient", "requested_by", "approved_by"
        ).prefetch_related(Prefetch("deliveries", queryset=deliveries))

    def list(self, request, *args, **kwargs):
        """Your organization's outgoing shares you may see (a disclosure list: every row read is logged)."""
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        """One outgoing share with its deliveries and attempts."""
        return super().retrieve(request, *args, **kwargs)

    @classmethod
    def queryset_for(cls, user):
        """The shares ``user`` may see, joined as the serializer needs them."""
        return restrict(cls().base_queryset(), user=user, action=Action.VIEW)

    @extend_schema(request=None, responses={200: ShareSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """A supervisor releases an emergency share awaiting approval."""
        refuse_body(request)
        share = services.share_approve(actor=request.user, share=self.get_object())
        return Response(ShareSerializer(self.queryset_for(request.user).get(pk=share.pk)).data)

    @extend_schema(request=RevokeSerializer, responses={200: ShareSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Revoke a live share: the recipient's copy is erased and external recipients are told."""
        serializer = RevokeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        share = services.share_revoke(actor=request.user, share=self.get_object(), **serializer.validated_data)
        return Response(ShareSerializer(self.queryset_for(request.user).get(pk=share.pk)).data)


class InboxViewSet(LoggedReadsViewSet):
    """Records shared with your organization: its supervisors see all, others what is assigned to them."""

    model = SharedRecord
    serializer_class = SharedRecordSerializer
    scope_resource = "inbox"
    select_related = ("source_organization", "recipient", "assigned_to")
    filterset_fields = ["status"]
    required_actions = {
        "acknowledge": Action.ANSWER,
        "accept": Action.ANSWER,
        "decline": Action.ANSWER,
        "assign": Action.ANSWER,
    }

    def _answer(self, service, **kwargs):
        record = service(actor=self.request.user, record=self.get_object(), **kwargs)
        record = get_for_user(self.base_queryset(), user=self.request.user, pk=record.pk, action=Action.VIEW)
        return Response(self.get_serializer(record).data)

    @extend_schema(request=None, responses={200: SharedRecordSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """You have seen the record. Acknowledging twice is harmless."""
        refuse_body(request)
        return self._answer(services.record_acknowledge)

    @extend_schema(request=AcceptSerializer, responses={200: SharedRecordSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """You take the case on; optionally open a case of your own linked to the record."""
        serializer = AcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._answer(services.record_accept, **serializer.validated_data)

    @extend_schema(request=DeclineSerializer, responses={200: SharedRecordSerializer})
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """You decline the record, saying why."""
        serializer = DeclineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._answer(services.record_decline, **serializer.validated_data)

    @extend_schema(request=AssignSerializer, responses={200: SharedRecordSerializer})
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """A supervisor hands the record to one of your organization's caseworkers (or unassigns it)."""
        serializer = AssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username = serializer.validated_data["assigned_to"]
        assignee = None
        if username:
            assignee = User.objects.filter(username=username, organization=request.user.organization_id).first()
            if assignee is None:
                raise ValidationError({"assigned_to": ["No such user in your organization."]})
        return self._answer(services.record_assign, assignee=assignee)


class CaseDisclosureViewSet(RestrictedViewSet):
    """``GET /cases/{id}/disclosures/``: the accounting of disclosures of a case."""

    model = Disclosure
    serializer_class = DisclosureSerializer
    scope_resource = "shares"
    select_related = ("share", "recipient")

    def get_queryset(self):
        from config.api.viewsets import generating_schema

        if generating_schema(self):
            return Disclosure.objects.none()
        return super().get_queryset().filter(case=self.kwargs["case_id"]).order_by("delivered_at", "id")

    def list(self, request, case_id):
        """Every version of a share of the case that reached its recipient, oldest first: recipient,
        time, legal basis, consent, purpose, categories, per person what was sent and what was
        withheld (and why), the SHA-256 of the exact bytes delivered, and the revocation if any.
        A share that never delivered disclosed nothing and is not listed. Reading it is logged."""
        case_get_for_user(user=request.user, case_id=case_id)
        page = self.paginate_queryset(self.get_queryset())
        # One entry per disclosure read, each naming its case, as every other list does.
        record_accesses(page, actor=request.user, channel=API)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
