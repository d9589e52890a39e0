"""What the model reads for a new turn: the system prompt, the path's earlier turns, then the new prompt.

When it all exceeds the prompt's token budget (GENERATION_MAX_PROMPT_TOKENS, always leaving room for
the answer in the model's context), the oldest turns are dropped first; the system prompt and the new
prompt always stay (over the budget on their own, the request is refused: ai/admission.py).

Counting a 50-turn path through the tokenizer on every turn would cost more than everything else a
turn does besides generation, so each earlier exchange's tokens are counted once (through the chat
template: the exchange's framing included) and remembered; only the system prompt and the new prompt
are counted exactly each time. A small margin per exchange covers merges at message boundaries.
"""

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

from prompt_forge.ai.admission import prompt_token_budget
from prompt_forge.ai.base import Generator, SamplingParams

MARGIN_PER_EXCHANGE = 2  # tokens: boundary effects between separately counted messages
CACHE_SIZE = 8192  # exchanges whose token counts are remembered (per process)


@dataclass(frozen=True)
class Exchange:
    """An earlier turn as the model reads it: the user's text and the answer shown."""

    prompt: str
    response: str


@dataclass(frozen=True)
class Context:
    messages: list[dict]
    earlier_turns: int  # earlier turns the model sees
    dropped_turns: int  # earlier turns of the path left out to fit the context

    def as_info(self) -> dict:
        return {"earlier_turns": self.earlier_turns, "dropped_turns": self.dropped_turns}


def _messages(system: str, exchanges: list[Exchange], text: str) -> list[dict]:
    messages = [{"role": "system", "content": system}] if system else []
    for exchange in exchanges:
        messages.append({"role": "user", "content": exchange.prompt})
        messages.append({"role": "assistant", "content": exchange.response})
    messages.append({"role": "user", "content": text})
    return messages


class ExchangeTokens:
    """Tokens each exchange adds to a rendered conversation, counted once per process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: OrderedDict[tuple, int] = OrderedDict()

    def __call__(self, generator: Generator, exchange: Exchange) -> int:
        digest = hashlib.blake2b(f"{exchange.prompt}\x00{exchange.response}".encode(), digest_size=16).digest()
        key = (generator.model_name, digest)
        with self._lock:
            if key in self._counts:
                self._counts.move_to_end(key)
                return self._counts[key]
        # The exchange's own tokens: a conversation with it, less the same conversation without it.
        probe = "."
        count = generator.count_tokens(_messages("", [exchange], probe)) - generator.count_tokens(
            _messages("", [], probe)
        )
        with self._lock:
            self._counts[key] = count
            if len(self._counts) > CACHE_SIZE:
                self._counts.popitem(last=False)
        return count


exchange_tokens = ExchangeTokens()


def assemble(
    *, system: str, earlier: list[Exchange], text: str, generator: Generator, params: SamplingParams | None
) -> Context:
    """The messages for `text` after `earlier` (oldest first), within the generator's context."""
    # A turn without an answer (failed before any text) tells the model nothing: it is left out.
    earlier = [exchange for exchange in earlier if exchange.prompt and exchange.response]
    if not earlier:
        return Context(_messages(system, [], text), earlier_turns=0, dropped_turns=0)
    room = prompt_token_budget(generator, params) - generator.count_tokens(_messages(system, [], text))
    # Keep the newest exchanges that fit; everything older is dropped.
    kept = 0
    for exchange in reversed(earlier):
        room -= exchange_tokens(generator, exchange) + MARGIN_PER_EXCHANGE
        if room < 0:
            break
        kept += 1
    chosen = earlier[len(earlier) - kept :]
    return Context(_messages(system, chosen, text), earlier_turns=kept, dropped_turns=len(earlier) - kept)
