"""A short piece of a turn's text with the query's words marked by character offsets (never markup).

A client builds the highlight itself (text nodes), so nothing a user wrote is ever interpreted as HTML.
"""

from dataclasses import dataclass

from .terms import words

SNIPPET_CHARS = 200
LEAD_CHARS = 60  # context kept before the first match


@dataclass(frozen=True)
class Snippet:
    field: str  # "prompt" or "answer"
    text: str
    highlights: list[tuple[int, int]]  # [start, end) offsets into `text`

    def as_dict(self) -> dict:
        return {
            "field": self.field,
            "text": self.text,
            "highlights": [{"start": start, "end": end} for start, end in self.highlights],
        }


def matches(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Where the query's words occur in `text`, as (start, end) character offsets."""
    wanted = set(terms)
    return [(start, end) for word, start, end in words(text) if word in wanted]


def _window(text: str, first: int) -> tuple[int, int]:
    start = max(0, first - LEAD_CHARS)
    if start:  # begin at a word boundary
        space = text.find(" ", start, first)
        start = space + 1 if space != -1 else start
    return start, min(len(text), start + SNIPPET_CHARS)


def snippet(*, prompt: str, answer: str, terms: list[str]) -> Snippet:
    """From the prompt when its words match, else from the answer; the prompt's start when neither does."""
    for field, text in (("prompt", prompt), ("answer", answer)):
        found = matches(text, terms)
        if found:
            start, end = _window(text, found[0][0])
            marks = [(s - start, e - start) for s, e in found if s >= start and e <= end]
            return Snippet(field=field, text=text[start:end], highlights=marks)
    return Snippet(field="prompt", text=prompt[:SNIPPET_CHARS], highlights=[])


def matched_fields(*, prompt: str, answer: str, terms: list[str]) -> list[str]:
    """Which of the turn's texts contain a query word: "prompt", "answer", both or neither."""
    return [field for field, text in (("prompt", prompt), ("answer", answer)) if matches(text, terms)]
