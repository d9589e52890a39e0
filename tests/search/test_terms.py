"""Words as the keyword index sees them: identifiers whole, case and accents folded, common words dropped."""

from prompt_forge.search.terms import MAX_QUERY_TERMS, query_terms, words


def test_identifiers_codes_and_numbers_are_single_words():
    assert [word for word, _s, _e in words("Error E1107-KX in parse_config at 10:42")] == [
        "error", "e1107-kx", "in", "parse_config", "at", "10", "42",
    ]  # fmt: skip


def test_a_query_keeps_its_meaningful_words_once():
    assert query_terms("What is the E1107-KX error? the error!") == ["e1107-kx", "error"]
    assert query_terms("the") == ["the"]  # only common words: they are what was asked
    assert query_terms("--- ___") == []
    assert len(query_terms(" ".join(f"w{n}" for n in range(100)))) == MAX_QUERY_TERMS


def test_accents_fold_as_the_index_folds_them():
    assert query_terms("Crème BRÛLÉE") == ["creme", "brulee"]
