"""Deterministic stand-ins for the models, for fast in-process tests (never used by the product)."""

import hashlib
import re
import time
from collections.abc import Iterator

import numpy as np

from prompt_forge.ai.base import Generation, ModelError, PromptInput, SamplingParams

DIMENSIONS = 384


# A small fixed vocabulary of synonyms: each word counts as its group's first word, so paraphrases
# ("the biggest town" / "the largest city") land near each other, as with a real embedder.
SYNONYM_GROUPS = [
    ("big", "large", "largest", "biggest", "huge"),
    ("small", "little", "tiny", "smallest"),
    ("city", "town"),
    ("car", "automobile", "vehicle"),
    ("buy", "purchase"),
    ("film", "movie"),
    ("doctor", "physician"),
    ("fast", "quick", "rapid"),
    ("begin", "start", "commence"),
    ("a", "an"),
]
CANONICAL = {word: group[0] for group in SYNONYM_GROUPS for word in group}


class FakeEmbedder:
    """Bag of words (synonyms merged) hashed into 384 dims: texts sharing words, or synonyms of them,
    are similar, as with a real embedder."""

    model_name = "fake-embedder"
    dimensions = DIMENSIONS

    def __init__(self, model_id: str = "", **_options) -> None:
        pass

    def embed(self, texts: list[str]) -> np.ndarray:
        rows = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z0-9]+", text.lower()):
                word = CANONICAL.get(word, word)
                bucket = int(hashlib.md5(word.encode()).hexdigest(), 16) % DIMENSIONS
                rows[row, bucket] += 1.0
            norm = np.linalg.norm(rows[row])
            rows[row] = rows[row] / norm if norm else rows[row]
            if not norm:
                rows[row, 0] = 1.0
        return rows


class FakeGenerator:
    """Answers "Answer to: <prompt>" word by word; `fail_with` makes every call raise ModelError."""

    model_name = "fake-generator"
    fail_with: str | None = None
    piece_delay_s: float = 0.0  # > 0 makes the answer arrive slowly, to test cancellation and concurrency
    last_params: SamplingParams | None = None  # what the latest call was asked for
    last_prompt: PromptInput | None = None  # what the latest call read (text, or the chat messages)
    context_length = 2048  # tokens: a word, or 4 per message for its framing (see count_tokens)

    def __init__(self, model_id: str = "", **kwargs) -> None:
        pass

    def count_tokens(self, prompt: PromptInput) -> int:
        messages = [{"role": "user", "content": prompt}] if isinstance(prompt, str) else prompt
        return sum(len(message["content"].split()) + 4 for message in messages)

    def generate(self, prompt: PromptInput, *, params: SamplingParams | None = None) -> Generation:
        return [event for event in self.stream(prompt, params=params) if isinstance(event, Generation)][0]

    def stream(self, prompt: PromptInput, *, params: SamplingParams | None = None) -> Iterator[str | Generation]:
        if FakeGenerator.fail_with:
            raise ModelError(FakeGenerator.fail_with)
        params = params or SamplingParams()
        FakeGenerator.last_params = params
        FakeGenerator.last_prompt = prompt
        text = prompt if isinstance(prompt, str) else prompt[-1]["content"]
        words = f"Answer to: {text}".split(" ")
        pieces = [words[0], *[" " + word for word in words[1:]]]
        for piece in pieces:
            if FakeGenerator.piece_delay_s:
                time.sleep(FakeGenerator.piece_delay_s)
            yield piece
        yield Generation(
            text="".join(pieces),
            model=self.model_name,
            prompt_tokens=len(text.split()),
            completion_tokens=len(pieces),
            duration_ms=1.0,
            params={"max_new_tokens": params.max_new_tokens or 8, "decoding": "greedy"},
        )


def deleting_while_answering(monkeypatch) -> None:
    """Make FakeGenerator delete every stored prompt before it answers, as its owner deleting the prompt
    from another tab while it is being generated."""
    from prompt_forge.prompts.models import Prompt

    original = FakeGenerator.stream

    def stream(self, prompt, *, params=None):
        Prompt.objects.all().delete()
        yield from original(self, prompt, params=params)

    monkeypatch.setattr(FakeGenerator, "stream", stream)


class FakeUpstream:
    """An OpenAI-compatible inference server on a real socket (http.server in a thread): answers
    "Remote says: <last message>" (plain JSON or server-sent chunks), or fails with `status` >= 400.
    Use as a context manager; `base_url` is its /v1 address, `requests` counts the completions asked."""

    def __init__(self, *, status: int = 200) -> None:
        import http.server
        import json
        import threading

        upstream = self
        self.status = status
        self.requests = 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                upstream.requests += 1
                if upstream.status >= 400:
                    return self._send(upstream.status, {"error": {"message": "GPU on fire", "type": "server_error"}})
                text = "Remote says: " + body["messages"][-1]["content"]
                usage = {"prompt_tokens": 5, "completion_tokens": len(text.split()), "total_tokens": 0}
                if not body.get("stream"):
                    choice = {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
                    return self._send(200, {"id": "up-1", "object": "chat.completion", "created": 0,
                                            "model": body["model"], "choices": [choice], "usage": usage})  # fmt: skip
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for index, word in enumerate(text.split(" ")):
                    delta = {"content": word if index == 0 else " " + word}
                    self._event({"choices": [{"index": 0, "delta": delta, "finish_reason": None}]}, body["model"])
                self._event({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}, body["model"])
                self._event({"choices": [], "usage": usage}, body["model"])
                self.wfile.write(b"data: [DONE]\n\n")

            def _event(self, fields: dict, model: str) -> None:
                chunk = {"id": "up-1", "object": "chat.completion.chunk", "created": 0, "model": model, **fields}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())

            def _send(self, status: int, payload: dict) -> None:
                raw = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> "FakeUpstream":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
