"""What the model reads for a new turn: the system prompt, the path's earlier turns, then the new prompt.

When it all exceeds the model's context (leaving room for the answer), the oldest turns are dropped
first; the system prompt and the new prompt always stay.
"""

from dataclasses import dataclass

from django.conf import settings

from prompt_forge.ai.base import Generator, SamplingParams


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


def assemble(
    *, system: str, earlier: list[Exchange], text: str, generator: Generator, params: SamplingParams | None
) -> Context:
    """The messages for `text` after `earlier` (oldest first), within the generator's context."""
    # A turn without an answer (failed before any text) tells the model nothing: it is left out.
    earlier = [exchange for exchange in earlier if exchange.prompt and exchange.response]
    if not earlier:
        return Context(_messages(system, [], text), earlier_turns=0, dropped_turns=0)
    answer_room = (params.max_new_tokens if params else None) or settings.GENERATION_MAX_NEW_TOKENS
    budget = generator.context_length - answer_room

    def fits(dropped: int) -> bool:
        return generator.count_tokens(_messages(system, earlier[dropped:], text)) <= budget

    if fits(0):
        dropped = 0
    else:
        # The fewest oldest turns to drop, by bisection: a 50-turn path costs about six tokenizations.
        low, high = 1, len(earlier)
        while low < high:
            middle = (low + high) // 2
            if fits(middle):
                high = middle
            else:
                low = middle + 1
        dropped = low
    kept = earlier[dropped:]
    return Context(_messages(system, kept, text), earlier_turns=len(kept), dropped_turns=dropped)
