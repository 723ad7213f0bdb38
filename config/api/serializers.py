from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field(OpenApiTypes.STR)
class SlugReference(serializers.SlugRelatedField):
    """A related object shown by its slug (or username), read-only: a plain string on the wire.

    Exactly a read-only ``SlugRelatedField``; the schema generator cannot tell a string type on
    its own without a model serializer, so this one says so.
    """

    def __init__(self, slug_field: str = "slug", **kwargs):
        kwargs["read_only"] = True
        super().__init__(slug_field=slug_field, **kwargs)


class StrictSerializer(serializers.Serializer):
    """Refuses fields the client may not set instead of silently ignoring them (mass assignment):
    a partner that sends ``organization`` or ``version`` learns at once that it has no effect."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            refused = sorted(set(data) - writable)
            if refused:
                raise serializers.ValidationError({name: ["This field cannot be set."] for name in refused})
        return super().to_internal_value(data)
