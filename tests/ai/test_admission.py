"""Token-aware admission: a prompt's budget is GENERATION_MAX_PROMPT_TOKENS, and always leaves room
for the answer in the model's context."""

import pytest

from prompt_forge.ai.admission import PromptTooLongError, check_prompt_tokens, prompt_token_budget
from prompt_forge.ai.base import SamplingParams
from tests.fakes import FakeGenerator


def test_the_budget_is_the_setting_within_the_context(settings):
    generator = FakeGenerator()  # context 2048 tokens
    settings.GENERATION_MAX_NEW_TOKENS = 128
    settings.GENERATION_MAX_PROMPT_TOKENS = 500
    assert prompt_token_budget(generator) == 500
    settings.GENERATION_MAX_PROMPT_TOKENS = 100_000
    assert prompt_token_budget(generator) == 2048 - 128  # room for the answer stays
    assert prompt_token_budget(generator, SamplingParams(max_new_tokens=48)) == 2048 - 48


def test_a_prompt_over_the_budget_is_refused_naming_the_limit(settings):
    settings.GENERATION_MAX_PROMPT_TOKENS = 20
    generator = FakeGenerator()  # a word is a token, each message 4 more
    check_prompt_tokens(generator, "word " * 16)  # 20 tokens: accepted
    conversation = [{"role": "system", "content": "word " * 10}, {"role": "user", "content": "word " * 3}]
    with pytest.raises(PromptTooLongError, match="takes 21 tokens .* at most 20 are accepted") as refused:
        check_prompt_tokens(generator, conversation)  # the system prompt counts too
    assert (refused.value.tokens, refused.value.limit) == (21, 20)
