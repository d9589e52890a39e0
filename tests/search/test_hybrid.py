"""Reciprocal rank fusion: a turn both rankings found comes before one either found alone."""

from prompt_forge.search.hybrid import RRF_K, depth_for, fuse


def test_found_by_both_beats_first_in_either():
    scores = fuse([[1, 2, 3], [4, 2, 5]])
    assert max(scores, key=scores.get) == 2
    assert scores[1] == scores[4] == 1 / (RRF_K + 1)


def test_each_ranking_contributes_a_bounded_depth():
    assert depth_for(1) == 30 and depth_for(20) == 60 and depth_for(50) == 150 and depth_for(500) == 200
