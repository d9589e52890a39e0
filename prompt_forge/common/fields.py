"""Serializer fields that take JSON strings only: DRF's CharField would quietly turn 123 into "123"."""

from rest_framework import serializers


class StringOnlyMixin:
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictCharField(StringOnlyMixin, serializers.CharField):
    pass


class StrictEmailField(StringOnlyMixin, serializers.EmailField):
    pass
