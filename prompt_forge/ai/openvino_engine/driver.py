"""One thread drives the pipeline for every request of the process.

Requests wait in a queue. Before each step the thread admits waiting requests (up to `max_batch`
in all) and drops the cancelled ones, then runs one `step()` of the pipeline: the scheduler puts every
running request's next token into it and fills the rest of the step with prompt tokens (at most
`max_num_batched_tokens` a step). A prompt longer than one chunk is read piece by piece, paced so the
other requests keep decoding (prefill.py). New tokens are handed to each requester's queue after the
step. A request cancelled by its requester (client gone, stop string, deadline) is dropped before the
next step, even halfway through reading its prompt, so a 504 stops the work within one step. When
every request is done, the memory a long one left behind is given back (memory.py).
"""

import atexit
import itertools
import logging
import queue
import threading
import time
from collections import deque

import numpy as np

from ..base import ModelError
from .memory import MemoryReturner
from .prefill import PrefillPacer
from .request import EngineRequest, Finished

logger = logging.getLogger(__name__)


class EngineDriver:
    def __init__(self, pipeline, *, max_batch: int, chunk_tokens: int, memory: MemoryReturner | None = None) -> None:
        if max_batch < 1:
            raise ValueError("GENERATION_MAX_BATCH must be at least 1")
        self._pipeline = pipeline
        self._memory = memory
        self.max_batch = max_batch
        self.chunk_tokens = chunk_tokens
        self._ids = itertools.count(1)
        self._handles: dict[EngineRequest, object] = {}  # requests in the pipeline, whole, and their handles
        self._reading: deque[EngineRequest] = deque()  # long prompts still read piece by piece
        self._piece: tuple[EngineRequest, object, int] | None = None  # (request, handle, prompt tokens read)
        self._pacer = PrefillPacer()
        self._waiting: queue.SimpleQueue[EngineRequest | None] = queue.SimpleQueue()
        self._closing = False
        self._thread = threading.Thread(target=self._run, name="generation-engine", daemon=True)
        self._thread.start()
        # A thread still inside the pipeline when the interpreter exits would abort the process.
        atexit.register(self.close)

    @property
    def running(self) -> int:
        """Requests admitted and not finished, long prompts being read included (for tests and metrics)."""
        return len(self._handles) + len(self._reading)

    def submit(self, request: EngineRequest) -> None:
        self._waiting.put(request)

    def close(self) -> None:
        """Stop the engine thread; requests still running get no more tokens."""
        self._closing = True
        self._waiting.put(None)  # wakes the thread if it waits for work
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._closing:
            busy = self.running > 0 or self._pipeline.has_non_finished_requests()
            if not busy and self._memory is not None:
                self._memory.engine_idle()  # gives back what a long request left behind
            self._admit(block=not busy)
            self._drop_cancelled()
            piece = self._feed_piece()
            if self._closing or not self._pipeline.has_non_finished_requests():
                continue
            others = bool(self._handles)
            # step() holds the GIL for its whole length (the binding does not release it): let the
            # requesters waiting on it take the tokens of the last step first.
            time.sleep(0)
            started = time.perf_counter()
            try:
                self._pipeline.step()
            except Exception as exc:  # noqa: BLE001 - this step's requests fail, the engine goes on
                logger.exception("generation step failed")
                self._fail_all(ModelError(f"generation failed: {exc}"))
                continue
            self._pacer.record_step(
                time.perf_counter() - started, carried_piece=piece or self._piece is not None, others_running=others
            )
            self._collect()
            self._collect_piece()

    def _add(self, ids: list[int], config):
        import openvino

        return self._pipeline.add_request(next(self._ids), openvino.Tensor(np.array([ids], dtype=np.int64)), config)

    def _admit(self, *, block: bool) -> None:
        while self.running < self.max_batch:
            try:
                request = self._waiting.get(block=block)
            except queue.Empty:
                return
            block = False
            if request is None:  # close()
                return
            if request.cancelled.is_set():
                request.events.put(Finished("cancelled"))
            elif len(request.prompt_ids) > self.chunk_tokens:
                self._reading.append(request)
            else:
                self._start(request)

    def _start(self, request: EngineRequest) -> None:
        """Hand the whole request to the pipeline: it reads (the rest of) the prompt, then answers."""
        try:
            self._handles[request] = self._add(request.prompt_ids, request.config)
        except Exception as exc:  # noqa: BLE001 - e.g. a configuration the pipeline refuses
            request.events.put(ModelError(f"generation failed: {exc}"))

    def _feed_piece(self) -> bool:
        """Start reading the next chunk of the oldest long prompt, when the pacer allows; True if started."""
        if self._piece is not None or not self._reading:
            return False
        if not self._pacer.may_feed(others_running=bool(self._handles)):
            return False
        request = self._reading[0]
        if len(request.prompt_ids) - request.prefilled <= self.chunk_tokens:
            self._reading.popleft()
            self._start(request)  # the pieces are cached: the pipeline reads only the last chunk
            return True
        import openvino_genai

        config = openvino_genai.GenerationConfig()
        config.max_new_tokens = 1
        end = request.prefilled + self.chunk_tokens
        self._piece = (request, self._add(request.prompt_ids[:end], config), end)
        return True

    def _collect_piece(self) -> None:
        if self._piece is None:
            return
        request, handle, end = self._piece
        while handle.can_read():
            handle.read()  # the piece's one token is not part of any answer
        if handle.get_status().name != "RUNNING":
            request.prefilled = end
            self._piece = None

    def _drop_cancelled(self) -> None:
        for request in [request for request in self._handles if request.cancelled.is_set()]:
            self._handles.pop(request).cancel()  # the pipeline frees its cache blocks at the next step
            request.events.put(Finished("cancelled"))
        for request in [request for request in self._reading if request.cancelled.is_set()]:
            self._reading.remove(request)
            if self._piece is not None and self._piece[0] is request:
                self._piece[1].cancel()
                self._piece = None
            request.events.put(Finished("cancelled"))

    def _collect(self) -> None:
        import openvino_genai

        status = openvino_genai.GenerationStatus
        for request, handle in list(self._handles.items()):
            reason = None
            while handle.can_read():
                for output in handle.read().values():
                    for token in output.generated_ids:
                        request.accept(token)
                    reason = output.finish_reason
            state = handle.get_status()
            if state == status.RUNNING:
                continue
            del self._handles[request]
            if state == status.FINISHED:
                length = reason == openvino_genai.GenerationFinishReason.LENGTH
                request.events.put(Finished("length" if length else "stop"))
            elif state == status.IGNORED:
                request.events.put(ModelError("the request does not fit the generation cache (GENERATION_CACHE_GB)"))
            else:
                request.events.put(Finished("cancelled"))

    def _fail_all(self, error: ModelError) -> None:
        for request, handle in self._handles.items():
            handle.cancel()
            request.events.put(error)
        self._handles.clear()
        if self._piece is not None:
            self._piece[1].cancel()
            self._piece = None
        while self._reading:
            self._reading.popleft().events.put(error)
