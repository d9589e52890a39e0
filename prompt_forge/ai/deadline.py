"""Generation with a time limit, whatever the backend: a stuck or slow model must not hold a request forever."""

import queue
import threading

from .base import Generation, Generator, ModelError, PromptInput, SamplingParams


class ModelTimeoutError(ModelError):
    """The model did not finish within GENERATION_TIMEOUT_S; the API answers 504."""


def generate_within(
    generator: Generator, prompt: PromptInput, *, timeout_s: float, params: SamplingParams | None = None
) -> Generation:
    """`generator.generate` with a deadline. On expiry ModelTimeoutError is raised and the generation
    stops: a stream that offers `cancel()` (the in-process engine's) is dropped from the engine at its
    next step, even in the middle of reading a long prompt; any other stops at its next piece.
    A timeout of 0 or less means no limit."""
    if timeout_s <= 0:
        return generator.generate(prompt, params=params)
    outcome: queue.Queue = queue.Queue(maxsize=1)
    abandoned = threading.Event()
    stream = generator.stream(prompt, params=params)

    def consume() -> None:
        try:
            for event in stream:
                if abandoned.is_set():
                    break
                if isinstance(event, Generation):
                    outcome.put(event)
                    return
            if not abandoned.is_set():
                outcome.put(ModelError("the model ended without an answer"))
        except Exception as exc:  # noqa: BLE001 - handed to the waiting request
            outcome.put(exc)
        finally:
            close = getattr(stream, "close", None)
            if close:
                close()  # frees the model (the backend cancels generation)

    threading.Thread(target=consume, name="generate-within", daemon=True).start()
    try:
        result = outcome.get(timeout=timeout_s)
    except queue.Empty:
        abandoned.set()
        cancel = getattr(stream, "cancel", None)
        if cancel is not None:
            cancel()  # safe from this thread: the engine drops the request before its next step
        raise ModelTimeoutError(f"generation took longer than {timeout_s:g} s") from None
    if isinstance(result, ModelError):
        raise result
    if isinstance(result, Exception):
        raise ModelError(f"generation failed: {result}") from result
    return result
