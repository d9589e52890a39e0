"""Errors in OpenAI's shape, {"error": {"message", "type", "param", "code"}}, which its clients parse."""

from django.http import JsonResponse

from prompt_forge.edge.errors import reply_for


class OpenAIError(Exception):
    def __init__(self, status: int, message: str, *, kind: str = "invalid_request_error", param=None, code=None):
        super().__init__(message)
        self.status = status
        self.body = {"error": {"message": message, "type": kind, "param": param, "code": code}}
        self.headers: dict[str, str] = {}

    @classmethod
    def from_exception(cls, exc: Exception) -> "OpenAIError":
        """The /v1 form of a domain error (see edge/errors.py); TypeError for one /v1 lets through."""
        reply = reply_for(exc)
        if reply is None or reply.openai is None:
            raise TypeError(f"not an API error: {exc!r}")
        fields = dict(reply.openai)
        message, kind = fields.pop("message"), fields.pop("type")
        error = cls(reply.status, message, kind=kind, param=fields.pop("param", None), code=fields.pop("code", None))
        error.body["error"].update(fields)
        error.headers.update(reply.openai_headers)
        return error

    def response(self) -> JsonResponse:
        return JsonResponse(self.body, status=self.status, headers=self.headers)


def unauthorized() -> OpenAIError:
    return OpenAIError(
        401,
        "a valid access token or API key is required: Authorization: Bearer <access token or pf_... key>",
        kind="invalid_request_error",
        code="invalid_api_key",
    )


def throttled(wait: float) -> OpenAIError:
    error = OpenAIError(429, "Request was throttled.", kind="rate_limit_error", code="rate_limit_exceeded")
    error.headers["Retry-After"] = str(max(1, round(wait)))
    return error
