import csv

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import StreamingHttpResponse
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.choices import Role
from audit.access import API, record_accesses
from audit.models import Flag
from audit.selectors import AuditFilters, audit_trail, flags_for, iter_trail
from audit.services import flag_review
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
    correlation_id = serializers.CharField(allow_null=True)
    changes = serializers.DictField()
    data = serializers.DictField()


CSV_COLUMNS = list(AuditEventSerializer().fields)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """A cell a spreadsheet would run as a formula is prefixed with ``'``."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value):
        return value


def csv_rows(entries):
    """The CSV lines of ``entries`` (an iterator): one at a time, constant memory. The browser
    workspace streams the same generator."""
    import json

    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for entry in entries:
        cells = [
            json.dumps(entry[c], sort_keys=True, default=str) if c in ("changes", "data") else entry[c]
            for c in CSV_COLUMNS
        ]
        yield writer.writerow([neutralise(cell) for cell in cells])


def export_response(*, auditor, filters: AuditFilters, channel: str) -> StreamingHttpResponse:
    """The filtered trail as a streamed CSV; the export is itself an access entry."""
    record_accesses(
        [auditor.organization],
        actor=auditor,
        channel=channel,
        organization_slug=auditor.organization.slug,
        export="audit_trail.csv",
        filters={k: str(v) for k, v in filters.__dict__.items() if v not in (None, "")},
    )
    response = StreamingHttpResponse(
        csv_rows(iter_trail(auditor=auditor, filters=filters)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
    return response


class CSVRenderer(BaseRenderer):
    """``?format=csv`` (or ``Accept: text/csv``) on the trail: the view streams the body itself."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data)  # only errors get here: the view streams the CSV


def _flagged(params):
    value = params.get("flagged")
    if value in (None, ""):
        return None
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    raise ValidationError({"flagged": ["true or false."]})


def _require_auditor(request):
    if request.user.role != Role.AUDITOR:
        raise PermissionDenied("The audit trail is for auditors.")


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
    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter(name, type_, description=description)
            for name, type_, description in (
                ("actor", str, "username"),
                ("action", str, "create, update, delete, access or a domain event type"),
                ("object_type", str, "app_label.model, e.g. casework.case"),
                ("object_id", str, "the object's id"),
                ("reference", str, "a case reference: entries about the case and its parts"),
                ("flagged", bool, "only entries a flag points to (true) or none points to (false)"),
                ("channel", str, "ui or api"),
                ("since", OpenApiTypes.DATETIME, "ISO 8601, inclusive"),
                ("until", OpenApiTypes.DATETIME, "ISO 8601, exclusive"),
                ("before", OpenApiTypes.DATETIME, "cursor: the next_before of the previous page"),
                ("before_id", str, "cursor: the next_before_id of the previous page"),
                ("limit", int, f"page size, at most {MAX_LIMIT}"),
                ("format", str, "csv: the whole filtered trail as a streamed CSV (an access entry itself)"),
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
        _require_auditor(request)
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
            reference=params.get("reference") or None,
            flagged=_flagged(params),
            channel=params.get("channel") or None,
            since=_time(params, "since"),
            until=_time(params, "until"),
            before=_time(params, "before"),
            before_id=params.get("before_id", ""),
        )
        if request.accepted_renderer.format == "csv":
            return export_response(auditor=request.user, filters=filters, channel=API)
        results = audit_trail(auditor=request.user, filters=filters, limit=limit)
        last = results[-1] if len(results) == limit else None
        return Response(
            {
                "results": results,
                "next_before": last["occurred_at"] if last else None,
                "next_before_id": last["id"] if last else None,
            }
        )


class FlagSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    subject = serializers.CharField(allow_null=True, source="subject.username", default=None)
    object_type = serializers.CharField()
    object_id = serializers.CharField()
    window_start = serializers.DateTimeField()
    window_end = serializers.DateTimeField()
    details = serializers.DictField()
    created_at = serializers.DateTimeField()
    reviewed = serializers.SerializerMethodField()
    reviewed_by = serializers.SerializerMethodField()
    reviewed_at = serializers.SerializerMethodField()
    review_comment = serializers.SerializerMethodField()

    def _review(self, flag):
        return getattr(flag, "review", None) if hasattr(flag, "review") else None

    def get_reviewed(self, flag) -> bool:
        return self._review(flag) is not None

    def get_reviewed_by(self, flag) -> str | None:
        review = self._review(flag)
        return review.reviewed_by.username if review else None

    def get_reviewed_at(self, flag) -> str | None:
        review = self._review(flag)
        return review.reviewed_at.isoformat() if review else None

    def get_review_comment(self, flag) -> str | None:
        review = self._review(flag)
        return review.comment if review else None


class ReviewSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=4000)


class AuditFlagsView(APIView):
    """Unusual access flagged for review in your organization (auditors only), newest first."""

    scope_resource = "audit"

    @extend_schema(
        parameters=[
            OpenApiParameter("reviewed", bool, description="true: reviewed only; false: open only"),
            OpenApiParameter(
                "kind", str, description="unassigned_read, burst, out_of_hours, emergency_share, repeated_denials"
            ),
            OpenApiParameter("limit", int, description=f"at most {MAX_LIMIT}"),
        ],
        responses={200: inline_serializer("AuditFlagPage", {"results": FlagSerializer(many=True)})},
    )
    def get(self, request):
        _require_auditor(request)
        reviewed = request.query_params.get("reviewed")
        reviewed = None if reviewed in (None, "") else reviewed.lower() in ("true", "1", "yes")
        try:
            limit = min(max(int(request.query_params.get("limit", 50)), 1), MAX_LIMIT)
        except ValueError as exc:
            raise ValidationError({"limit": ["A number."]}) from exc
        rows = flags_for(request.user, reviewed=reviewed, kind=request.query_params.get("kind") or None)[:limit]
        return Response({"results": FlagSerializer(rows, many=True).data})


class AuditFlagReviewView(APIView):
    """Mark a flag reviewed, with a comment (scope ``audit:write``); the review is itself audited."""

    scope_resource = "audit"

    @extend_schema(
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="The flag's id.")],
        request=ReviewSerializer,
        responses={200: FlagSerializer},
    )
    def post(self, request, id):
        _require_auditor(request)
        flag = flags_for(request.user).filter(pk=int(id)).first() if str(id).isdigit() else None
        if flag is None:
            raise NotFound()
        body = ReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            flag_review(auditor=request.user, flag=flag, comment=body.validated_data["comment"], channel=API)
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(FlagSerializer(flags_for(request.user).get(pk=id)).data)


__all__ = ["AuditEventsView", "AuditFlagReviewView", "AuditFlagsView", "Flag", "csv_rows", "export_response"]
