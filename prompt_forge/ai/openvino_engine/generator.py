"""The Generator every entry point uses by default: prompts in, text pieces out, batched by the engine."""

import time
from collections.abc import Iterator

from ..base import Generation, ModelError, PromptInput, SamplingParams
from ..token_text import IncrementalDecoder, StopStringFilter
from .loading import EngineOptions, context_length, model_path, validate
from .process import EngineProcess
from .request import EngineRequest, Finished
from .sampling import describe


class PromptTooLongForModelError(ModelError):
    """The prompt leaves no room for an answer in the model's context."""


class OpenVINOGenerator:
    def __init__(
        self,
        model_id: str,
        *,
        max_new_tokens: int,
        threads: int = 0,
        max_batch: int = 8,
        cache_gb: int = 0,
        prefill_chunk_tokens: int = 128,
        **_other_backends,  # options of the transformers and OpenAI backends
    ) -> None:
        path = model_path(model_id)
        self.options = EngineOptions(
            threads=threads, max_batch=max_batch, cache_gb=cache_gb, prefill_chunk_tokens=prefill_chunk_tokens
        )
        validate(self.options)
        self.engine = EngineProcess(path, self.options)  # loads the model while this process loads the rest
        try:
            self._tokenizer = _tokenizer(path)
            self.context_length = context_length(path)
            self.engine.wait_ready()
        except Exception as exc:  # noqa: BLE001 - any loader failure means the model is unavailable
            self.engine.close()
            raise ModelError(f"could not load generation model {model_id!r}: {exc}") from exc
        self.model_name = model_id
        self.max_new_tokens = max_new_tokens
        self.uses_chat_template = bool(self._tokenizer.chat_template)
        self.generate("Hello", params=SamplingParams(max_new_tokens=2))  # compiles the first shapes now

    def _encode(self, prompt: PromptInput) -> list[int]:
        messages = [{"role": "user", "content": prompt}] if isinstance(prompt, str) else prompt
        if self.uses_chat_template:
            text = self._tokenizer.apply_chat_template(messages, add_generation_prompt=True)
            encoded = self._tokenizer.encode(text, add_special_tokens=False)
        else:  # plain continuation of the conversation's text
            encoded = self._tokenizer.encode("\n".join(m["content"] for m in messages), add_special_tokens=True)
        return encoded.input_ids.data[0].tolist()

    def decode_tokens(self, ids: list[int]) -> str:
        return self._tokenizer.decode(ids, skip_special_tokens=True)

    def count_tokens(self, prompt: PromptInput) -> int:
        return len(self._encode(prompt))

    def generate(self, prompt: PromptInput, *, params: SamplingParams | None = None) -> Generation:
        result = None
        for event in self.stream(prompt, params=params):
            if isinstance(event, Generation):
                result = event
        return result

    def stream(self, prompt: PromptInput, *, params: SamplingParams | None = None) -> "GenerationStream":
        params = params or SamplingParams()
        prompt_ids = self._encode(prompt)
        room = self.context_length - len(prompt_ids)
        if room < 1:
            raise PromptTooLongForModelError(
                f"the prompt takes {len(prompt_ids)} tokens; the model reads at most {self.context_length}"
            )
        limit = min(params.max_new_tokens or self.max_new_tokens, room)
        request = EngineRequest(prompt_ids=prompt_ids, config=None, stop_token_ids=frozenset())  # the engine's
        return GenerationStream(self, request, params, limit)

    def details(self, params: SamplingParams, limit: int) -> dict:
        return {
            **describe(params, limit),
            "chat_template": self.uses_chat_template,
            "engine": {"backend": "openvino", "max_batch": self.options.max_batch},
        }


def _tokenizer(path):
    import openvino_genai

    return openvino_genai.Tokenizer(str(path))  # a GGUF file or a model folder, like the pipeline


class GenerationStream:
    """The events of one request: text pieces, then one Generation. An iterator like any backend's
    stream; `close()` (client gone) and `cancel()` (from any thread, e.g. a deadline) drop the request
    from the engine at its next step."""

    def __init__(self, generator: OpenVINOGenerator, request: EngineRequest, params, limit: int) -> None:
        self._request = request
        self._events = self._run(generator, request, params, limit)

    def __iter__(self) -> Iterator[str | Generation]:
        return self

    def __next__(self) -> str | Generation:
        return next(self._events)

    def cancel(self) -> None:
        self._request.cancel()

    def close(self) -> None:
        self._request.cancel()
        self._events.close()

    @staticmethod
    def _run(generator: OpenVINOGenerator, request: EngineRequest, params: SamplingParams, limit: int):
        started = time.perf_counter()
        generator.engine.submit(request, params=params, max_new_tokens=limit)
        decoder = IncrementalDecoder(generator.decode_tokens)
        text = StopStringFilter(params.stop)
        finish_reason = "stop"
        try:
            while True:
                event = request.events.get()
                if isinstance(event, Exception):
                    raise event
                if isinstance(event, Finished):
                    if event.reason == "cancelled":
                        raise ModelError("generation was cancelled")
                    finish_reason = event.reason
                    break
                shown = text.feed(decoder.add(event))
                if shown:
                    yield shown
                if text.stopped:
                    break
            tail = "" if text.stopped else text.feed(decoder.flush()) + text.flush()
            if tail:
                yield tail
        finally:
            request.cancel()  # client gone or stop string: the engine drops the request at its next step
        yield Generation(
            text=text.emitted,
            model=generator.model_name,
            prompt_tokens=len(request.prompt_ids),
            completion_tokens=request.generated,
            duration_ms=round((time.perf_counter() - started) * 1000, 1),
            params=generator.details(params, limit),
            finish_reason=finish_reason,
        )
