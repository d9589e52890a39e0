"""Turning generated tokens into text pieces: incremental decoding, stop strings and cancellation."""

import threading
from collections.abc import Callable


class StopController:
    """A transformers StoppingCriteria: counts generated tokens and stops when cancelled."""

    def __init__(self, prompt_tokens: int) -> None:
        self.prompt_tokens = prompt_tokens
        self.generated = 0
        self.cancelled = threading.Event()

    def __call__(self, input_ids, scores, **kwargs):
        import torch

        self.generated = int(input_ids.shape[1]) - self.prompt_tokens
        return torch.full((input_ids.shape[0],), self.cancelled.is_set(), dtype=torch.bool)


class StopStringFilter:
    """Holds back just enough text to never emit part of a stop string, and finds where to cut."""

    def __init__(self, stop: tuple[str, ...]) -> None:
        self.stop = tuple(s for s in stop if s)
        self.hold = max((len(s) for s in self.stop), default=1) - 1
        self.emitted = ""
        self.pending = ""
        self.stopped = False

    def feed(self, piece: str) -> str:
        """Add decoded text; return what can be shown now ("" if nothing)."""
        if not self.emitted and not self.pending:
            piece = piece.lstrip()  # answers start without the template's leading whitespace
        self.pending += piece
        full = self.emitted + self.pending
        cuts = [i for i in (full.find(s, max(0, len(self.emitted) - self.hold)) for s in self.stop) if i >= 0]
        if cuts:
            self.stopped = True
            out = full[: min(cuts)][len(self.emitted) :]
            self.pending = ""
            self.emitted += out
            return out
        ready = len(self.pending) - self.hold
        if ready <= 0:
            return ""
        out, self.pending = self.pending[:ready], self.pending[ready:]
        self.emitted += out
        return out

    def flush(self) -> str:
        out, self.pending = self.pending.rstrip(), ""
        self.emitted += out
        return out


class IncrementalDecoder:
    """Token ids in, new text out as soon as it is complete: a character whose bytes span several
    tokens waits for the last of them, so no piece ever carries half a character."""

    def __init__(self, decode: Callable[[list[int]], str]) -> None:
        self._decode = decode  # ids -> text, special tokens skipped
        self._ids: list[int] = []
        self._shown = 0

    def _decoded(self) -> str:
        return self._decode(self._ids)

    def add(self, token_id: int) -> str:
        self._ids.append(token_id)
        text = self._decoded()
        if text.endswith("\ufffd"):
            return ""
        piece, self._shown = text[self._shown :], len(text)
        return piece

    def flush(self) -> str:
        text = self._decoded()
        piece, self._shown = text[self._shown :], len(text)
        return piece
