"""The engine seen from the server process: requests go to the engine process (worker.py), their
tokens come back, one message per engine step.

The engine runs in a process of its own because the pipeline's `step()` holds the GIL for its whole
length: in the server process, every other thread (HTTP, database, embedding the answers) waited for
each step to end, and the batch drained while the finished requests' answers were stored. The engine
process is started with the generator, ends with it (or when the server process dies: it reads the
end of its socket), and is started again by the next request if it died.
"""

import atexit
import contextlib
import itertools
import json
import logging
import os
import socket
import subprocess
import sys
import threading
from dataclasses import asdict
from multiprocessing.connection import Connection
from pathlib import Path

from ..base import ModelError, SamplingParams
from .loading import EngineOptions
from .request import EngineRequest, Finished

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[3]
STOPPED = "the generation engine stopped"


class EngineProcess:
    def __init__(self, model_path: Path, options: EngineOptions) -> None:
        self.max_batch = options.max_batch
        self.chunk_tokens = options.prefill_chunk_tokens
        self.stop_token_ids: frozenset[int] = frozenset()
        self._model_path = model_path
        self._options = options
        self._lock = threading.Lock()  # one sender at a time; (re)starts
        self._requests: dict[int, tuple[EngineRequest, Connection]] = {}  # sent (on that connection), not finished
        self._ids = itertools.count(1)
        self._closing = False
        self._launch()
        atexit.register(self.close)

    @property
    def running(self) -> int:
        """Requests sent to the engine and not finished (waiting for a place in the batch included)."""
        return len(self._requests)

    @property
    def pid(self) -> int:
        return self._process.pid

    def _launch(self) -> None:
        """Start the engine process; `wait_ready()` waits for its model."""
        ours, theirs = socket.socketpair()
        options = json.dumps(asdict(self._options))
        command = [sys.executable, "-m", "prompt_forge.ai.openvino_engine.worker", str(theirs.fileno()),
                   str(self._model_path), options]  # fmt: skip
        path = os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))
        with theirs:
            self._process = subprocess.Popen(
                command, pass_fds=[theirs.fileno()], env={**os.environ, "PYTHONPATH": path}, stdin=subprocess.DEVNULL
            )
        self._connection = Connection(ours.detach())

    def wait_ready(self) -> None:
        """Wait until the engine process has loaded the model; ModelError if it could not."""
        try:
            message = self._connection.recv()
        except (EOFError, OSError):
            message = ("failed", f"the engine process exited with code {self._process.wait()}")
        if message[0] != "ready":
            self._connection.close()
            self._process.wait()
            raise ModelError(message[1])
        self.stop_token_ids = frozenset(message[1]["stop_token_ids"])
        receiver = threading.Thread(target=self._receive, args=(self._connection,), name="engine-tokens", daemon=True)
        receiver.start()

    def submit(self, request: EngineRequest, *, params: SamplingParams, max_new_tokens: int) -> None:
        with self._lock:
            if self._closing:
                raise ModelError("the generation engine is closed")
            if self._process.poll() is not None:
                logger.warning("the generation engine process ended (code %s); starting it again", self._process.poll())
                self._launch()
                self.wait_ready()
            request_id = next(self._ids)
            self._requests[request_id] = (request, self._connection)
            request.on_cancel = lambda: self._cancel(request_id)
            self._connection.send(("submit", request_id, request.prompt_ids, params, max_new_tokens))
        if request.cancelled.is_set():  # cancelled before it was sent
            self._cancel(request_id)

    def _cancel(self, request_id: int) -> None:
        with self._lock:
            _, connection = self._requests.get(request_id, (None, None))
            if connection is not None and not self._closing:
                with contextlib.suppress(OSError):  # the engine process is gone: the receiver ends the request
                    connection.send(("cancel", request_id))

    def _receive(self, connection: Connection) -> None:
        while True:
            try:
                batch = connection.recv()
            except (EOFError, OSError):
                break
            for request_id, event in batch:
                request, _ = self._requests.get(request_id, (None, None))
                if request is None:
                    continue
                if isinstance(event, int):
                    request.accept(event)
                    continue
                del self._requests[request_id]
                kind, detail = event
                request.events.put(Finished(detail) if kind == "finished" else ModelError(detail))
        with self._lock:  # the process ended: so did the requests it had
            lost = [request_id for request_id, (_, sent_on) in self._requests.items() if sent_on is connection]
            requests = [self._requests.pop(request_id)[0] for request_id in lost]
        for request in requests:
            request.events.put(ModelError(STOPPED))

    def close(self) -> None:
        """End the engine process; requests still running end with ModelError."""
        with self._lock:
            if self._closing:
                return
            self._closing = True
            with contextlib.suppress(OSError):
                self._connection.send(("close",))
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._connection.close()
