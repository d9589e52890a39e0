"""The Generator every entry point uses by default: prompts in, text pieces out, batched by the engine."""

import time
from collections.abc import Iterator
from pathlib import Path

from ..base import Generation, ModelError, PromptInput, SamplingParams
from ..bundled import prepare_local_generation
from ..threads import one_thread
from ..token_text import IncrementalDecoder, StopStringFilter
from .scheduler import BatchingEngine
from .sequence import Finished, Sequence
from .weights import load_engine_model


class EngineGenerator:
    def __init__(
        self,
        model_id: str,
        *,
        max_new_tokens: int,
        cache_dir: Path,
        threads: int = 0,
        quantize: str = "none",
        max_batch: int = 8,
        **_remote_only,  # options of the OpenAI backend
    ) -> None:
        gguf_path = prepare_local_generation(model_id, 0)  # threads are the engine thread's own
        try:
            with one_thread():  # loading must not leave a team of helper threads behind (see ai/threads.py)
                self._tokenizer, model, self._stop_token_ids, self.load_info = load_engine_model(
                    model_id, gguf_path=gguf_path, cache_dir=cache_dir, quantize=quantize
                )
        except Exception as exc:  # noqa: BLE001 - any loader failure means the model is unavailable
            raise ModelError(f"could not load generation model {model_id!r}: {exc}") from exc
        self.model_name = model_id
        self.max_new_tokens = max_new_tokens
        self.quantize = self.load_info["quantize"]  # float32 where this CPU cannot sum int8 exactly
        self.context_length = model.shape.context_length
        self.uses_chat_template = self._tokenizer.chat_template is not None
        self.engine = BatchingEngine(model, max_batch=max_batch, threads=threads)

    def _encode(self, prompt: PromptInput) -> list[int]:
        messages = [{"role": "user", "content": prompt}] if isinstance(prompt, str) else prompt
        if self.uses_chat_template:
            return self._tokenizer.encode(self._tokenizer.render_chat(messages), add_special_tokens=False)
        # No chat template: plain continuation of the conversation's text.
        return self._tokenizer.encode("\n".join(message["content"] for message in messages), add_special_tokens=True)

    def count_tokens(self, prompt: PromptInput) -> int:
        return len(self._encode(prompt))

    def generate(self, prompt: PromptInput, *, params: SamplingParams | None = None) -> Generation:
        result = None
        for event in self.stream(prompt, params=params):
            if isinstance(event, Generation):
                result = event
        return result

    def stream(self, prompt: PromptInput, *, params: SamplingParams | None = None) -> Iterator[str | Generation]:
        params = params or SamplingParams()
        prompt_ids = self._encode(prompt)
        room = self.context_length - len(prompt_ids)
        if room < 1:
            raise ModelError(
                f"the prompt takes {len(prompt_ids)} tokens; the model reads at most {self.context_length}"
            )
        limit = min(params.max_new_tokens or self.max_new_tokens, room)
        sequence = Sequence(
            prompt_ids=prompt_ids,
            max_new_tokens=limit,
            stop_token_ids=self._stop_token_ids,
            temperature=params.temperature,
            top_p=params.top_p,
            seed=params.seed,
        )
        started = time.perf_counter()
        self.engine.submit(sequence)
        decoder = IncrementalDecoder(self._tokenizer.decode)
        text = StopStringFilter(params.stop)
        finish_reason = "stop"
        try:
            while True:
                event = sequence.events.get()
                if isinstance(event, Exception):
                    raise event
                if isinstance(event, Finished):
                    finish_reason = "length" if event.reason == "length" else "stop"
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
            sequence.cancel()  # client gone or stop string: the engine frees the slot at its next step
        yield Generation(
            text=text.emitted,
            model=self.model_name,
            prompt_tokens=len(prompt_ids),
            completion_tokens=sequence.generated,
            duration_ms=round((time.perf_counter() - started) * 1000, 1),
            params=self._describe(params, limit),
            finish_reason=finish_reason,
        )

    def _describe(self, params: SamplingParams, limit: int) -> dict:
        sampling = params.temperature > 0
        return {
            "max_new_tokens": limit,
            "decoding": "sampling" if sampling else "greedy",
            **({"temperature": params.temperature, "top_p": params.top_p} if sampling else {}),
            **({"seed": params.seed} if sampling and params.seed is not None else {}),
            **({"stop": list(params.stop)} if params.stop else {}),
            "chat_template": self.uses_chat_template,
            "engine": {"max_batch": self.engine.max_batch, "quantize": self.quantize},
        }
