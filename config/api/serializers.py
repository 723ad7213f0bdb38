from rest_framework import serializers


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
