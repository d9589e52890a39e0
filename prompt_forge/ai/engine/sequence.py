"""One request inside the engine: its prompt tokens, limits, sampling settings and token stream."""

import queue
import threading
from dataclasses import dataclass, field

import torch

from .kv_cache import SequenceCache


@dataclass(frozen=True)
class Finished:
    """The last event of a sequence's stream."""

    reason: str  # "stop" (end-of-answer token), "length" (max tokens) or "cancelled"


@dataclass(eq=False)
class Sequence:
    prompt_ids: list[int]
    max_new_tokens: int
    stop_token_ids: frozenset[int]
    temperature: float = 0.0
    top_p: float = 1.0
    seed: int | None = None
    # Filled in by the engine thread, read by the requester.
    events: queue.SimpleQueue = field(default_factory=queue.SimpleQueue)  # token ids, then Finished or an error
    cancelled: threading.Event = field(default_factory=threading.Event)
    generated: int = 0
    last_token: int = -1
    rng: torch.Generator | None = None
    cache: SequenceCache | None = None  # allocated when the sequence joins the batch

    def __post_init__(self) -> None:
        if self.temperature > 0:
            self.rng = torch.Generator()
            if self.seed is None:
                self.rng.seed()
            else:
                self.rng.manual_seed(self.seed)

    def cancel(self) -> None:
        """Ask the engine to drop this sequence at its next step (the requester is gone or has enough)."""
        self.cancelled.set()

    def accept(self, token: int) -> bool:
        """Record the next token and hand it to the requester; True when the sequence is finished."""
        self.last_token = token
        if token in self.stop_token_ids:
            self.cache = None
            self.events.put(Finished("stop"))
            return True
        self.generated += 1
        self.events.put(token)
        if self.generated >= self.max_new_tokens:
            self.cache = None
            self.events.put(Finished("length"))
            return True
        return False
