"""Errors in OpenAI's shape, {"error": {"message", "type", "param", "code"}}, which its clients parse."""

from django.http import JsonResponse

from prompt_forge.ai.admission import GenerationBusyError
from prompt_forge.common.exceptions import PromptFailedError


class OpenAIError(Exception):
    def __init__(self, status: int, message: str, *, kind: str = "invalid_request_error", param=None, code=None):
        super().__init__(message)
        self.status = status
        self.body = {"error": {"message": message, "type": kind, "param": param, "code": code}}
        self.headers: dict[str, str] = {}

    @classmethod
    def from_exception(cls, exc: Exception) -> "OpenAIError":
        if isinstance(exc, GenerationBusyError):
            error = cls(503, str(exc), kind="server_error", code="server_busy")
            error.headers["Retry-After"] = str(exc.retry_after)
            return error
        if isinstance(exc, PromptFailedError):
            error = cls(exc.status_code, f"{exc.message}: {exc.reason}", kind="server_error", code="model_error")
            error.body["error"]["prompt_id"] = exc.prompt_id  # the prompt is kept in the caller's history
            return error
        raise TypeError(f"not an API error: {exc!r}")

    def response(self) -> JsonResponse:
        return JsonResponse(self.body, status=self.status, headers=self.headers)


def unauthorized() -> OpenAIError:
    return OpenAIError(
        401, "a valid access token is required: Authorization: Bearer <access>", kind="invalid_request_error",
        code="invalid_api_key",
    )  # fmt: skip


def throttled(wait: float) -> OpenAIError:
    error = OpenAIError(429, "Request was throttled.", kind="rate_limit_error", code="rate_limit_exceeded")
    error.headers["Retry-After"] = str(max(1, round(wait)))
    return error
