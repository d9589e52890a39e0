"""Template rendering: variables filled in, missing ones named, nothing of Python reachable."""

import pytest

from prompt_forge.prompt_templates.errors import InvalidTemplateError
from prompt_forge.prompt_templates.rendering import check_content, check_variables, render

SUMMARY = "Summarize {{text}} for {{audience}}"


def test_variables_are_filled_in_and_listed():
    assert render(SUMMARY, {"text": "the report", "audience": "children"}) == "Summarize the report for children"
    assert check_content(SUMMARY).variables == ("audience", "text")
    assert render("{% if n > 2 %}many{% else %}few{% endif %} {{ words|upper }}", {"n": 3, "words": "ok"}) == "many OK"


def test_a_missing_variable_is_named():
    with pytest.raises(InvalidTemplateError, match="missing template variable: audience"):
        render(SUMMARY, {"text": "x"})
    with pytest.raises(InvalidTemplateError, match="missing template variables: audience, text"):
        render(SUMMARY, {})


@pytest.mark.parametrize(
    "payload",
    [
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ text.__init__.__globals__ }}",
        "{{ text|attr('__class__') }}",
        "{{ cycler.__init__.__globals__.os }}",
        "{{ range(10) }}",
        "{{ lipsum }}",
        "{% include '/etc/passwd' %}",
        "{% import 'x' as x %}",
        "{% extends 'base' %}",
        "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
        "{{ '%s' % text }}",
        "{{ 'a' * 100000 }}",
        "{{ 9 ** 999999 }}",
        "{% for a in text %}{% for b in text %}x{% endfor %}{% endfor %}",
        "{{ text|center(100000000) }}",
    ],
)
def test_python_objects_files_and_runaway_output_are_out_of_reach(payload):
    with pytest.raises(InvalidTemplateError) as caught:
        check_content(payload)
        render(payload, {"text": "abc"})
    assert "class" not in str(caught.value).lower() or "not allowed" in str(caught.value)


def test_a_variable_value_is_text_never_rendered():
    payload = "{{ ''.__class__.__mro__ }}"
    assert render("Say: {{ text }}", {"text": payload}) == f"Say: {payload}"


def test_rendered_length_is_bounded_like_a_prompt(settings):
    settings.PROMPT_MAX_CHARS = 50
    with pytest.raises(InvalidTemplateError, match="at most 50 characters"):
        render("{{ a }}{{ a }}", {"a": "x" * 30})
    with pytest.raises(InvalidTemplateError, match="at most 50 characters"):
        check_content("x" * 51)


@pytest.mark.parametrize(
    "variables",
    [[], {"bad name": "x"}, {"x": None}, {"x": {"nested": 1}}, {f"v{i}": "x" for i in range(51)}],
)
def test_variables_must_be_a_flat_object_of_names(variables):
    with pytest.raises(InvalidTemplateError):
        check_variables(variables)
