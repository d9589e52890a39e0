"""Paths and siblings in a conversation's tree of turns, computed from (id, parent id) pairs alone."""

from collections import defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class Tree:
    """A conversation's turns as a tree: `parents[id]` is the parent id (None for a first turn)."""

    parents: dict[int, int | None]

    @classmethod
    def of(cls, pairs) -> "Tree":
        return cls(dict(pairs))

    def children(self) -> dict[int | None, list[int]]:
        """Each turn's children (None: the first turns), in creation (id) order."""
        children: dict[int | None, list[int]] = defaultdict(list)
        for turn_id in sorted(self.parents):
            children[self.parents[turn_id]].append(turn_id)
        return children

    def newest_leaf_below(self, turn_id: int | None) -> int | None:
        """The leaf reached from `turn_id` (None: the root) by always taking the newest child."""
        children = self.children()
        current = turn_id
        while children.get(current):
            current = children[current][-1]
        return current

    def path_to(self, turn_id: int) -> list[int]:
        """The ids from the first turn down to `turn_id`."""
        path: list[int] = []
        seen: set[int] = set()
        current: int | None = turn_id
        while current is not None and current in self.parents and current not in seen:
            seen.add(current)
            path.append(current)
            current = self.parents[current]
        return path[::-1]

    def active_leaf(self, active_turn_id: int | None) -> int | None:
        """The leaf shown: the active turn (continued down its newest children), else the newest leaf."""
        if active_turn_id is not None and active_turn_id in self.parents:
            return self.newest_leaf_below(active_turn_id)
        if not self.parents:
            return None
        return self.newest_leaf_below(max(self.parents))

    def active_path(self, active_turn_id: int | None) -> list[int]:
        leaf = self.active_leaf(active_turn_id)
        return [] if leaf is None else self.path_to(leaf)

    def siblings(self, turn_ids: list[int]) -> dict[int, list[int]]:
        """For each turn, the alternatives at its position (itself included), in creation order."""
        children = self.children()
        return {turn_id: children[self.parents[turn_id]] for turn_id in turn_ids}
