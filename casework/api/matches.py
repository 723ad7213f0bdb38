"""Cross-organization indicator matching: how many others hold the same trace, never whose."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.access import API, record_accesses
from audit.choices import EventType
from audit.events import record_event
from casework.models import TechnologyIndicator
from casework.selectors import case_get_for_user, indicator_matches

MatchSerializer = inline_serializer(
    "IndicatorMatches",
    {
        "case": serializers.UUIDField(),
        "indicators": inline_serializer(
            "IndicatorMatch",
            {
                "indicator": serializers.UUIDField(),
                "kind": serializers.CharField(),
                "value": serializers.CharField(help_text="Your own indicator's value."),
                "other_organizations": serializers.IntegerField(),
                "by_sector": serializers.DictField(child=serializers.IntegerField()),
                "most_recent_match": serializers.DateField(
                    allow_null=True, help_text="The day (UTC) another organization last recorded it; never the time."
                ),
            },
            many=True,
        ),
    },
)


class IndicatorMatchView(APIView):
    scope_resource = "cases"

    @extend_schema(
        parameters=[
            OpenApiParameter("case", OpenApiTypes.UUID, required=True, description="The id of one of your cases.")
        ],
        responses={200: MatchSerializer},
    )
    def get(self, request):
        """For each indicator of one of your cases: how many other organizations hold the same one (by
        keyed fingerprint), by sector, and when it was last recorded. Never whose, nor their cases."""
        if not request.query_params.get("case"):
            raise ValidationError({"case": ["Name the case whose indicators to match."]})
        case = case_get_for_user(user=request.user, case_id=request.query_params["case"])
        indicators = list(TechnologyIndicator.objects.filter(case=case).order_by("created_at", "id"))
        found = indicator_matches(case=case, indicators=indicators)
        record_accesses(indicators, actor=request.user, channel=API)  # the case's indicators were read
        record_event(
            EventType.INDICATORS_MATCHED,
            obj=case,
            organization=case.organization,
            actor=request.user,
            channel="api",
            indicators=len(indicators),
            matched=sum(1 for i in indicators if i.fingerprint in found),
        )
        return Response(
            {
                "case": str(case.pk),
                "indicators": [
                    {
                        "indicator": str(indicator.pk),
                        "kind": indicator.kind,
                        "value": indicator.value,
                        "other_organizations": sum(found.get(indicator.fingerprint, {}).get("by_sector", {}).values()),
                        "by_sector": found.get(indicator.fingerprint, {}).get("by_sector", {}),
                        "most_recent_match": found.get(indicator.fingerprint, {}).get("latest"),
                    }
                    for indicator in indicators
                ],
            }
        )
