"""JSON parsing that refuses text no database can store, as a clear 400 instead of a 5xx later."""

import json

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

TOO_DEEP = "JSON parse error - document nested too deeply"


def _check_text(value: str) -> None:
    if "\x00" in value:
        raise ParseError("JSON strings must not contain NUL (\\u0000) characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate such as "\ud800"
        raise ParseError("JSON strings must be valid Unicode text (lone surrogate found)") from exc


def check_strings(data) -> None:
    """Walk the parsed document without recursion (nesting depth is the client's choice)."""
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            _check_text(value)
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(TOO_DEEP) from exc
        check_strings(data)
        return data


def _reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def strict_loads(raw: bytes | str):
    """The same rules for a body read outside DRF (/v1, WebSocket messages): ParseError on anything else."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        data = json.loads(text, parse_constant=_reject_constant)
    except RecursionError as exc:
        raise ParseError(TOO_DEEP) from exc
    except ValueError as exc:  # includes UnicodeDecodeError
        raise ParseError(f"JSON parse error - {exc}") from exc
    check_strings(data)
    return data
