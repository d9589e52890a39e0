"""Resolving where a new turn goes and what the model reads for it (used by every surface)."""

from dataclasses import dataclass

from prompt_forge.ai import catalog
from prompt_forge.ai.base import SamplingParams
from prompt_forge.ai.registry import get_generator

from ..models import Prompt
from . import selectors
from .context import Context, Exchange, assemble
from .errors import ConversationNotFoundError, InvalidConversationRequestError, TurnNotFoundError
from .models import Conversation
from .tree import Tree
from .turns import Placement

ACTIVE_LEAF = object()  # "parent" absent: continue from the conversation's active leaf


@dataclass(frozen=True)
class PreparedTurn:
    conversation: Conversation
    placement: Placement
    context: Context

    @property
    def messages(self) -> list[dict] | None:
        """The model's input when there is more than the prompt itself (else the plain prompt text)."""
        return self.context.messages if len(self.context.messages) > 1 else None

    @property
    def source(self) -> dict:
        return {"context": self.context.as_info()}


def _id(value, name: str):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidConversationRequestError(f"{name} must be an integer id", name)
    return value


def resolve(*, user_id: int, conversation_id=None, parent_id=ACTIVE_LEAF) -> tuple[Conversation, int | None, Tree]:
    """The user's conversation and the parent turn id of a new turn in it.

    `conversation_id` may be omitted when `parent_id` names a turn (its conversation is continued).
    `parent_id` None starts a new first turn (an edit of the first prompt); absent: the active leaf.
    """
    conversation_id = _id(conversation_id, "conversation")
    if parent_id is not ACTIVE_LEAF:
        parent_id = _id(parent_id, "parent")
    if conversation_id is None:
        if parent_id is ACTIVE_LEAF or parent_id is None:
            raise InvalidConversationRequestError("parent requires a conversation")
        turn = Prompt.objects.filter(user_id=user_id, pk=parent_id).only("conversation_id").first()
        if turn is None or turn.conversation_id is None:
            raise TurnNotFoundError("parent turn not found")
        conversation_id = turn.conversation_id
    conversation = selectors.conversation_get(user_id=user_id, conversation_id=conversation_id)
    if conversation is None:
        raise ConversationNotFoundError()
    tree = selectors.conversation_tree(conversation)
    if parent_id is ACTIVE_LEAF:
        return conversation, tree.active_leaf(conversation.active_turn_id), tree
    if parent_id is not None and parent_id not in tree.parents:
        raise TurnNotFoundError("parent turn not found in this conversation")
    return conversation, parent_id, tree


def earlier_exchanges(conversation: Conversation, parent_id: int | None, tree: Tree) -> list[Exchange]:
    """The turns from the first one down to `parent_id`, as the model reads them."""
    if parent_id is None:
        return []
    path = tree.path_to(parent_id)
    rows = Prompt.objects.filter(conversation=conversation, pk__in=path).values_list("pk", "text", "response")
    texts = {pk: (text, response) for pk, text, response in rows}
    return [Exchange(*texts[pk]) for pk in path if pk in texts]


def prepare(
    *,
    user_id: int,
    text: str,
    conversation_id=None,
    parent_id=ACTIVE_LEAF,
    params: SamplingParams | None = None,
    system: str | None = None,
    model: str | None = None,
) -> PreparedTurn:
    """Where a new turn with `text` goes in the user's conversation, and the model's input for it.
    `system` (a template's system prompt) replaces the conversation's for this turn."""
    conversation, parent, tree = resolve(user_id=user_id, conversation_id=conversation_id, parent_id=parent_id)
    context = assemble(
        system=system or conversation.system,
        earlier=earlier_exchanges(conversation, parent, tree),
        text=text,
        # The context is fitted to the model that will read it: the turn's, else the conversation's.
        generator=get_generator(model or catalog.configured(conversation.model)),
        params=params,
    )
    return PreparedTurn(conversation, Placement(conversation.pk, parent), context)
