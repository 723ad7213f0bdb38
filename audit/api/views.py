from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.choices import Role
from audit.selectors import AuditFilters, audit_trail
from config.api.fields import OUT_OF_RANGE, to_utc

MAX_LIMIT = 200


class AuditEventSerializer(serializers.Serializer):
    id = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    actor = serializers.CharField(allow_null=True)
    organization = serializers.CharField(allow_null=True)
    action = serializers.CharField(help_text="create, update, delete, access, or a domain event type")
    object_type = serializers.CharField()
    object_id = serializers.CharField()
    object_repr = serializers.CharField()
    channel = serializers.CharField(allow_null=True)
    remote_addr = serializers.CharField(allow_null=True)
    changes = serializers.DictField()
    data = serializers.DictField()


def _time(params, name):
    value = params.get(name)
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
        if parsed is None:
            raise ValueError(OUT_OF_RANGE)
        return to_utc(parsed)
    except (ValueError, OverflowError) as exc:
        raise ValidationError({name: [OUT_OF_RANGE]}) from exc


class AuditEventsView(APIView):
    """The audit trail about your organization's records and users (auditors only).

    Newest first; follow ``next_before`` to page back in time.
    """

    scope_resource = "audit"

    @extend_schema(
        parameters=[
            OpenApiParameter(name, type_, description=description)
            for name, type_, description in (
                ("actor", str, "username"),
                ("action", str, "create, update, delete, access or a domain event type"),
                ("object_type", str, "app_label.model, e.g. casework.case"),
                ("object_id", str, "the object's id"),
                ("channel", str, "ui or api"),
                ("since", OpenApiTypes.DATETIME, "ISO 8601, inclusive"),
                ("until", OpenApiTypes.DATETIME, "ISO 8601, exclusive"),
                ("before", OpenApiTypes.DATETIME, "cursor: the next_before of the previous page"),
                ("before_id", str, "cursor: the next_before_id of the previous page"),
                ("limit", int, f"page size, at most {MAX_LIMIT}"),
            )
        ],
        responses={
            200: inline_serializer(
                "AuditEventPage",
                {
                    "results": AuditEventSerializer(many=True),
                    "next_before": serializers.DateTimeField(allow_null=True),
                    "next_before_id": serializers.CharField(allow_null=True),
                },
            )
        },
    )
    def get(self, request):
        if request.user.role != Role.AUDITOR:
            raise PermissionDenied("The audit trail is for auditors.")
        params = request.query_params
        try:
            limit = min(max(int(params.get("limit", 50)), 1), MAX_LIMIT)
        except ValueError as exc:
            raise ValidationError({"limit": ["A number."]}) from exc
        filters = AuditFilters(
            actor=params.get("actor") or None,
            action=params.get("action") or None,
            object_type=params.get("object_type") or None,
            object_id=params.get("object_id") or None,
            channel=params.get("channel") or None,
            since=_time(params, "since"),
            until=_time(params, "until"),
            before=_time(params, "before"),
            before_id=params.get("before_id", ""),
        )
        results = audit_trail(auditor=request.user, filters=filters, limit=limit)
        last = results[-1] if len(results) == limit else None
        return Response(
            {
                "results": results,
                "next_before": last["occurred_at"] if last else None,
                "next_before_id": last["id"] if last else None,
            }
        )
