"""One thread drives the pipeline for every request of the process.

Requests wait in a queue. Before each step the thread admits waiting requests (up to `max_batch`
running in all) and drops the cancelled ones, then runs one `step()` of the pipeline: the scheduler
puts every running request's next token into it and fills the rest of the step with prompt chunks
(chunked prefill, at most `max_num_batched_tokens` tokens a step), so a long prompt is read a chunk a
step while the other requests go on decoding. New tokens are handed to each requester's queue after
the step. A request cancelled by its requester (client gone, stop string, deadline) is dropped before
the next step, so a 504 stops the work within one step.
"""

import atexit
import itertools
import logging
import queue
import threading

import numpy as np

from ..base import ModelError
from .request import EngineRequest, Finished

logger = logging.getLogger(__name__)


class EngineDriver:
    def __init__(self, pipeline, *, max_batch: int) -> None:
        if max_batch < 1:
            raise ValueError("GENERATION_MAX_BATCH must be at least 1")
        self._pipeline = pipeline
        self.max_batch = max_batch
        self._ids = itertools.count(1)
        self._handles: dict[EngineRequest, object] = {}  # running requests and their pipeline handles
        self._waiting: queue.SimpleQueue[EngineRequest | None] = queue.SimpleQueue()
        self._closing = False
        self._thread = threading.Thread(target=self._run, name="generation-engine", daemon=True)
        self._thread.start()
        # A thread still inside the pipeline when the interpreter exits would abort the process.
        atexit.register(self.close)

    @property
    def running(self) -> int:
        """Requests admitted into the pipeline and not finished (for tests and metrics)."""
        return len(self._handles)

    def submit(self, request: EngineRequest) -> None:
        self._waiting.put(request)

    def close(self) -> None:
        """Stop the engine thread; requests still running get no more tokens."""
        self._closing = True
        self._waiting.put(None)  # wakes the thread if it waits for work
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._closing:
            busy = bool(self._handles) or self._pipeline.has_non_finished_requests()
            self._admit(block=not busy)
            self._drop_cancelled()
            if self._closing or not self._pipeline.has_non_finished_requests():
                continue
            try:
                self._pipeline.step()
            except Exception as exc:  # noqa: BLE001 - this step's requests fail, the engine goes on
                logger.exception("generation step failed")
                self._fail_all(ModelError(f"generation failed: {exc}"))
                continue
            self._collect()

    def _admit(self, *, block: bool) -> None:
        while len(self._handles) < self.max_batch:
            try:
                request = self._waiting.get(block=block)
            except queue.Empty:
                return
            block = False
            if request is None:  # close()
                return
            if request.cancelled.is_set():
                request.events.put(Finished("cancelled"))
                continue
            import openvino

            ids = openvino.Tensor(np.array([request.prompt_ids], dtype=np.int64))
            try:
                self._handles[request] = self._pipeline.add_request(next(self._ids), ids, request.config)
            except Exception as exc:  # noqa: BLE001 - e.g. a configuration the pipeline refuses
                request.events.put(ModelError(f"generation failed: {exc}"))

    def _drop_cancelled(self) -> None:
        for request in [request for request in self._handles if request.cancelled.is_set()]:
            self._handles.pop(request).cancel()  # the pipeline frees its cache blocks at the next step
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
