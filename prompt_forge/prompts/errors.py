"""What can go wrong answering or reading prompts, as plain exceptions.

They say nothing about HTTP: prompt_forge/edge/errors.py maps each to a REST, /v1 and WebSocket reply.
"""

from .inputs import InvalidRequestError
from .records import PromptDeletedError, PromptNotRetriableError

__all__ = ["InvalidRequestError", "PromptDeletedError", "PromptFailedError", "PromptNotRetriableError"]


class PromptFailedError(Exception):
    """A model could not answer; the prompt is kept (status "failed", with any part of the answer
    already shown) so nothing is lost, and POST /prompts/{id}/retry/ answers it later.

    `cause` is the model's error (ModelError, ModelTimeoutError, UpstreamError...).
    """

    def __init__(self, *, prompt_id: int, reason: str, cause: Exception | None = None) -> None:
        super().__init__(reason)
        self.prompt_id = prompt_id
        self.reason = reason
        self.cause = cause
