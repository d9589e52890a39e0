"""stream_in_thread: a blocking iterator consumed from async code, in its own thread."""

import asyncio
import threading

import pytest

from prompt_forge.common.thread_bridge import stream_in_thread


async def test_items_arrive_in_order_from_another_thread():
    loop_thread = threading.get_ident()
    seen_threads = []

    def numbers():
        for n in range(5):
            seen_threads.append(threading.get_ident())
            yield n

    assert [n async for n in stream_in_thread(numbers)] == [0, 1, 2, 3, 4]
    assert loop_thread not in seen_threads


async def test_an_error_in_the_iterator_is_raised_on_the_event_loop_side():
    def failing():
        yield 1
        raise ValueError("broken model")

    received = []
    with pytest.raises(ValueError, match="broken model"):
        async for item in stream_in_thread(failing):
            received.append(item)
    assert received == [1]


async def test_stopping_early_closes_the_iterator():
    closed = threading.Event()

    def endless():
        try:
            n = 0
            while True:
                n += 1
                yield n
        finally:
            closed.set()

    stream = stream_in_thread(endless)
    assert await anext(stream) == 1
    await stream.aclose()
    assert await asyncio.to_thread(closed.wait, 5), "the iterator kept running after the consumer left"
