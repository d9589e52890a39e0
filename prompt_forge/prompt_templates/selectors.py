"""Reads of templates. Every query is scoped to one user: another user's template reads as missing."""

import difflib

from django.db.models import Max, QuerySet

from .errors import InvalidTemplateError, TemplateNotFoundError
from .models import Template, TemplateLabel, TemplateVersion

MAX_VERSION = 2**31 - 1


def template_list(*, user_id: int) -> QuerySet[Template]:
    """The user's templates by name, each with `latest_version`."""
    return (
        Template.objects.filter(user_id=user_id)
        .annotate(latest_version=Max("versions__number"))
        .prefetch_related("labels__version")
        .order_by("name", "id")
    )


def template_get(*, user_id: int, name: str) -> Template | None:
    return template_list(user_id=user_id).filter(name=name).first()


def template_get_or_404(*, user_id: int, name: str) -> Template:
    template = template_get(user_id=user_id, name=name)
    if template is None:
        raise TemplateNotFoundError()
    return template


def versions(template: Template) -> QuerySet[TemplateVersion]:
    return TemplateVersion.objects.filter(template=template).order_by("number")


def labels_of(template: Template) -> dict[str, int]:
    """{label: version number} of the template."""
    rows = TemplateLabel.objects.filter(template=template).order_by("label").values_list("label", "version__number")
    return dict(rows)


def version_get(*, template: Template, number) -> TemplateVersion:
    if isinstance(number, bool) or not isinstance(number, int) or not 0 < number <= MAX_VERSION:
        raise TemplateNotFoundError("template version not found", "version")
    version = TemplateVersion.objects.filter(template=template, number=number).select_related("template").first()
    if version is None:
        raise TemplateNotFoundError("template version not found", "version")
    return version


def resolve(*, user_id: int, name: str, version: int | None = None, label: str | None = None) -> TemplateVersion:
    """The version to run: the one numbered, the one a label points at, else the latest."""
    if version is not None and label is not None:
        raise InvalidTemplateError("give either a version or a label, not both", "label")
    template = template_get_or_404(user_id=user_id, name=name)
    if version is not None:
        return version_get(template=template, number=version)
    if label is not None:
        pointed = TemplateLabel.objects.filter(template=template, label=label).select_related("version__template")
        found = pointed.first()
        if found is None:
            raise TemplateNotFoundError("template label not found", "label")
        return found.version
    return versions(template).select_related("template").last()


def diff(*, template: Template, old: int, new: int) -> str:
    """A unified diff of two versions' content (system prompt changes included)."""
    before, after = version_get(template=template, number=old), version_get(template=template, number=new)

    def lines(version: TemplateVersion) -> list[str]:
        text = version.content if not version.system else f"[system]\n{version.system}\n[content]\n{version.content}"
        return [f"{line}\n" for line in text.splitlines()]  # every line ends, the last one too

    name = template.name
    return "".join(
        difflib.unified_diff(lines(before), lines(after), fromfile=f"{name} v{old}", tofile=f"{name} v{new}")
    )
