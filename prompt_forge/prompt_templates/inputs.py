"""Validation of template request bodies and path parts (names, labels, versions)."""

import re

from django.conf import settings

from .errors import InvalidTemplateError
from .rendering import check_content

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
LABEL = re.compile(r"^[a-z0-9][a-z0-9._-]{0,49}$")
PARAM_NAMES = frozenset({"temperature", "top_p", "max_new_tokens", "stop", "seed"})


def check_name(value) -> str:
    if not isinstance(value, str) or not NAME.match(value):
        raise InvalidTemplateError(
            "name must be 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit", "name"
        )
    return value


def check_label(value) -> str:
    if not isinstance(value, str) or not LABEL.match(value):
        raise InvalidTemplateError(
            "label must be 1 to 50 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit",
            "label",
        )
    return value


def check_version(value, name: str = "version") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidTemplateError(f"{name} must be a positive integer", name)
    return value


def _object(data) -> dict:
    if not isinstance(data, dict):
        raise InvalidTemplateError("request body must be a JSON object")
    return data


def _known(data: dict, fields: set[str]) -> None:
    unknown = sorted(set(data) - fields)
    if unknown:
        raise InvalidTemplateError(f"unknown field: {unknown[0]}", unknown[0])


def _system(data: dict) -> str | None:
    if "system" not in data or data["system"] is None:
        return None
    value = data["system"]
    if not isinstance(value, str):
        raise InvalidTemplateError("system must be a string", "system")
    if len(value) > settings.PROMPT_MAX_CHARS:
        raise InvalidTemplateError(f"system must be at most {settings.PROMPT_MAX_CHARS} characters", "system")
    return value.strip()


def _params(data: dict) -> dict | None:
    """The default sampling parameters of a run; their values are checked by the caller (the prompt
    vocabulary's parse_sampling), only their names here."""
    if "params" not in data or data["params"] is None:
        return None
    value = data["params"]
    if not isinstance(value, dict):
        raise InvalidTemplateError("params must be an object", "params")
    unknown = sorted(set(value) - PARAM_NAMES)
    if unknown:
        raise InvalidTemplateError(f"params: unknown parameter {unknown[0]} (known: {sorted(PARAM_NAMES)})", "params")
    return value


def parse_create(data) -> dict:
    """POST /templates/: {"name", "content", "system"?, "params"?}."""
    data = _object(data)
    _known(data, {"name", "content", "system", "params"})
    return {
        "name": check_name(data.get("name")),
        "content": check_content(data.get("content")).content,
        "system": _system(data) or "",
        "params": _params(data) or {},
    }


def parse_version(data) -> dict:
    """POST /templates/{name}/versions/: {"content", "system"?, "params"?} (absent: the latest version's)."""
    data = _object(data)
    _known(data, {"content", "system", "params"})
    return {"content": check_content(data.get("content")).content, "system": _system(data), "params": _params(data)}


def parse_label(data) -> int:
    """PUT /templates/{name}/labels/{label}/: {"version"}."""
    data = _object(data)
    _known(data, {"version"})
    return check_version(data.get("version"))


def parse_diff_query(params) -> tuple[int, int]:
    """?from=&to= (each a version number)."""
    numbers = []
    for name in ("from", "to"):
        given = params.getlist(name)
        if len(given) != 1 or not given[0].isdigit() or len(given[0]) > 10 or int(given[0]) < 1:
            raise InvalidTemplateError(f"query parameter {name!r} must be a version number, given once", name)
        numbers.append(int(given[0]))
    return numbers[0], numbers[1]
