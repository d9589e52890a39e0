"""/v1/chat/completions keeps conversations whole.

A request's earlier user/assistant messages are matched against the caller's stored paths: when they
equal the path down to some turn, the new turn goes under it; otherwise a new conversation holds them
as turns supplied by the client (stored, embedded, never answered again) and the new turn follows.
The system message is the conversation's system prompt. An optional "conversation" (and "parent")
in the body names the conversation explicitly. Resending a request attaches it to the same path.
"""

import json
from dataclasses import dataclass

from prompt_forge.ai.base import SamplingParams
from prompt_forge.ai.registry import get_embedder

from ..models import Prompt
from . import selectors
from .context import Exchange
from .errors import InvalidConversationRequestError
from .models import Conversation
from .placement import ACTIVE_LEAF, prepare, resolve
from .storing import GivenTurn, store_given_turns
from .titles import words_title
from .turns import Placement

SOURCE = "v1/chat/completions"
CANDIDATES = 20  # stored turns checked for a matching path, newest first


@dataclass(frozen=True)
class ChatTurn:
    placement: Placement
    messages: list[dict]  # what the model reads
    source: dict


def split(messages: list[dict]) -> tuple[str, list[Exchange]]:
    """(system prompt, earlier exchanges) of a chat whose last message is the new user message."""
    system = "\n\n".join(m["content"].strip() for m in messages if m["role"] == "system" and m["content"].strip())
    exchanges: list[Exchange] = []
    for message in [m for m in messages[:-1] if m["role"] != "system"]:
        content = message["content"].strip()
        if message["role"] == "user":
            exchanges.append(Exchange(prompt=content, response=""))
        elif exchanges and not exchanges[-1].response:
            exchanges[-1] = Exchange(prompt=exchanges[-1].prompt, response=content)
        else:  # an assistant message with no user message before it (e.g. a greeting)
            exchanges.append(Exchange(prompt="", response=content))
    return system, exchanges


def _path_matches(conversation_id: int, turn_id: int, exchanges: list[Exchange]) -> bool:
    tree = selectors.conversation_tree(Conversation(pk=conversation_id))
    path = tree.path_to(turn_id)
    if len(path) != len(exchanges):
        return False
    rows = Prompt.objects.filter(pk__in=path).values_list("pk", "text", "response")
    texts = {pk: (text.strip(), response.strip()) for pk, text, response in rows}
    return [texts.get(pk) for pk in path] == [(e.prompt, e.response) for e in exchanges]


def find_turn(
    *, user_id: int, system: str, exchanges: list[Exchange], conversation_id: int | None = None
) -> Prompt | None:
    """The caller's newest turn whose path from the first turn equals `exchanges` (system prompts equal)."""
    last = exchanges[-1]
    candidates = Prompt.objects.filter(
        user_id=user_id, text=last.prompt, conversation__isnull=False, conversation__system=system
    )
    if conversation_id is not None:
        candidates = candidates.filter(conversation_id=conversation_id)
    for turn in candidates.order_by("-pk").only("pk", "conversation_id", "response")[:CANDIDATES]:
        if turn.response.strip() == last.response and _path_matches(turn.conversation_id, turn.pk, exchanges):
            return turn
    return None


def _first_turn_conversation(*, user_id: int, system: str, text: str) -> int | None:
    """The caller's newest conversation starting with `text` (and the same system prompt)."""
    first = (
        Prompt.objects.filter(user_id=user_id, parent__isnull=True, text=text.strip(), conversation__system=system)
        .exclude(conversation__isnull=True)
        .order_by("-pk")
        .values_list("conversation_id", flat=True)
        .first()
    )
    return first


def extension(raw_body: bytes) -> dict:
    """The optional "conversation" and "parent" fields of a /v1 request body (already valid JSON)."""
    body = json.loads(raw_body)
    where = {}
    if body.get("conversation") is not None:
        where["conversation"] = body["conversation"]
    if "parent" in body:  # null: a new first turn of the named conversation
        where["parent"] = body["parent"]
    for name, value in where.items():
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise InvalidConversationRequestError(f"{name} must be an integer id", name)
    return where


def _supplied(exchanges: list[Exchange]) -> list[GivenTurn]:
    info = {"source": SOURCE, "supplied_by_client": True}
    return [
        GivenTurn(text=e.prompt, response=e.response, parent=i - 1 if i else None, extra_info=dict(info))
        for i, e in enumerate(exchanges)
    ]


def attach(
    *, user_id: int, messages: list[dict], text: str, where: dict, params: SamplingParams | None = None
) -> ChatTurn:
    """Where the new turn of a chat request goes, storing the client's earlier messages when they are new."""
    system, exchanges = split(messages)
    source = {"source": SOURCE, "context": {"earlier_turns": len(exchanges), "dropped_turns": 0}}
    conversation_id = where.get("conversation")
    if conversation_id is not None or "parent" in where:
        if not exchanges and "parent" not in where:
            # Only the new message: the stored conversation is the context (the server keeps the history).
            prepared = prepare(user_id=user_id, text=text, conversation_id=conversation_id, params=params)
            return ChatTurn(prepared.placement, prepared.context.messages, {"source": SOURCE, **prepared.source})
        conversation, parent, _ = resolve(
            user_id=user_id, conversation_id=conversation_id, parent_id=where.get("parent", ACTIVE_LEAF)
        )
        if "parent" not in where and exchanges:
            turn = find_turn(user_id=user_id, system=system, exchanges=exchanges, conversation_id=conversation.pk)
            parent = turn.pk if turn is not None else parent
        return ChatTurn(Placement(conversation.pk, parent), messages, source)
    if not exchanges:
        found = _first_turn_conversation(user_id=user_id, system=system, text=text)
        if found is not None:  # the same opening again (a resend): a sibling in that conversation
            return ChatTurn(Placement(found, None), messages, source)
        conversation = Conversation.objects.create(user_id=user_id, system=system, title=words_title(text))
        return ChatTurn(Placement(conversation.pk, None), messages, source)
    turn = find_turn(user_id=user_id, system=system, exchanges=exchanges)
    if turn is not None:
        return ChatTurn(Placement(turn.conversation_id, turn.pk), messages, source)
    opening = next((e.prompt for e in exchanges if e.prompt), text)
    conversation = Conversation.objects.create(user_id=user_id, system=system, title=words_title(opening))
    stored = store_given_turns(conversation=conversation, turns=_supplied(exchanges), embedder=get_embedder())
    return ChatTurn(Placement(conversation.pk, stored[-1].pk), messages, source)
