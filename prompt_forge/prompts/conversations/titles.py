"""Conversation titles: the first prompt's first words at once, then (in the background) a short title
the model writes. A title the owner set is never overwritten."""

import logging
import re
import threading
import time

from django.conf import settings
from django.db import connections

from prompt_forge.ai.admission import generation_slots
from prompt_forge.ai.base import ModelError, SamplingParams
from prompt_forge.ai.catalog import default_model
from prompt_forge.ai.deadline import generate_within
from prompt_forge.ai.registry import get_generator

from .models import TITLE_MAX, Conversation

logger = logging.getLogger(__name__)

# Chosen by trying SmolLM2-135M-Instruct: asked for "a title", it tends to answer the message instead.
TITLE_INSTRUCTION = (
    'Summarize the topic of this message in a title of 3 to 6 words. Do not answer it.\n\nMessage: "{text}"\n\nTitle:'
)
TITLE_TOKENS = 20
# Answers first: a title is written once no answer has been generating for IDLE_BEFORE_TITLE_S (so a
# burst of new conversations is answered before any of them is named, instead of sharing the engine
# with their titles), and given up after TITLE_WAIT_S of a busy server (the first words stay).
IDLE_BEFORE_TITLE_S = 1.0
TITLE_WAIT_S = 60.0
_POLL_S = 0.1
_PREFIX = re.compile(r"^(title\s*:\s*)", re.IGNORECASE)


def words_title(text: str) -> str:
    """The first words of `text`, at most TITLE_MAX characters (cut at a word, with an ellipsis)."""
    words = " ".join(text.split())
    if len(words) <= TITLE_MAX:
        return words
    cut = words[: TITLE_MAX - 1].rsplit(" ", 1)[0] or words[: TITLE_MAX - 1]
    return cut + "\u2026"


def clean_title(raw: str) -> str:
    """The model's answer as a title: its first line, without quotes, markup or a "Title:" prefix."""
    lines = [line.strip() for line in raw.strip().splitlines() if line.strip()]
    if not lines or lines[0].startswith(("```", "~~~")):  # code instead of a title
        return ""
    decoration = "#*_`\"'\u201c\u201d. "
    return words_title(_PREFIX.sub("", lines[0].strip(decoration)).strip(decoration))


def model_title(text: str) -> str:
    """A title the model writes for a conversation starting with `text`; "" when it cannot."""
    messages = [{"role": "user", "content": TITLE_INSTRUCTION.format(text=text[:1000])}]
    if not wait_until_idle(default_model().name, idle_s=IDLE_BEFORE_TITLE_S, give_up_s=TITLE_WAIT_S):
        logger.info("no model title (the server stayed busy; keeping the first words)")
        return ""
    try:
        generation = generate_within(
            get_generator(),
            messages,
            params=SamplingParams(max_new_tokens=TITLE_TOKENS),
            timeout_s=settings.CONVERSATION_TITLE_TIMEOUT_S,
        )
    except ModelError as exc:
        logger.info("no model title (keeping the first words): %s", exc)
        return ""
    return clean_title(generation.text)


def wait_until_idle(model: str, *, idle_s: float, give_up_s: float) -> bool:
    """True once no answer of `model` has been generating for `idle_s` seconds; False after `give_up_s`."""
    deadline = time.monotonic() + give_up_s
    idle_since = None
    while (now := time.monotonic()) < deadline:
        if generation_slots.in_use_for(model):
            idle_since = None
        elif idle_since is None:
            idle_since = now
        elif now - idle_since >= idle_s:
            return True
        time.sleep(_POLL_S)
    return False


def write_model_title(conversation_id: int, text: str) -> bool:
    """Replace the words title by the model's, unless the owner renamed it meanwhile."""
    title = model_title(text)
    if not title:
        return False
    updated = Conversation.objects.filter(pk=conversation_id, title_source=Conversation.TitleSource.WORDS).update(
        title=title, title_source=Conversation.TitleSource.MODEL
    )
    return bool(updated)


def schedule_model_title(conversation_id: int, text: str) -> None:
    """Write the model's title in the background (the answer is not held up by it)."""
    if not settings.CONVERSATION_MODEL_TITLES:
        return

    def run() -> None:
        try:
            write_model_title(conversation_id, text)
        except Exception:  # noqa: BLE001 - a title is a nicety: log, never crash the thread silently
            logger.exception("writing the title of conversation %s failed", conversation_id)
        finally:
            connections.close_all()

    threading.Thread(target=run, name="conversation-title", daemon=True).start()
