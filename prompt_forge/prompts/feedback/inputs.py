"""Validation of a feedback body: {"rating": 1 | -1, "comment"?}."""

from ..inputs import InvalidRequestError
from .services import COMMENT_MAX


def parse_feedback(data) -> tuple[int, str]:
    if not isinstance(data, dict):
        raise InvalidRequestError("request body must be a JSON object")
    unknown = sorted(set(data) - {"rating", "comment"})
    if unknown:
        raise InvalidRequestError(f"unknown field: {unknown[0]}", unknown[0])
    rating = data.get("rating")
    if isinstance(rating, bool) or not isinstance(rating, int) or rating not in (1, -1):
        raise InvalidRequestError("rating must be 1 (up) or -1 (down)", "rating")
    comment = data.get("comment")
    comment = "" if comment is None else comment
    if not isinstance(comment, str):
        raise InvalidRequestError("comment must be a string", "comment")
    if len(comment) > COMMENT_MAX:
        raise InvalidRequestError(f"comment must be at most {COMMENT_MAX} characters", "comment")
    return rating, comment.strip()
