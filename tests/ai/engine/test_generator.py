"""The generation engine with the real default model (SmolLM2-135M-Instruct, int8): batched requests
give exactly what they give alone, streams never mix, and a request whose client is gone frees its place.

The model is loaded once for this module from the weight cache under data/models (built on first use).
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from prompt_forge.ai.base import Generation, SamplingParams
from prompt_forge.ai.bundled import SMOLLM2_ID
from prompt_forge.ai.engine import EngineGenerator
from prompt_forge.ai.int8 import int8_sums_exact
from tests.polling import wait_for

REPO = Path(__file__).resolve().parents[3]
MAX_BATCH = 4
QUESTIONS = [
    ("What is the capital of France?", 12),
    ("Name three primary colors.", 20),
    ("Write a haiku about the sea.", 24),
    ("How do I boil an egg?", 16),
]


@pytest.fixture(scope="module")
def generator():
    return EngineGenerator(
        SMOLLM2_ID, max_new_tokens=24, cache_dir=REPO / "data" / "models", quantize="int8", max_batch=MAX_BATCH
    )


def _alone(generator, question: str, limit: int) -> Generation:
    return generator.generate(question, params=SamplingParams(max_new_tokens=limit))


def test_answers_the_capital_of_france(generator):
    answer = _alone(generator, "What is the capital of France?", 12)
    assert "Paris" in answer.text
    assert answer.finish_reason == "stop"
    # int8 only where this CPU sums int8 products exactly (prompt_forge/ai/int8.py), float32 elsewhere.
    expected = "int8" if int8_sums_exact() else "none"
    assert answer.params["engine"] == {"max_batch": MAX_BATCH, "quantize": expected}


def test_batched_requests_give_exactly_what_they_give_alone(generator):
    alone = {question: _alone(generator, question, limit) for question, limit in QUESTIONS}
    with ThreadPoolExecutor(len(QUESTIONS) * 2) as pool:  # more requests than places: some wait and join
        futures = [pool.submit(_alone, generator, q, limit) for q, limit in QUESTIONS * 2]
        together = [future.result(timeout=120) for future in futures]
    for (question, _), answer in zip(QUESTIONS * 2, together, strict=True):
        assert answer.text == alone[question].text
        assert answer.completion_tokens == alone[question].completion_tokens


def test_concurrent_streams_never_mix(generator):
    expected = {question: _alone(generator, question, limit).text for question, limit in QUESTIONS}

    def collect(question: str, limit: int) -> tuple[str, Generation]:
        pieces, final = [], None
        for event in generator.stream(question, params=SamplingParams(max_new_tokens=limit)):
            if isinstance(event, Generation):
                final = event
            else:
                pieces.append(event)
        return "".join(pieces), final

    with ThreadPoolExecutor(len(QUESTIONS)) as pool:
        results = list(pool.map(lambda item: collect(*item), QUESTIONS))
    for (question, _), (streamed, final) in zip(QUESTIONS, results, strict=True):
        assert streamed == final.text == expected[question]


def test_a_request_whose_client_is_gone_frees_its_place(generator):
    engine = generator.engine
    long = SamplingParams(max_new_tokens=120, stop=("a string the model will not write",))
    streams = [generator.stream(f"Tell me a long story about dragon number {n}.", params=long) for n in range(4)]
    for stream in streams:
        next(stream)  # each request is generating now: every place of the batch is taken
    assert engine.running == MAX_BATCH
    streams[0].close()  # its client went away

    done = threading.Event()
    results = []

    def short_request() -> None:
        results.append(_alone(generator, "What is the capital of France?", 12))
        done.set()

    threading.Thread(target=short_request).start()
    assert done.wait(60), "a request waiting for a free place was never served"
    assert "Paris" in results[0].text
    assert engine.running >= MAX_BATCH - 2  # served while the other long requests still run
    for stream in streams[1:]:
        stream.close()
    assert wait_for(lambda: engine.running == 0, timeout_s=30), "closed streams kept their places"


def test_stop_strings_and_token_limits(generator):
    stopped = generator.generate("What is the capital of France?", params=SamplingParams(stop=("Paris",)))
    assert "Paris" not in stopped.text and stopped.text.startswith("The capital of France is")
    assert stopped.finish_reason == "stop"
    limited = generator.generate("Write a haiku about the sea.", params=SamplingParams(max_new_tokens=3))
    assert limited.completion_tokens == 3
    assert limited.finish_reason == "length"


def test_sampling_with_a_seed_is_reproducible(generator):
    params = SamplingParams(max_new_tokens=16, temperature=1.2, top_p=0.95, seed=7)
    first = generator.generate("Invent a name for a cat.", params=params)
    assert generator.generate("Invent a name for a cat.", params=params).text == first.text
    assert first.params["decoding"] == "sampling"
    others = {
        generator.generate("Invent a name for a cat.", params=SamplingParams(16, 1.2, 0.95, seed=seed)).text
        for seed in (1, 2, 3)
    }
    assert len(others | {first.text}) > 1  # sampling does vary with the seed


def test_thread_count_follows_the_step_size():
    from prompt_forge.ai.engine.scheduler import WIDE_STEP, BatchingEngine
    from prompt_forge.ai.threads import cpu_count

    automatic, fixed = BatchingEngine(None, max_batch=8), BatchingEngine(None, max_batch=8, threads=3)
    try:
        assert automatic.threads_for(1) == automatic.threads_for(WIDE_STEP - 1) == 1
        assert automatic.threads_for(WIDE_STEP) == cpu_count()
        assert fixed.threads_for(1) == fixed.threads_for(8) == 3
    finally:
        automatic.close()
        fixed.close()
    with pytest.raises(ValueError, match="GENERATION_THREADS"):
        BatchingEngine(None, max_batch=8, threads=-1)
