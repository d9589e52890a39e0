"""Small chat exports in ChatGPT's and Open WebUI's formats, with branches."""


def chatgpt_message(node_id, role, text, created, parent, children, **extra):
    message = None
    if role is not None:
        message = {
            "id": node_id,
            "author": {"role": role},
            "create_time": created,
            "content": {"content_type": "text", "parts": [text]},
            "metadata": extra.pop("metadata", {}),
        }
    return {"id": node_id, "message": message, "parent": parent, "children": children}


def chatgpt_capitals(conversation_id: str = "conv-capitals") -> dict:
    """u1 -> a1 | a1b (regenerated); a1 -> u2 -> a2 | u2b -> a2b (edited); current: a2b."""
    nodes = [
        chatgpt_message("root", None, "", None, None, ["sys"]),
        chatgpt_message(
            "sys", "system", "", 1.0, "root", ["u1"], metadata={"is_visually_hidden_from_conversation": True}
        ),
        chatgpt_message("u1", "user", "What is the capital of France?", 1700000000.0, "sys", ["a1", "a1b"]),
        chatgpt_message(
            "a1", "assistant", "Paris.", 1700000001.0, "u1", ["u2", "u2b"], metadata={"model_slug": "gpt-4o"}
        ),
        chatgpt_message("a1b", "assistant", "Paris, of course.", 1700000002.0, "u1", []),
        chatgpt_message("u2", "user", "And of Germany?", 1700000003.0, "a1", ["a2"]),
        chatgpt_message("a2", "assistant", "Berlin.", 1700000004.0, "u2", []),
        chatgpt_message("u2b", "user", "And the capital of Italy, with its famous colosseum?", None, "a1", ["a2b"]),
        chatgpt_message("a2b", "assistant", "Rome.", 1700000006.0, "u2b", []),
    ]
    return {
        "id": conversation_id,
        "title": "European capitals",
        "create_time": 1700000000.0,
        "update_time": 1700000006.0,
        "current_node": "a2b",
        "mapping": {node["id"]: node for node in nodes},
    }


def openwebui_chat() -> dict:
    """A system prompt, two turns, the second answer regenerated (current: the regenerated one)."""

    def message(mid, parent, children, role, content, ts):
        return {"id": mid, "parentId": parent, "childrenIds": children, "role": role, "content": content,
                "timestamp": ts, "model": "llama3"}  # fmt: skip

    messages = [
        message("m1", None, ["m2"], "user", "Plan a garden with tomatoes", 1700000100),
        message("m2", "m1", ["m3"], "assistant", "Start with sunny beds.", 1700000101),
        message("m3", "m2", ["m4", "m5"], "user", "Which varieties?", 1700000102),
        message("m4", "m3", [], "assistant", "Cherry tomatoes.", 1700000103),
        message("m5", "m3", [], "assistant", "Roma and cherry.", 1700000104),
    ]
    return {
        "id": "owui-1",
        "title": "Garden plan",
        "created_at": 1700000100,
        "updated_at": 1700000104,
        "chat": {
            "title": "Garden plan",
            "params": {"system": "You are a gardener."},
            "history": {"messages": {m["id"]: m for m in messages}, "currentId": "m5"},
            "messages": messages,
        },
    }
