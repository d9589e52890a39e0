"""generate_within: a slow or stuck model gives up at the deadline and is told to stop."""

import threading
import time

import pytest

from prompt_forge.ai.base import Generation, ModelError
from prompt_forge.ai.deadline import ModelTimeoutError, generate_within

DONE = Generation(text="hi", model="m", prompt_tokens=1, completion_tokens=1, duration_ms=1.0)


class ScriptedGenerator:
    model_name = "scripted"

    def __init__(self, *, delay: float = 0.0, fail: Exception | None = None, final: bool = True) -> None:
        self.delay, self.fail, self.final = delay, fail, final
        self.closed = threading.Event()
        self.generate_calls = 0

    def generate(self, prompt, *, params=None):
        self.generate_calls += 1
        return DONE

    def stream(self, prompt, *, params=None):
        try:
            for _ in range(50):
                time.sleep(self.delay)
                if self.fail:
                    raise self.fail
                yield "x"
            if self.final:
                yield DONE
        finally:
            self.closed.set()


def test_an_answer_within_the_deadline_is_returned():
    assert generate_within(ScriptedGenerator(), "q", timeout_s=5) == DONE


def test_a_slow_model_times_out_and_its_stream_is_closed():
    model = ScriptedGenerator(delay=0.05)
    started = time.monotonic()
    with pytest.raises(ModelTimeoutError, match="longer than 0.2 s"):
        generate_within(model, "q", timeout_s=0.2)
    assert time.monotonic() - started < 1.5
    assert model.closed.wait(timeout=2), "the model was not told to stop"


def test_model_errors_pass_through_and_other_errors_become_model_errors():
    with pytest.raises(ModelError, match="out of memory"):
        generate_within(ScriptedGenerator(fail=ModelError("out of memory")), "q", timeout_s=5)
    with pytest.raises(ModelError, match="generation failed: boom"):
        generate_within(ScriptedGenerator(fail=RuntimeError("boom")), "q", timeout_s=5)


def test_a_stream_without_a_result_is_a_model_error():
    with pytest.raises(ModelError, match="ended without an answer"):
        generate_within(ScriptedGenerator(final=False), "q", timeout_s=5)


def test_no_deadline_calls_generate_directly():
    model = ScriptedGenerator()
    assert generate_within(model, "q", timeout_s=0) == DONE
    assert model.generate_calls == 1
