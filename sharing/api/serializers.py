from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from config.api.schema import SHARED_CASE_REF
from config.api.serializers import SlugReference, StrictSerializer
from sharing.choices import LegalBasis, Purpose


@extend_schema_serializer(component_name="Share")  # a request body: the schema calls it "ShareRequest"
class ShareRequestSerializer(StrictSerializer):
    recipient = serializers.SlugField(help_text="The recipient organization's slug.")
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    legal_basis = serializers.ChoiceField(choices=LegalBasis.choices)
    consent = serializers.UUIDField(required=False, allow_null=True, default=None)
    justification = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class DeliveryAttemptSerializer(serializers.Serializer):
    attempted_at = serializers.DateTimeField()
    status_code = serializers.IntegerField(allow_null=True)
    error = serializers.CharField()
    duration_ms = serializers.IntegerField()
    succeeded = serializers.BooleanField()


class DeliverySerializer(serializers.Serializer):
    event_id = serializers.CharField()
    kind = serializers.CharField()
    channel = serializers.CharField()
    status = serializers.CharField()
    version = serializers.IntegerField(allow_null=True)
    attempts = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField()
    delivered_at = serializers.DateTimeField(allow_null=True)
    last_error = serializers.CharField()
    attempt_log = DeliveryAttemptSerializer(many=True)


class ShareSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    case = serializers.UUIDField(source="case_id")
    case_reference = serializers.CharField(source="case.reference")
    recipient = SlugReference("slug")
    purpose = serializers.CharField()
    legal_basis = serializers.CharField()
    consent = serializers.UUIDField(source="consent_id", allow_null=True)
    justification = serializers.CharField()
    status = serializers.CharField()
    flagged_for_review = serializers.BooleanField()
    requested_by = SlugReference("username")
    approved_by = SlugReference("username", allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField()
    ended_at = serializers.DateTimeField(allow_null=True)
    ended_reason = serializers.CharField()
    last_error = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    deliveries = DeliverySerializer(many=True)


class RevokeSerializer(StrictSerializer):
    reason = serializers.CharField(required=False, default="revoked by the provider", max_length=200)


@extend_schema_field(SHARED_CASE_REF)
class SharedCasePayloadField(serializers.JSONField):
    """The exchange payload (``casebridge.shared-case/v1``), as stored: the schema points at its JSON Schema."""


class SharedRecordSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    share = serializers.UUIDField(source="share_id")
    source_organization = SlugReference("slug")
    version = serializers.IntegerField()
    status = serializers.CharField()
    received_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    assigned_to = SlugReference("username", allow_null=True)
    decline_reason = serializers.CharField()
    linked_case = serializers.UUIDField(source="linked_case_id", allow_null=True)
    link_revoked_at = serializers.DateTimeField(
        allow_null=True, help_text="When the share behind the linked case was revoked or expired; the case stays yours."
    )
    erased_at = serializers.DateTimeField(allow_null=True)
    tombstone_reason = serializers.CharField()
    payload = SharedCasePayloadField(allow_null=True, help_text="casebridge.shared-case/v1; null once erased.")


class AcceptSerializer(StrictSerializer):
    open_case = serializers.BooleanField(default=False, help_text="Open a linked case in your organization.")


class DeclineSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=2000)


class AssignSerializer(StrictSerializer):
    assigned_to = serializers.CharField(allow_null=True, help_text="Username, or null to unassign.")


class DisclosedFieldSerializer(serializers.Serializer):
    field = serializers.CharField()
    reason = serializers.CharField(allow_null=True, help_text="Why it was not sent as is (null when included).")

    def get_fields(self):
        fields = super().get_fields()
        # ``as`` is a Python keyword: declared here rather than as a class attribute.
        fields["as"] = serializers.CharField(help_text="included, pseudonymised or generalised (an age band).")
        return fields


class WithheldFieldSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="The field, or `*` for a person left out entirely.")
    category = serializers.CharField()
    reason = serializers.CharField(help_text="policy, agreement or consent.")


class DisclosedPersonSerializer(serializers.Serializer):
    person = serializers.UUIDField(allow_null=True, help_text="The person of the case (our id).")
    token = serializers.CharField(help_text="The token the recipient knows the person by.")
    role = serializers.CharField()
    sent = DisclosedFieldSerializer(many=True)
    withheld = WithheldFieldSerializer(many=True)


class ManifestEntrySerializer(serializers.Serializer):
    path = serializers.CharField()
    category = serializers.CharField()
    action = serializers.CharField()
    reason = serializers.CharField()


class DisclosureSerializer(serializers.Serializer):
    """One version of a share delivered to its recipient: a line of the accounting of disclosures."""

    id = serializers.IntegerField()
    share = serializers.UUIDField(source="share_id")
    version = serializers.IntegerField()
    recipient = SlugReference("slug")
    recipient_sector = serializers.CharField(source="recipient.sector")
    channel = serializers.CharField()
    delivered_at = serializers.DateTimeField()
    legal_basis = serializers.CharField()
    consent = serializers.UUIDField(source="consent_id", allow_null=True)
    purpose = serializers.CharField()
    categories = serializers.ListField(child=serializers.CharField())
    persons = DisclosedPersonSerializer(many=True)
    withheld = ManifestEntrySerializer(many=True, help_text="What of the case (not of a person) was withheld.")
    payload_sha256 = serializers.CharField(help_text="SHA-256 of the exact bytes delivered.")
    revoked_at = serializers.SerializerMethodField()
    revocation_reason = serializers.SerializerMethodField()

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_revoked_at(self, obj):
        share = obj.share
        if share.status in ("revoked", "expired") and share.ended_at:
            return serializers.DateTimeField().to_representation(share.ended_at)
        return None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_revocation_reason(self, obj):
        share = obj.share
        return share.ended_reason if share.status in ("revoked", "expired") else None
