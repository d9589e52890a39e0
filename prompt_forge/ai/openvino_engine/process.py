"""The engine seen from the server process: requests go to the engine process (worker.py), their
tokens come back, one message per engine step.

The engine runs in a process of its own because the pipeline's `step()` holds the GIL for its whole
length: in the server process, every other thread (HTTP, database, embedding the answers) waited for
each step to end, and the batch drained while the finished requests' answers were stored. The engine
process is started with the generator, ends with it (or when the server process dies: it reads the
end of its socket), and is started again by the next request if it died.

Memory: the KV cache grows to fit the longest requests and never shrinks. When the engine has been idle
for REPLACE_AFTER_IDLE_S with a cache holding more than REPLACE_ABOVE of what the engine process took
at start (a long prompt was read), a fresh engine process is started and takes over, and the old one
ends: its memory goes back to the system. Requests meanwhile go to the old process, which ends once
they are done. The prefix cache goes with it (a long conversation's next turn reads its history again).
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
from dataclasses import asdict, dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from ..base import ModelError, SamplingParams
from .loading import EngineOptions
from .request import IDLE_NOTICE, EngineRequest, Finished

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[3]
STOPPED = "the generation engine stopped"
REPLACE_AFTER_IDLE_S = 5.0
REPLACE_ABOVE = 0.10  # of the engine process's memory at start, held by the KV cache when idle


@dataclass(eq=False)
class _Child:
    process: subprocess.Popen
    connection: Connection
    resident_mb: float = 0.0  # at start, once ready
    retiring: bool = False  # replaced: ends when its last request is done


class EngineProcess:
    def __init__(self, model_path: Path, options: EngineOptions) -> None:
        self.max_batch = options.max_batch
        self.chunk_tokens = options.prefill_chunk_tokens
        self.stop_token_ids: frozenset[int] = frozenset()
        self.replacements = 0
        self._model_path = model_path
        self._options = options
        self._lock = threading.Lock()  # one sender at a time; (re)starts and replacements
        self._requests: dict[int, tuple[EngineRequest, _Child]] = {}  # sent (to that process), not finished
        self._ids = itertools.count(IDLE_NOTICE + 1)
        self._submitted = 0  # requests ever sent: a replacement waits for a quiet engine
        self._closing = False
        self._replacing: threading.Timer | threading.Thread | None = None
        self._child = self._spawn()
        atexit.register(self.close)

    @property
    def running(self) -> int:
        """Requests sent to the engine and not finished (waiting for a place in the batch included)."""
        return len(self._requests)

    @property
    def pid(self) -> int:
        return self._child.process.pid

    def _spawn(self) -> _Child:
        """Start an engine process; `_ready()` waits for its model."""
        ours, theirs = socket.socketpair()
        options = json.dumps(asdict(self._options))
        command = [sys.executable, "-m", "prompt_forge.ai.openvino_engine.worker", str(theirs.fileno()),
                   str(self._model_path), options]  # fmt: skip
        path = os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))
        with theirs:
            process = subprocess.Popen(
                command, pass_fds=[theirs.fileno()], env={**os.environ, "PYTHONPATH": path}, stdin=subprocess.DEVNULL
            )
        return _Child(process, Connection(ours.detach()))

    def _ready(self, child: _Child) -> None:
        """Wait until the engine process has loaded the model, then take its tokens; ModelError if it could not."""
        try:
            message = child.connection.recv()
        except (EOFError, OSError):
            message = ("failed", f"the engine process exited with code {child.process.wait()}")
        if message[0] != "ready":
            child.connection.close()
            child.process.wait()
            raise ModelError(message[1])
        self.stop_token_ids = frozenset(message[1]["stop_token_ids"])
        child.resident_mb = message[1]["resident_mb"]
        threading.Thread(target=self._receive, args=(child,), name="engine-tokens", daemon=True).start()

    def wait_ready(self) -> None:
        self._ready(self._child)

    def submit(self, request: EngineRequest, *, params: SamplingParams, max_new_tokens: int) -> None:
        with self._lock:
            if self._closing:
                raise ModelError("the generation engine is closed")
            if self._child.process.poll() is not None:
                code = self._child.process.poll()
                logger.warning("the generation engine process ended (code %s); starting it again", code)
                self._child = self._spawn()
                self._ready(self._child)
            request_id = next(self._ids)
            self._requests[request_id] = (request, self._child)
            self._submitted += 1
            request.on_cancel = lambda: self._cancel(request_id)
            self._child.connection.send(("submit", request_id, request.prompt_ids, params, max_new_tokens))
        if request.cancelled.is_set():  # cancelled before it was sent
            self._cancel(request_id)

    def _cancel(self, request_id: int) -> None:
        with self._lock:
            _, child = self._requests.get(request_id, (None, None))
            if child is not None and not self._closing:
                with contextlib.suppress(OSError):  # the engine process is gone: the receiver ends the request
                    child.connection.send(("cancel", request_id))

    def _receive(self, child: _Child) -> None:
        while True:
            try:
                batch = child.connection.recv()
            except (EOFError, OSError):
                break
            for request_id, event in batch:
                if request_id == IDLE_NOTICE:
                    self._engine_idle(child, cache_mb=event[1])
                    continue
                request, _ = self._requests.get(request_id, (None, None))
                if request is None:
                    continue
                if isinstance(event, int):
                    request.accept(event)
                    continue
                with self._lock:
                    del self._requests[request_id]
                    if child.retiring and not any(sent_to is child for _, sent_to in self._requests.values()):
                        self._end(child)
                kind, detail = event
                request.events.put(Finished(detail) if kind == "finished" else ModelError(detail))
        with self._lock:  # the process ended: so did the requests it had
            lost = [request_id for request_id, (_, sent_to) in self._requests.items() if sent_to is child]
            requests = [self._requests.pop(request_id)[0] for request_id in lost]
        child.process.wait()
        for request in requests:
            request.events.put(ModelError(STOPPED))

    def _engine_idle(self, child: _Child, *, cache_mb: float) -> None:
        """The engine process has no request left and its KV cache takes `cache_mb`."""
        with self._lock:
            if child is not self._child or self._closing or self._replacing is not None:
                return
            if self._options.cache_gb or cache_mb <= REPLACE_ABOVE * child.resident_mb:
                return  # a fixed cache is kept by design; a small one is not worth a new process
            quiet_since = self._submitted
            self._replacing = threading.Timer(REPLACE_AFTER_IDLE_S, self._replace, args=(quiet_since,))
            self._replacing.daemon = True
            self._replacing.start()

    def _replace(self, quiet_since: int) -> None:
        """Hand the engine to a fresh process if nothing was sent since the engine went idle."""
        with self._lock:
            if self._closing or self._submitted != quiet_since:
                self._replacing = None
                return  # busy again: the next idle moment decides
            self._replacing = threading.current_thread()
            old = self._child
        try:
            new = self._spawn()
            self._ready(new)
        except ModelError as exc:
            logger.warning("could not start a fresh generation engine process (keeping this one): %s", exc)
            with self._lock:
                self._replacing = None
            return
        with self._lock:
            self._replacing = None
            if self._closing:
                self._end(new)
                return
            self._child = new
            self.replacements += 1
            old.retiring = True
            if not any(sent_to is old for _, sent_to in self._requests.values()):
                self._end(old)
        logger.info("generation engine process %s replaced by %s to give back its KV cache", old.process.pid, self.pid)

    def wait_settled(self, timeout_s: float) -> bool:
        """Wait until no replacement is due or under way (tests and benchmarks); True if settled."""
        deadline = threading.Event()
        timer = threading.Timer(timeout_s, deadline.set)
        timer.start()
        try:
            while not deadline.is_set():
                replacing = self._replacing
                if replacing is None:
                    return True
                replacing.join(timeout=0.1)
            return self._replacing is None
        finally:
            timer.cancel()

    @staticmethod
    def _end(child: _Child) -> None:
        with contextlib.suppress(OSError):
            child.connection.send(("close",))

    def close(self) -> None:
        """End the engine process; requests still running end with ModelError."""
        with self._lock:
            if self._closing:
                return
            self._closing = True
            replacing = self._replacing
            self._end(self._child)
        if isinstance(replacing, threading.Timer):
            replacing.cancel()
        try:
            self._child.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._child.process.kill()
            self._child.process.wait()
        self._child.connection.close()
