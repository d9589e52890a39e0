"""What a process admits: a bounded number of generations, each with a bounded prompt.

The answer pipeline (prompts/pipeline.py, behind every entry point: REST, WebSocket, /v1, retry)
counts the prompt's tokens, then takes a slot, before it stores anything, so a refused request leaves
no trace: a prompt over its token budget is a 400 naming the limit (retrying cannot help), a full
process a 503 with Retry-After (retrying will).
"""

import threading
from contextlib import contextmanager

from django.conf import settings

from .base import Generator, PromptInput, SamplingParams


class PromptTooLongError(Exception):
    """The prompt, as the model reads it (system prompt and conversation included), takes more tokens
    than one request may."""

    def __init__(self, *, tokens: int, limit: int) -> None:
        super().__init__(
            f"the prompt takes {tokens} tokens (system prompt and conversation included); "
            f"at most {limit} are accepted (GENERATION_MAX_PROMPT_TOKENS)"
        )
        self.tokens = tokens
        self.limit = limit


def prompt_token_budget(generator: Generator, params: SamplingParams | None = None) -> int:
    """Tokens a request's prompt may take: GENERATION_MAX_PROMPT_TOKENS, and always room for the answer
    within the model's context."""
    answer_room = (params.max_new_tokens if params else None) or settings.GENERATION_MAX_NEW_TOKENS
    return max(1, min(settings.GENERATION_MAX_PROMPT_TOKENS, generator.context_length - answer_room))


def check_prompt_tokens(generator: Generator, prompt: PromptInput, params: SamplingParams | None = None) -> int:
    """The tokens `prompt` takes (counted through the chat template); PromptTooLongError over its budget."""
    limit = prompt_token_budget(generator, params)
    tokens = generator.count_tokens(prompt)
    if tokens > limit:
        raise PromptTooLongError(tokens=tokens, limit=limit)
    return tokens


class GenerationBusyError(Exception):
    """Every generation slot of this process is taken."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the server is busy with {limit} generations; retry shortly")
        self.limit = limit
        self.retry_after = settings.GENERATION_RETRY_AFTER_SECONDS


class GenerationSlots:
    """GENERATION_QUEUE_SIZE slots per model name: each model has its own admission queue, so a slow
    remote model never keeps requests for another model out."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._in_use: dict[str, int] = {}

    @property
    def in_use(self) -> int:
        """Slots taken, all models together."""
        return sum(self._in_use.values())

    def in_use_for(self, model: str) -> int:
        return self._in_use.get(model, 0)

    def acquire(self, model: str = "") -> None:
        limit = settings.GENERATION_QUEUE_SIZE  # read each time so a settings change applies at once
        with self._lock:
            if self._in_use.get(model, 0) >= limit:
                raise GenerationBusyError(limit)
            self._in_use[model] = self._in_use.get(model, 0) + 1

    def release(self, model: str = "") -> None:
        with self._lock:
            self._in_use[model] -= 1

    @contextmanager
    def slot(self, model: str = ""):
        self.acquire(model)
        try:
            yield
        finally:
            self.release(model)


generation_slots = GenerationSlots()
