"""A blocking iterator consumed from async code: it runs in its own thread, items cross to the event loop.

Used for prompt streams (the WebSocket consumer, /v1 server-sent events), so generation never runs on
the event loop. Imports nothing of the project.
"""

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Iterator

from django.db import connections

_END = object()


async def stream_in_thread(make_stream: Callable[[], Iterator]) -> AsyncIterator:
    """Iterate a blocking iterator in its own thread and hand each item to the event loop.

    When the consumer stops early (cancelled, closed), the thread stops after the next item and
    closes the iterator, which cancels generation.
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue = asyncio.Queue()
    stop = threading.Event()

    def hand_over(item, error=None) -> None:
        try:
            loop.call_soon_threadsafe(queue.put_nowait, (item, error))
        except RuntimeError:  # the loop is gone (server shutting down): nobody is listening
            stop.set()

    def run() -> None:
        iterator = make_stream()
        try:
            for item in iterator:
                if stop.is_set():
                    break
                hand_over(item)
        except BaseException as exc:  # noqa: BLE001 - re-raised on the event loop side
            hand_over(None, exc)
        finally:
            try:
                iterator.close()
            finally:
                connections.close_all()  # this thread's database connections end with it
                hand_over(_END)

    threading.Thread(target=run, name="prompt-stream", daemon=True).start()
    try:
        while True:
            item, error = await queue.get()
            if error is not None:
                raise error
            if item is _END:
                return
            yield item
    finally:
        stop.set()
