"""Writes to templates: create, add a version, move or remove a label, delete."""

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from . import selectors
from .errors import TemplateConflictError
from .models import Template, TemplateLabel, TemplateVersion


def template_create(*, user_id: int, name: str, content: str, system: str = "", params: dict | None = None) -> Template:
    """A new template with its version 1. TemplateConflictError when the user has one of that name."""
    try:
        with transaction.atomic():
            template = Template.objects.create(user_id=user_id, name=name)
            TemplateVersion.objects.create(
                template=template, number=1, content=content, system=system, params=params or {}
            )
    except IntegrityError as exc:
        raise TemplateConflictError(f"a template named {name} already exists") from exc
    return selectors.template_get(user_id=user_id, name=name)


def version_create(
    *, template: Template, content: str, system: str | None = None, params: dict | None = None
) -> TemplateVersion:
    """The template's next version; system and params default to the latest version's."""
    for _attempt in range(3):  # two simultaneous writers: one of them takes the next number again
        try:
            with transaction.atomic():
                latest = selectors.versions(template).last()
                number = (TemplateVersion.objects.filter(template=template).aggregate(n=Max("number"))["n"] or 0) + 1
                version = TemplateVersion.objects.create(
                    template=template,
                    number=number,
                    content=content,
                    system=latest.system if system is None else system,
                    params=latest.params if params is None else params,
                )
                Template.objects.filter(pk=template.pk).update(updated_at=timezone.now())
                return version
        except IntegrityError:
            continue
    raise TemplateConflictError("the template changed while this version was written; try again")


def label_set(*, template: Template, label: str, number: int) -> TemplateLabel:
    """Point `label` at version `number` (creating the label, or moving it: moving back is a rollback)."""
    version = selectors.version_get(template=template, number=number)
    with transaction.atomic():
        row, _ = TemplateLabel.objects.update_or_create(
            template=template, label=label, defaults={"version": version, "updated_at": timezone.now()}
        )
        Template.objects.filter(pk=template.pk).update(updated_at=timezone.now())
    return row


def label_delete(*, template: Template, label: str) -> bool:
    deleted, _ = TemplateLabel.objects.filter(template=template, label=label).delete()
    return bool(deleted)


def template_delete(*, user_id: int, name: str) -> bool:
    """Delete the user's template with its versions and labels (answers already given keep their record)."""
    deleted, _ = Template.objects.filter(user_id=user_id, name=name).delete()
    return bool(deleted)
