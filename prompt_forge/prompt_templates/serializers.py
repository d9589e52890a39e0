"""JSON shapes of templates and their versions (also their OpenAPI description)."""

from rest_framework import serializers

from .models import Template, TemplateVersion
from .rendering import check_content


class VersionSerializer(serializers.ModelSerializer):
    template = serializers.CharField(source="template.name")
    version = serializers.IntegerField(source="number")
    params = serializers.DictField(help_text="Default sampling parameters of a run (a request's own win).")
    variables = serializers.SerializerMethodField(help_text="The variables the content reads.")
    created_at = serializers.DateTimeField()

    class Meta:
        model = TemplateVersion
        fields = ["template", "version", "content", "system", "params", "variables", "created_at"]

    def get_variables(self, version: TemplateVersion) -> list[str]:
        return list(check_content(version.content).variables)


class TemplateSerializer(serializers.ModelSerializer):
    latest_version = serializers.IntegerField()
    labels = serializers.SerializerMethodField(help_text="Each label and the version number it points at.")

    class Meta:
        model = Template
        fields = ["name", "latest_version", "labels", "created_at", "updated_at"]

    def get_labels(self, template: Template) -> dict[str, int]:
        return {row.label: row.version.number for row in template.labels.all()}


class TemplateDetailSerializer(TemplateSerializer):
    versions = serializers.SerializerMethodField()

    class Meta(TemplateSerializer.Meta):
        fields = [*TemplateSerializer.Meta.fields, "versions"]

    def get_versions(self, template: Template) -> list[dict]:
        rows = template.versions.order_by("number").select_related("template")
        return VersionSerializer(rows, many=True).data


class PageQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(required=False, min_value=1)
    offset = serializers.IntegerField(required=False, min_value=0)


class LabelSerializer(serializers.Serializer):
    template = serializers.CharField()
    label = serializers.CharField()
    version = serializers.IntegerField()


class DiffSerializer(serializers.Serializer):
    template = serializers.CharField()
    to = serializers.IntegerField()
    diff = serializers.CharField(help_text="A unified diff (empty when the versions are the same).")

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.IntegerField()  # a keyword in Python: added by name
        return fields
