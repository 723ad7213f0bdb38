"""Who am I, who are the partners, which agreements do we have."""

from django.db.models import Q
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import GenericViewSet

from accounts.models import Organization
from config.api.permissions import ANY_AUTHENTICATED, scopes_of
from config.api.serializers import SlugReference
from config.api.viewsets import generating_schema
from sharing.models import SharingAgreement


class OrganizationSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    sector = serializers.CharField()


class AgreementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    provider = SlugReference("slug")
    recipient = SlugReference("slug")
    categories = serializers.ListField(child=serializers.CharField())
    purposes = serializers.ListField(child=serializers.CharField())
    valid_from = serializers.DateTimeField()
    valid_until = serializers.DateTimeField(allow_null=True)
    status = serializers.CharField()


MeSerializer = inline_serializer(
    "Me",
    {
        "username": serializers.CharField(),
        "organization": OrganizationSerializer(allow_null=True),
        "role": serializers.CharField(),
        "is_service_account": serializers.BooleanField(),
        "scopes": serializers.ListField(child=serializers.CharField()),
    },
)


class MeView(APIView):
    # Any token may ask who it is and which scopes it holds.
    scope_resource = ANY_AUTHENTICATED

    @extend_schema(responses={200: MeSerializer})
    def get(self, request):
        """The caller: user, organization, role, and the scopes it holds."""
        user = request.user
        return Response(
            {
                "username": user.username,
                "organization": OrganizationSerializer(user.organization).data if user.organization_id else None,
                "role": user.role,
                "is_service_account": user.is_service_account,
                "scopes": sorted(scopes_of(request)),
            }
        )


class OrganizationViewSet(mixins.ListModelMixin, GenericViewSet):
    """The directory of partner organizations: slug, name and sector, nothing else."""

    # Public within the deployment: any API client may look up the partners it can share with.
    scope_resource = ANY_AUTHENTICATED
    serializer_class = OrganizationSerializer
    queryset = Organization.objects.filter(active=True).order_by("slug")
    filterset_fields = ["sector"]


class AgreementViewSet(mixins.ListModelMixin, GenericViewSet):
    """Your organization's agreements, as provider or as recipient."""

    scope_resource = "shares"

    serializer_class = AgreementSerializer

    def get_queryset(self):
        if generating_schema(self):
            return SharingAgreement.objects.none()
        org = self.request.user.organization_id
        return (
            SharingAgreement.objects.filter(Q(provider=org) | Q(recipient=org))
            .select_related("provider", "recipient")
            .order_by("id")
        )
