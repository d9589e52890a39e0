"""Open WebUI's chat export: a list of chats, each {id, title, created_at, updated_at, chat: {history:
{messages: {id: {id, parentId, childrenIds, role, content, timestamp, model}}, currentId}, messages}}."""

import hashlib

from .tree import BadRecordError, Node, ParsedConversation, timestamp, tree_to_turns


def _messages(chat: dict) -> tuple[dict, str | None]:
    history = chat.get("history")
    if isinstance(history, dict) and isinstance(history.get("messages"), dict) and history["messages"]:
        current = history.get("currentId")
        return history["messages"], current if isinstance(current, str) else None
    listed = chat.get("messages")
    if isinstance(listed, list) and listed:  # no history tree: the list is one path
        messages, previous = {}, None
        for index, message in enumerate(listed):
            if not isinstance(message, dict):
                raise BadRecordError(f"message {index} is not an object")
            message_id = str(message.get("id") or index)
            messages[message_id] = {**message, "id": message_id, "parentId": previous, "childrenIds": []}
            if previous is not None:
                messages[previous]["childrenIds"].append(message_id)
            previous = message_id
        return messages, previous
    raise BadRecordError('"chat" has neither history.messages nor messages')


def parse_record(record) -> ParsedConversation:
    if not isinstance(record, dict):
        raise BadRecordError("not a JSON object")
    chat = record.get("chat") if isinstance(record.get("chat"), dict) else record
    raw_messages, current = _messages(chat)
    nodes, parents = {}, {}
    for node_id, message in raw_messages.items():
        if not isinstance(message, dict):
            raise BadRecordError(f"message {node_id!r} is not an object")
        content = message.get("content")
        children = [str(child) for child in message.get("childrenIds") or [] if isinstance(child, str | int)]
        nodes[node_id] = Node(
            id=node_id,
            role=message.get("role") if isinstance(message.get("role"), str) else None,
            text=content.strip() if isinstance(content, str) else "",
            created=message.get("timestamp"),
            model=str(message.get("model") or "")[:200],
            children=children,
        )
        parent = message.get("parentId")
        parents[node_id] = str(parent) if isinstance(parent, str | int) else None
    system, turns, active = tree_to_turns(nodes, current=current, source="openwebui", parents=parents)
    if not turns:
        raise BadRecordError("no user or assistant messages with text")
    params = chat.get("params") if isinstance(chat.get("params"), dict) else {}
    system = system or (params.get("system") if isinstance(params.get("system"), str) else "") or ""
    title = record.get("title") or chat.get("title")
    title = title if isinstance(title, str) else ""
    identity = record.get("id") or chat.get("id")
    if not isinstance(identity, str) or not identity:
        identity = f"{title}|{record.get('created_at')}|{turns[0].text[:200]}"
    return ParsedConversation(
        key=hashlib.sha256(f"openwebui:{identity}".encode()).hexdigest(),
        title=title.strip(),
        created_at=timestamp(record.get("created_at")),
        updated_at=timestamp(record.get("updated_at")),
        system=system.strip(),
        turns=turns,
        active=active,
    )
