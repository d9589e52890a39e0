"""A user's named prompt templates: immutable numbered versions, and labels pointing at one of them."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Template(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="prompt_templates")
    name = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="template_user_name")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.name}"


class TemplateVersion(models.Model):
    """One version of a template; never changed once written (a change is the next version)."""

    template = models.ForeignKey(Template, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.TextField()
    system = models.TextField(blank=True, default="")
    params = models.JSONField(default=dict, blank=True)  # default sampling parameters of a run
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["template", "number"]
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="template_version_number")]

    def __str__(self) -> str:
        return f"{self.template_id} v{self.number}"


class TemplateLabel(models.Model):
    """A movable name for one version (e.g. `production`); moving it back is the rollback."""

    template = models.ForeignKey(Template, on_delete=models.CASCADE, related_name="labels")
    label = models.CharField(max_length=50)
    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="labels")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["label"]
        constraints = [models.UniqueConstraint(fields=["template", "label"], name="template_label_unique")]

    def __str__(self) -> str:
        return f"{self.template_id} {self.label} -> {self.version_id}"
