"""The in-process generator with the real default model (SmolLM2-135M-Instruct, read from the bundled
GGUF by OpenVINO GenAI): batched requests each answer their own question, streams never mix, a
request whose client is gone or whose deadline passed frees its place, sampling parameters hold."""

import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from prompt_forge.ai.base import Generation, ModelError, SamplingParams
from prompt_forge.ai.bundled import SMOLLM2_ID
from prompt_forge.ai.deadline import ModelTimeoutError, generate_within
from prompt_forge.ai.openvino_engine import OpenVINOGenerator
from tests.polling import wait_for

MAX_BATCH = 4
NEVER = ("a string the model will not write",)


@pytest.fixture(scope="module")
def generator():
    generator = OpenVINOGenerator(SMOLLM2_ID, max_new_tokens=24, max_batch=MAX_BATCH)
    yield generator
    generator.engine.close()


def _alone(generator, question: str, limit: int) -> Generation:
    return generator.generate(question, params=SamplingParams(max_new_tokens=limit))


def test_answers_the_capital_of_france(generator):
    answer = _alone(generator, "What is the capital of France?", 24)
    assert "Paris" in answer.text
    assert answer.finish_reason == "stop"
    assert answer.params["engine"] == {"backend": "openvino", "max_batch": MAX_BATCH}
    assert answer.prompt_tokens == generator.count_tokens("What is the capital of France?")
    assert generator.context_length == 8192


# Questions whose right answer is one word: batched, each request must still answer its own question.
CAPITALS = [
    ("What is the capital of France?", "Paris"),
    ("What is the capital of Italy?", "Rome"),
    ("What is the capital of Japan?", "Tokyo"),
    ("What is the capital of Germany?", "Berlin"),
]


def test_batched_requests_each_answer_their_own_question(generator):
    # More requests than places: some wait and join while the others decode.
    with ThreadPoolExecutor(len(CAPITALS) * 2) as pool:
        futures = [pool.submit(_alone, generator, question, 16) for question, _ in CAPITALS * 2]
        together = [future.result(timeout=120) for future in futures]
    for (_, capital), answer in zip(CAPITALS * 2, together, strict=True):
        assert capital in answer.text


def test_concurrent_streams_never_mix(generator):
    def collect(question: str) -> tuple[str, Generation]:
        pieces, final = [], None
        for event in generator.stream(question, params=SamplingParams(max_new_tokens=16)):
            if isinstance(event, Generation):
                final = event
            else:
                pieces.append(event)
        return "".join(pieces), final

    with ThreadPoolExecutor(len(CAPITALS)) as pool:
        results = list(pool.map(collect, [question for question, _ in CAPITALS]))
    for (_, capital), (streamed, final) in zip(CAPITALS, results, strict=True):
        assert streamed == final.text
        assert capital in streamed and all(other not in streamed for _, other in CAPITALS if other != capital)


def test_a_request_whose_client_is_gone_frees_its_place(generator):
    engine = generator.engine
    long = SamplingParams(max_new_tokens=120, stop=NEVER)
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


def test_a_deadline_drops_the_request_even_while_its_prompt_is_read(generator):
    long_prompt = "Summarise this. " + "The quick brown fox jumps over the lazy dog. " * 600  # ~6,000 tokens
    started = time.perf_counter()
    with pytest.raises(ModelTimeoutError):
        generate_within(generator, long_prompt, timeout_s=0.5, params=SamplingParams(max_new_tokens=8))
    # The engine drops it at its next step: it does not read the rest of the prompt first.
    assert wait_for(lambda: generator.engine.running == 0, timeout_s=5)
    assert time.perf_counter() - started < 4
    assert "Paris" in _alone(generator, "What is the capital of France?", 12).text


def test_a_short_request_is_answered_while_a_long_prompt_is_read(generator):
    long_prompt = "Summarise this. " + "The quick brown fox jumps over the lazy dog. " * 300  # ~3,000 tokens
    finished = {}

    def ask(name: str, prompt: str, limit: int) -> None:
        answer = generator.generate(prompt, params=SamplingParams(max_new_tokens=limit))
        finished[name] = (time.perf_counter(), answer)

    reading = threading.Thread(target=ask, args=("long", long_prompt, 1))
    reading.start()
    assert wait_for(lambda: generator.engine.running == 1, timeout_s=5)
    ask("short", "What is the capital of France?", 12)
    reading.join()
    # The long prompt is read in pieces between the short request's steps, not before them.
    assert finished["short"][0] < finished["long"][0]
    assert "Paris" in finished["short"][1].text
    assert finished["long"][1].prompt_tokens > 2 * generator.engine.chunk_tokens


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


def test_the_tiniest_top_p_keeps_the_most_likely_token(generator):
    # 5e-324 is a valid top_p (above 0) that float32 rounds to 0: the answer is the greedy one.
    params = SamplingParams(max_new_tokens=12, temperature=2.0, top_p=5e-324, seed=1)
    answer = generator.generate("What is the capital of France?", params=params)
    assert answer.text == _alone(generator, "What is the capital of France?", 12).text


def test_a_prompt_beyond_the_context_is_refused_before_it_runs(generator):
    with pytest.raises(ModelError, match="the model reads at most 8192"):
        generator.stream("word " * 9000)


def _resident_mb(pid: int) -> float:
    with open(f"/proc/{pid}/statm", encoding="utf-8") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_memory_comes_back_after_a_long_prompt(generator):
    engine = generator.engine
    for _ in range(3):
        _alone(generator, "What is the capital of France?", 12)
    before = _resident_mb(engine.pid)
    long_prompt = f"Summarise this ({time.time_ns()}). " + "The quick brown fox jumps over the lazy dog. " * 350
    assert generator.generate(long_prompt, params=SamplingParams(max_new_tokens=1)).prompt_tokens > 3000
    # Once idle, the engine process gives back what reading ~3,500 tokens took (the cache grew by ~50 MB).
    assert wait_for(lambda: _resident_mb(engine.pid) < before * 1.1, timeout_s=10), (before, _resident_mb(engine.pid))


def test_a_cache_size_below_zero_is_refused_by_name():
    with pytest.raises(ModelError, match="GENERATION_CACHE_GB must be 0"):
        OpenVINOGenerator(SMOLLM2_ID, max_new_tokens=8, cache_gb=-1)


def test_when_the_engine_process_dies_its_requests_fail_and_the_next_one_starts_it_again(generator):
    stream = generator.stream(
        "Tell me a long story about a dragon.", params=SamplingParams(max_new_tokens=120, stop=NEVER)
    )
    next(stream)
    old = generator.engine.pid
    os.kill(old, signal.SIGKILL)
    with pytest.raises(ModelError, match="the generation engine stopped"):
        list(stream)
    assert generator.engine.running == 0
    assert "Paris" in _alone(generator, "What is the capital of France?", 12).text  # a new engine process
    assert generator.engine.pid != old
