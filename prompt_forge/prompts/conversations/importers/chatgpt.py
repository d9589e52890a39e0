"""ChatGPT's `conversations.json` export: a list of conversations, each a `mapping` of node id ->
{id, parent, children, message}; a message has author.role, content.parts (strings) and create_time."""

import hashlib

from .tree import BadRecordError, Node, ParsedConversation, timestamp, tree_to_turns

TEXT_TYPES = {"text", "multimodal_text"}


def _text(message: dict) -> str:
    content = message.get("content") or {}
    if not isinstance(content, dict) or content.get("content_type") not in TEXT_TYPES:
        return ""
    parts = content.get("parts") or []
    if not isinstance(parts, list):
        return ""
    return "\n".join(part for part in parts if isinstance(part, str)).strip()


def _node(node_id: str, raw: dict) -> Node:
    message = raw.get("message")
    children = [child for child in raw.get("children") or [] if isinstance(child, str)]
    if not isinstance(message, dict):
        return Node(id=node_id, role=None, text="", children=children)
    metadata = message.get("metadata") if isinstance(message.get("metadata"), dict) else {}
    author = message.get("author") if isinstance(message.get("author"), dict) else {}
    hidden = bool(metadata.get("is_visually_hidden_from_conversation"))
    return Node(
        id=node_id,
        role=None if hidden else author.get("role"),
        text="" if hidden else _text(message),
        created=message.get("create_time"),
        model=str(metadata.get("model_slug") or "")[:200],
        children=children,
    )


def parse_record(record) -> ParsedConversation:
    if not isinstance(record, dict):
        raise BadRecordError("not a JSON object")
    mapping = record.get("mapping")
    if not isinstance(mapping, dict) or not mapping:
        raise BadRecordError('"mapping" must be a non-empty object of messages')
    nodes, parents = {}, {}
    for node_id, raw in mapping.items():
        if not isinstance(raw, dict):
            raise BadRecordError(f"node {node_id!r} is not an object")
        nodes[node_id] = _node(node_id, raw)
        parents[node_id] = raw.get("parent") if isinstance(raw.get("parent"), str) else None
    current = record.get("current_node") if isinstance(record.get("current_node"), str) else None
    system, turns, active = tree_to_turns(nodes, current=current, source="chatgpt", parents=parents)
    if not turns:
        raise BadRecordError("no user or assistant messages with text")
    title = record.get("title") if isinstance(record.get("title"), str) else ""
    identity = record.get("conversation_id") or record.get("id")
    if not isinstance(identity, str) or not identity:
        identity = f"{title}|{record.get('create_time')}|{turns[0].text[:200]}"
    return ParsedConversation(
        key=hashlib.sha256(f"chatgpt:{identity}".encode()).hexdigest(),
        title=title.strip(),
        created_at=timestamp(record.get("create_time")),
        updated_at=timestamp(record.get("update_time")),
        system=system,
        turns=turns,
        active=active,
    )
