"""Context assembly: system prompt and earlier turns, oldest dropped first when over the model's context."""

from prompt_forge.ai.base import SamplingParams
from prompt_forge.prompts.conversations.context import Exchange, assemble
from tests.fakes import FakeGenerator


class SmallContext(FakeGenerator):
    context_length = 60  # fake tokens: a word each, plus 4 per message


def test_everything_fits_and_is_in_order():
    earlier = [Exchange("one", "first answer"), Exchange("two", "second answer")]
    context = assemble(system="Be brief.", earlier=earlier, text="three", generator=FakeGenerator(), params=None)
    assert [m["content"] for m in context.messages] == [
        "Be brief.",
        "one",
        "first answer",
        "two",
        "second answer",
        "three",
    ]
    assert [m["role"] for m in context.messages] == ["system", "user", "assistant", "user", "assistant", "user"]
    assert (context.earlier_turns, context.dropped_turns) == (2, 0)


def test_oldest_turns_are_dropped_first_never_the_system_or_new_prompt():
    # Each exchange: 2 messages * 4 + 5 words = 13 tokens; system 4 + 3, new prompt 4 + 2; answer room 10.
    earlier = [Exchange(f"question {i}", f"answer {i} is here") for i in range(10)]
    context = assemble(
        system="Be very brief.",
        earlier=earlier,
        text="last question",
        generator=SmallContext(),
        params=SamplingParams(max_new_tokens=10),
    )
    # Budget 50: system 7 + prompt 6 leaves 37, so 2 exchanges (26) fit and 3 (39) do not.
    assert (context.earlier_turns, context.dropped_turns) == (2, 8)
    contents = [m["content"] for m in context.messages]
    assert contents == [
        "Be very brief.",
        "question 8",
        "answer 8 is here",
        "question 9",
        "answer 9 is here",
        "last question",
    ]
    assert SmallContext().count_tokens(context.messages) <= 50


def test_no_room_at_all_keeps_only_system_and_prompt():
    earlier = [Exchange("question", "answer " * 100)]
    context = assemble(system="", earlier=earlier, text="hi", generator=SmallContext(), params=None)
    assert context.messages == [{"role": "user", "content": "hi"}] and context.dropped_turns == 1


def test_turns_without_an_answer_are_left_out():
    earlier = [Exchange("failed question", ""), Exchange("good", "answer")]
    context = assemble(system="", earlier=earlier, text="next", generator=FakeGenerator(), params=None)
    assert [m["content"] for m in context.messages] == ["good", "answer", "next"]
    assert context.earlier_turns == 1
