"""The engine process: the pipeline and its driver thread, talking to the server process over a socket.

    python -m prompt_forge.ai.openvino_engine.worker <socket fd> <model path> <options as JSON>

The pipeline's `step()` holds the GIL for its whole length (its binding does not release it), so in
the server process it stalled every other thread (HTTP, database, embeddings) for most of each step.
Here it only holds this process's GIL. Messages (pickled, see process.py):

- in: ("submit", id, prompt token ids, SamplingParams, max new tokens), ("cancel", id), ("close",);
- out: ("ready", {"stop_token_ids": [...], "resident_mb": ...}) or ("failed", reason) once the model
  is loaded and has answered a first request, then lists of (id, event): a token id, ("finished",
  reason) or ("error", message), one list per batch of events (usually one step's tokens); id 0 is
  the engine's own: ("idle", MB of KV cache) each time it has finished every request.

The process ends when the server process closes its end of the socket (or dies).
"""

import json
import logging
import queue
import signal
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path

from .driver import EngineDriver
from .loading import EngineOptions, build_pipeline
from .memory import MemoryReturner, malloc_trim, resident_mb
from .request import IDLE_NOTICE, EngineRequest, Finished
from .sampling import generation_config

logger = logging.getLogger(__name__)


class IdleNotice:
    """When the engine has no request left: give memory back, and tell the server process how much the
    KV cache holds (it may hand the engine to a fresh process, see process.py)."""

    def __init__(self, pipeline, outbox: queue.SimpleQueue) -> None:
        self._pipeline = pipeline
        self._outbox = outbox
        self._returner = MemoryReturner(trim=malloc_trim())

    def engine_idle(self) -> None:
        self._returner.engine_idle()
        cache_mb = self._pipeline.get_metrics().kv_cache_size_in_bytes / 2**20
        self._outbox.put((IDLE_NOTICE, ("idle", cache_mb)))


class Forward:
    """A request's event queue that sends its events to the server process, tagged with the request's id."""

    def __init__(self, request_id: int, outbox: queue.SimpleQueue, requests: dict) -> None:
        self.request_id = request_id
        self._outbox = outbox
        self._requests = requests

    def put(self, event) -> None:
        if isinstance(event, Finished):
            event = ("finished", event.reason)
        elif isinstance(event, Exception):
            event = ("error", str(event))
        if isinstance(event, tuple):
            self._requests.pop(self.request_id, None)  # the request's last event
        self._outbox.put((self.request_id, event))


def send_events(connection: Connection, outbox: queue.SimpleQueue) -> None:
    """Send what is waiting in one message: the events of one step travel together."""
    while True:
        batch = [outbox.get()]
        while True:
            try:
                batch.append(outbox.get_nowait())
            except queue.Empty:
                break
        if None in batch:
            return
        try:
            connection.send(batch)
        except OSError:
            return  # the server process is gone


def serve(connection: Connection, driver: EngineDriver, stop_token_ids: frozenset[int], outbox) -> None:
    requests: dict[int, EngineRequest] = {}
    sender = threading.Thread(target=send_events, args=(connection, outbox), name="engine-events", daemon=True)
    sender.start()
    try:
        while True:
            try:
                message = connection.recv()
            except (EOFError, OSError):
                return
            if message[0] == "submit":
                _, request_id, prompt_ids, params, max_new_tokens = message
                request = EngineRequest(
                    prompt_ids=prompt_ids,
                    config=generation_config(params, max_new_tokens=max_new_tokens),
                    stop_token_ids=stop_token_ids,
                    events=Forward(request_id, outbox, requests),
                )
                requests[request_id] = request
                driver.submit(request)
            elif message[0] == "cancel":
                request = requests.get(message[1])
                if request is not None:
                    request.cancel()
            elif message[0] == "close":
                return
    finally:
        driver.close()
        outbox.put(None)
        sender.join(timeout=5)


def warm_up(pipeline) -> None:
    """Answer a first request, so the first real one does not pay for compiling the first shapes."""
    import openvino_genai

    config = openvino_genai.GenerationConfig()
    config.max_new_tokens = 2
    pipeline.generate(["Hello"], [config])


def main(fd: int, model_path: str, options: EngineOptions) -> None:
    connection = Connection(fd)
    try:
        pipeline = build_pipeline(Path(model_path), options)
        config = pipeline.get_config()
        warm_up(pipeline)
    except Exception as exc:  # noqa: BLE001 - reported to the server process, which raises ModelError
        connection.send(("failed", str(exc)))
        return
    stop_token_ids = frozenset(config.stop_token_ids) | {config.eos_token_id}
    outbox: queue.SimpleQueue = queue.SimpleQueue()
    driver = EngineDriver(
        pipeline,
        max_batch=options.max_batch,
        chunk_tokens=options.prefill_chunk_tokens,
        memory=IdleNotice(pipeline, outbox),
    )
    connection.send(("ready", {"stop_token_ids": sorted(stop_token_ids), "resident_mb": resident_mb()}))
    serve(connection, driver, stop_token_ids, outbox)


if __name__ == "__main__":
    # Ctrl-C reaches the whole process group: the server process decides, and this one ends with it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    main(int(sys.argv[1]), sys.argv[2], EngineOptions(**json.loads(sys.argv[3])))
