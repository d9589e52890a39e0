"""Validation of a share request: {"expires_in_days"?}."""

from django.conf import settings

from prompt_forge.prompts.inputs import InvalidRequestError

MAX_DAYS = 365


def parse_share(data) -> int | None:
    """Days until the link expires: 1 to 365; absent means SHARE_LINK_DAYS (0 there: never), null never."""
    if data is None or (isinstance(data, dict) and not data):
        return settings.SHARE_LINK_DAYS or None
    if not isinstance(data, dict):
        raise InvalidRequestError("request body must be a JSON object")
    unknown = sorted(set(data) - {"expires_in_days"})
    if unknown:
        raise InvalidRequestError(f"unknown field: {unknown[0]}", unknown[0])
    days = data.get("expires_in_days")
    if days is None:
        return None
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise InvalidRequestError(
            f"expires_in_days must be an integer from 1 to {MAX_DAYS}, or null", "expires_in_days"
        )
    return days
