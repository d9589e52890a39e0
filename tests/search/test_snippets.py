"""Snippets show where the query's words are, by offsets into plain text, from the prompt or the answer."""

from prompt_forge.search.snippets import SNIPPET_CHARS, matched_fields, snippet
from prompt_forge.search.terms import query_terms


def marked(result) -> list[str]:
    return [result.text[start:end] for start, end in result.highlights]


def test_the_prompts_matching_words_are_marked_case_and_accents_aside():
    result = snippet(prompt="Café opening hours for the CAFE on Main St", answer="", terms=query_terms("cafe"))
    assert result.field == "prompt"
    assert marked(result) == ["Café", "CAFE"]


def test_a_word_only_the_answer_has_gives_an_answer_snippet_around_it():
    answer = "x " * 300 + "the code is E1107-KX, restart the job"
    result = snippet(prompt="why did the job fail?", answer=answer, terms=query_terms("E1107-KX"))
    assert result.field == "answer"
    assert marked(result) == ["E1107-KX"]
    assert len(result.text) <= SNIPPET_CHARS
    assert matched_fields(prompt="why did the job fail?", answer=answer, terms=query_terms("E1107-KX")) == ["answer"]


def test_markup_stays_text_and_offsets_count_characters():
    result = snippet(prompt="<b>naïve</b> parse_config ✓ parse_config", answer="", terms=query_terms("parse_config"))
    assert marked(result) == ["parse_config", "parse_config"]
    assert result.as_dict()["text"].startswith("<b>")


def test_no_match_shows_the_prompts_start():
    result = snippet(prompt="a" * 500, answer="b", terms=query_terms("zebra"))
    assert (result.field, result.highlights, len(result.text)) == ("prompt", [], SNIPPET_CHARS)
