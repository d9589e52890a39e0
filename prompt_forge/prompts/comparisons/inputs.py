"""Validation of a comparison request: {"models"?: [...], "template_versions"?: [...], sampling...}."""

from dataclasses import dataclass

from django.conf import settings

from prompt_forge.ai.base import SamplingParams

from ..inputs import InvalidRequestError, parse_sampling


@dataclass(frozen=True)
class CompareRequest:
    models: tuple[str, ...]  # empty: the served model
    template_versions: tuple[int, ...]  # empty: the prompt's own text (or template version)
    params: SamplingParams


def _strings(data: dict, name: str) -> tuple[str, ...]:
    value = data.get(name)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise InvalidRequestError(f"{name} must be a list of names", name)
    return tuple(dict.fromkeys(value))


def _versions(data: dict) -> tuple[int, ...]:
    value = data.get("template_versions")
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value):
        raise InvalidRequestError("template_versions must be a list of version numbers", "template_versions")
    return tuple(dict.fromkeys(value))


def parse_compare(data) -> CompareRequest:
    if not isinstance(data, dict):
        raise InvalidRequestError("request body must be a JSON object")
    allowed = {"models", "template_versions", "max_new_tokens", "temperature", "top_p", "stop", "seed"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise InvalidRequestError(f"unknown field: {unknown[0]}", unknown[0])
    request = CompareRequest(_strings(data, "models"), _versions(data), parse_sampling(data))
    variants = max(len(request.models), 1) * max(len(request.template_versions), 1)
    if not request.models and not request.template_versions:
        raise InvalidRequestError("give models and/or template_versions to compare", "models")
    if variants > settings.COMPARE_MAX_VARIANTS:
        raise InvalidRequestError(
            f"at most {settings.COMPARE_MAX_VARIANTS} answers per comparison (models x template_versions)", "models"
        )
    return request
