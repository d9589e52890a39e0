"""A bounded number of generations per process: beyond it requests are refused, not queued forever.

The answer pipeline (prompts/pipeline.py, behind every entry point: REST, WebSocket, /v1, retry)
takes a slot before it stores anything, so a refused request leaves no trace and the client is told
to retry (503 + Retry-After).
"""

import threading
from contextlib import contextmanager

from django.conf import settings


class GenerationBusyError(Exception):
    """Every generation slot of this process is taken."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the server is busy with {limit} generations; retry shortly")
        self.limit = limit
        self.retry_after = settings.GENERATION_RETRY_AFTER_SECONDS


class GenerationSlots:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.in_use = 0

    def acquire(self) -> None:
        limit = settings.GENERATION_QUEUE_SIZE  # read each time so a settings change applies at once
        with self._lock:
            if self.in_use >= limit:
                raise GenerationBusyError(limit)
            self.in_use += 1

    def release(self) -> None:
        with self._lock:
            self.in_use -= 1

    @contextmanager
    def slot(self):
        self.acquire()
        try:
            yield
        finally:
            self.release()


generation_slots = GenerationSlots()
