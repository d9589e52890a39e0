"""One request inside the engine: its prompt tokens, decoding settings and the stream of its tokens."""

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

IDLE_NOTICE = 0  # the request id of the engine process's own messages (worker.py, process.py)


@dataclass(frozen=True)
class Finished:
    """The last event of a request's stream."""

    reason: str  # "stop" (end-of-answer token), "length" (max tokens) or "cancelled"


@dataclass(eq=False)
class EngineRequest:
    prompt_ids: list[int]
    config: object  # openvino_genai.GenerationConfig
    stop_token_ids: frozenset[int]
    # Filled in by the engine thread, read by the requester.
    events: queue.SimpleQueue = field(default_factory=queue.SimpleQueue)  # token ids, then Finished or an error
    cancelled: threading.Event = field(default_factory=threading.Event)
    generated: int = 0
    prefilled: int = 0  # prompt tokens already read by the engine's pieces (see prefill.py)
    on_cancel: Callable[[], None] | None = None  # tells an engine in another process (process.py)

    def cancel(self) -> None:
        """Drop this request at the engine's next step (its requester is gone, has enough, or timed out).

        Safe from any thread; the requester's stream ends with Finished("cancelled")."""
        if self.cancelled.is_set():
            return
        self.cancelled.set()
        if self.on_cancel is not None:
            self.on_cancel()

    def accept(self, token: int) -> None:
        """Hand one generated token to the requester (end-of-answer tokens are not part of the answer)."""
        if token in self.stop_token_ids:
            return
        self.generated += 1
        self.events.put(token)
