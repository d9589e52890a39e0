"""Generation delegated to any OpenAI-compatible server (vLLM, Ollama, llama.cpp server, OpenAI,
or another Prompt Forge) with the official `openai` client: GENERATION_BACKEND=openai.

Failures become UpstreamError (the API answers 502) or UpstreamTimeoutError (504); the prompt is kept.
"""

import time
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

from .base import Generation, PromptInput, SamplingParams, UpstreamError, UpstreamTimeoutError


def without_credentials(url: str) -> str:
    """The URL as it may be shown (error reasons, prompt metadata): no user, password or query string."""
    parts = urlsplit(url)
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    return urlunsplit((parts.scheme, host + port, parts.path, "", ""))


class OpenAIGenerator:
    def __init__(
        self,
        model_id: str,
        *,
        max_new_tokens: int,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        **_local_only,  # cache_dir, threads: options of in-process models
    ) -> None:
        import openai

        self._openai = openai
        self.base_url = base_url or settings.OPENAI_BASE_URL
        self.display_url = without_credentials(self.base_url)
        self._api_key = api_key or settings.OPENAI_API_KEY
        self.timeout = timeout if timeout is not None else settings.OPENAI_TIMEOUT_SECONDS
        self._client = openai.OpenAI(
            base_url=self.base_url,
            # Servers without authentication (vLLM, Ollama) accept any key; the client insists on one.
            api_key=api_key or settings.OPENAI_API_KEY or "not-needed",
            timeout=self.timeout,
            max_retries=max_retries if max_retries is not None else settings.OPENAI_MAX_RETRIES,
        )
        self.model_name = model_id
        self.max_new_tokens = max_new_tokens
        # The server's model is not ours to inspect: its context is configured, its tokens estimated.
        self.context_length = settings.OPENAI_CONTEXT_TOKENS

    def count_tokens(self, prompt: PromptInput) -> int:
        """An estimate (about 3 characters a token, plus each message's framing), on the safe side."""
        messages = [{"role": "user", "content": prompt}] if isinstance(prompt, str) else prompt
        return sum(len(message["content"]) // 3 + 8 for message in messages)

    def _request(self, prompt: PromptInput, params: SamplingParams) -> dict:
        request = {
            "model": self.model_name,
            "messages": [{"role": "user", "content": prompt}] if isinstance(prompt, str) else prompt,
            "max_tokens": params.max_new_tokens or self.max_new_tokens,
            "temperature": params.temperature,
        }
        if params.temperature > 0:
            request["top_p"] = params.top_p
        if params.stop:
            request["stop"] = list(params.stop)
        return request

    def _params_info(self, request: dict) -> dict:
        info = {"max_new_tokens": request["max_tokens"], "backend": "openai", "base_url": self.display_url}
        info["decoding"] = "sampling" if request["temperature"] > 0 else "greedy"
        return info

    def _translate(self, exc: Exception) -> UpstreamError:
        import httpx

        openai = self._openai
        where = f"the inference server at {self.display_url}"
        if isinstance(exc, openai.APITimeoutError | httpx.TimeoutException):
            return UpstreamTimeoutError(f"{where} did not answer within {self.timeout:g} s")
        if isinstance(exc, openai.APIStatusError):
            message = f"{where} answered HTTP {exc.status_code}: {self._scrub(exc.message)}"
            return UpstreamError(message, fallback=exc.status_code >= 500)
        if isinstance(exc, openai.APIConnectionError | httpx.TransportError):
            return UpstreamError(f"could not reach {where}: {self._scrub(str(exc))}")
        return UpstreamError(f"{where} failed: {self._scrub(str(exc))}")

    def _scrub(self, text: str) -> str:
        """An upstream message may quote the URL or the key it was sent; neither leaves this process."""
        parts = urlsplit(self.base_url)
        text = text.replace(self.base_url, self.display_url)
        for secret in (parts.username, parts.password, parts.query, self._api_key):
            if secret and len(secret) >= 3:
                text = text.replace(secret, "***")
        return text

    def _errors(self) -> tuple[type[Exception], ...]:
        import httpx

        return (self._openai.OpenAIError, httpx.HTTPError)

    def generate(self, prompt: PromptInput, *, params: SamplingParams | None = None) -> Generation:
        request = self._request(prompt, params or SamplingParams())
        started = time.perf_counter()
        try:
            completion = self._client.chat.completions.create(**request)
        except self._errors() as exc:
            raise self._translate(exc) from exc
        if not completion.choices:
            raise UpstreamError(f"the inference server at {self.display_url} returned no choices")
        choice = completion.choices[0]
        usage = completion.usage
        return Generation(
            text=choice.message.content or "",
            model=self.model_name,
            prompt_tokens=usage.prompt_tokens if usage else 0,
            completion_tokens=usage.completion_tokens if usage else 0,
            duration_ms=round((time.perf_counter() - started) * 1000, 1),
            params=self._params_info(request),
            finish_reason="length" if choice.finish_reason == "length" else "stop",
        )

    def stream(self, prompt: PromptInput, *, params: SamplingParams | None = None) -> Iterator[str | Generation]:
        request = self._request(prompt, params or SamplingParams())
        started = time.perf_counter()
        pieces: list[str] = []
        usage = None
        finish_reason = "stop"
        try:
            stream = self._client.chat.completions.create(
                **request, stream=True, stream_options={"include_usage": True}
            )
        except self._errors() as exc:
            raise self._translate(exc) from exc
        try:
            for chunk in stream:
                usage = chunk.usage or usage
                for choice in chunk.choices:
                    if choice.delta and choice.delta.content:
                        pieces.append(choice.delta.content)
                        yield choice.delta.content
                    if choice.finish_reason:
                        finish_reason = "length" if choice.finish_reason == "length" else "stop"
        except self._errors() as exc:
            raise self._translate(exc) from exc
        finally:
            stream.close()  # closing the connection tells the upstream server to stop generating
        yield Generation(
            text="".join(pieces),
            model=self.model_name,
            prompt_tokens=usage.prompt_tokens if usage else 0,
            completion_tokens=usage.completion_tokens if usage else len(pieces),
            duration_ms=round((time.perf_counter() - started) * 1000, 1),
            params=self._params_info(request),
            finish_reason=finish_reason,
        )
