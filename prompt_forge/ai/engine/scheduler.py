"""Continuous batching: one thread runs the model for every request of the process.

Requests wait in a queue. Before each step the engine admits waiting requests (up to `max_batch`
sequences in all); in that step their prompts go through the model together with the last token of
every sequence already decoding, so a new request gets its first token one step after it arrives
instead of waiting for the others to finish. A sequence leaves as soon as it is done or cancelled
(its requester gone), which frees its place at once.
"""

import atexit
import logging
import queue
import threading

import torch

from ..base import ModelError
from ..threads import cpu_count
from .llama import Chunk, LeanLlama
from .sampling import next_tokens
from .sequence import Finished, Sequence

logger = logging.getLogger(__name__)

# With GENERATION_THREADS=0, a step of this many sequences or more runs on every core: eight rows of
# int8 products are bound by arithmetic, while one or two rows are bound by memory, where a second
# thread gains little and would only take the core the web server needs.
WIDE_STEP = 4


class BatchingEngine:
    def __init__(self, model: LeanLlama, *, max_batch: int, threads: int = 0) -> None:
        if max_batch < 1:
            raise ValueError("GENERATION_MAX_BATCH must be at least 1")
        if threads < 0:
            raise ValueError("GENERATION_THREADS must be 0 (automatic) or more")
        self.model = model
        self.max_batch = max_batch
        self.threads = threads
        self._wide = cpu_count()
        self._running: list[Sequence] = []
        self._waiting: queue.SimpleQueue[Sequence | None] = queue.SimpleQueue()
        self._closing = False
        self._thread = threading.Thread(target=self._run, name="generation-engine", daemon=True)
        self._thread.start()
        # A thread still inside torch when the interpreter exits aborts the process ("terminate called").
        atexit.register(self.close)

    @property
    def running(self) -> int:
        """Sequences being decoded (for tests and metrics)."""
        return len(self._running)

    def submit(self, sequence: Sequence) -> None:
        self._waiting.put(sequence)

    def close(self) -> None:
        """Stop the engine thread; sequences still running get no more tokens."""
        self._closing = True
        self._waiting.put(None)  # wakes the thread if it waits for work
        self._thread.join(timeout=10)

    def threads_for(self, sequences: int) -> int:
        """torch threads for a step of this many sequences (set here: the count is per thread)."""
        if self.threads:
            return self.threads
        return self._wide if sequences >= WIDE_STEP else 1

    def _run(self) -> None:
        with torch.inference_mode():
            while not self._closing:
                joining = self._admit(block=not self._running)
                if self._closing:
                    break
                self._running = [sequence for sequence in self._running if not self._dropped(sequence)]
                if joining or self._running:
                    self._step(joining)

    @staticmethod
    def _dropped(sequence: Sequence) -> bool:
        if sequence.cancelled.is_set():
            sequence.events.put(Finished("cancelled"))
            return True
        return False

    def _admit(self, *, block: bool) -> list[Sequence]:
        joining = []
        while len(self._running) + len(joining) < self.max_batch:
            try:
                sequence = self._waiting.get(block=block and not joining)
            except queue.Empty:
                break
            if sequence is None:  # close()
                break
            if not self._dropped(sequence):
                sequence.cache = self.model.new_cache(len(sequence.prompt_ids) + sequence.max_new_tokens)
                joining.append(sequence)
        return joining

    def _step(self, joining: list[Sequence]) -> None:
        chunks = [Chunk([sequence.last_token], sequence.cache) for sequence in self._running]
        chunks += [Chunk(sequence.prompt_ids, sequence.cache) for sequence in joining]
        stepping = self._running + joining
        torch.set_num_threads(self.threads_for(len(stepping)))
        try:
            tokens = next_tokens(self.model(chunks), stepping)
        except Exception as exc:  # noqa: BLE001 - this step's requests fail, the engine goes on
            logger.exception("generation step failed")
            for sequence in stepping:
                sequence.events.put(ModelError(f"generation failed: {exc}"))
            self._running = []
            return
        self._running = [
            sequence for sequence, token in zip(stepping, tokens, strict=True) if not sequence.accept(token)
        ]
