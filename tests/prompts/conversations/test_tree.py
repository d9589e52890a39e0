"""Paths and siblings from (id, parent) pairs."""

from prompt_forge.prompts.conversations.tree import Tree

# 1 -> 2 -> 3, 2 -> 5 (a regenerated answer), 1 -> 4 -> 6 (an edited second prompt), 7: an edited first one
TREE = Tree.of([(1, None), (2, 1), (3, 2), (4, 1), (5, 2), (6, 4), (7, None)])


def test_path_and_siblings():
    assert TREE.path_to(5) == [1, 2, 5]
    assert TREE.siblings([1, 2, 5]) == {1: [1, 7], 2: [2, 4], 5: [3, 5]}


def test_active_leaf_follows_the_newest_children_below_the_active_turn():
    assert TREE.active_path(2) == [1, 2, 5]
    assert TREE.active_path(1) == [1, 4, 6]
    assert TREE.active_path(3) == [1, 2, 3]


def test_without_an_active_turn_the_newest_turn_is_shown():
    assert TREE.active_path(None) == [7]
    assert Tree.of([(1, None), (2, 1)]).active_path(None) == [1, 2]
    assert Tree.of([]).active_path(None) == []
    assert TREE.active_path(99) == [7]  # a deleted active turn
