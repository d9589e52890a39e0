"""A chat export's message tree (ChatGPT's `mapping`, Open WebUI's `history`) as turns with branches.

A turn is a user message and the assistant answer below it. A user message with several answers
(regenerated) gives sibling turns with the same prompt; several user messages under one answer
(edited) give sibling turns under the same parent. Other messages (tool calls, hidden or empty ones)
are passed through; a system message becomes the conversation's system prompt.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..storing import GivenTurn


class BadRecordError(ValueError):
    """A conversation of the export that cannot be imported: reported and skipped."""


@dataclass
class Node:
    id: str
    role: str | None  # user, assistant, system, tool; None for the root or an empty node
    text: str
    created: float | None = None
    model: str = ""
    children: list[str] = field(default_factory=list)


@dataclass
class ParsedConversation:
    key: str  # identifies the record across re-runs of the same import
    title: str
    created_at: datetime | None
    updated_at: datetime | None
    system: str
    turns: list[GivenTurn]
    active: int | None  # index of the active leaf's turn


def timestamp(value) -> datetime | None:
    """Epoch seconds (or milliseconds) as an aware datetime; None when absent or unreadable."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    seconds = value / 1000 if value > 1e11 else value
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


@dataclass
class _Walk:
    nodes: dict[str, Node]
    source: str
    turns: list[GivenTurn] = field(default_factory=list)
    turn_of: dict[str, int] = field(default_factory=dict)  # node id -> index of its turn
    system: str = ""

    def add(self, user: Node | None, answer: Node | None, parent: int | None) -> int:
        first = user or answer
        self.turns.append(
            GivenTurn(
                text=user.text if user else "",
                response=answer.text if answer else "",
                parent=parent,
                created_at=timestamp(first.created),
                model_used=answer.model if answer else "",
                extra_info={"imported_from": self.source, "source_message": (answer or user).id},
            )
        )
        return len(self.turns) - 1

    def run(self, roots: list[str]) -> None:
        # Iterative depth-first walk (exports can be thousands of messages deep): (node, parent turn, user).
        stack: list[tuple[str, int | None, Node | None]] = [(root, None, None) for root in reversed(roots)]
        seen: set[str] = set()
        while stack:
            node_id, parent, pending = stack.pop()
            node = self.nodes.get(node_id)
            if node is None or node_id in seen:
                continue
            seen.add(node_id)
            if node.role == "user" and node.text:
                if pending is not None:  # two user messages in a row: the first had no answer
                    parent = self.add(pending, None, parent)
                    self.turn_of.setdefault(pending.id, parent)
                pending = node
            elif node.role == "assistant" and node.text:
                if pending is not None:
                    parent = self.add(pending, node, parent)
                    self.turn_of.setdefault(pending.id, parent)
                    pending = None
                elif parent is not None:  # a further answer (after a tool call): part of the same turn
                    turn = self.turns[parent]
                    turn.response = f"{turn.response}\n\n{node.text}" if turn.response else node.text
                else:  # the assistant spoke first (a greeting)
                    parent = self.add(None, node, None)
            elif node.role == "system" and node.text and not self.system:
                self.system = node.text
            children = [child for child in node.children if child in self.nodes]
            if not children and pending is not None and pending.id not in self.turn_of:
                # A branch ending in a question without an answer keeps the question.
                self.turn_of[pending.id] = self.add(pending, None, parent)
            if parent is not None:
                self.turn_of.setdefault(node.id, parent)
            stack.extend((child, parent, pending) for child in reversed(children))


def tree_to_turns(
    nodes: dict[str, Node], *, current: str | None, source: str, parents: dict[str, str | None]
) -> tuple[str, list[GivenTurn], int | None]:
    """(system prompt, turns with parents before children, index of the active leaf's turn)."""
    roots = [node_id for node_id in nodes if parents.get(node_id) not in nodes]
    walk = _Walk(nodes=nodes, source=source)
    walk.run(roots)
    active = None
    node_id, steps = current, 0
    while node_id is not None and steps <= len(nodes):  # from the current node up to a turn
        if node_id in walk.turn_of:
            active = walk.turn_of[node_id]
            break
        node_id, steps = parents.get(node_id), steps + 1
    return walk.system, walk.turns, active
