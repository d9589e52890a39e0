"""Isolation steps for the prompt workflow: templates, their runs, ratings and stats, share links.

Used by test_isolation_property.py (the World there holds what each user should see)."""

from collections import Counter

from rest_framework.test import APIClient


def do_template(world, stats: Counter, user: int, name: str, text: str) -> None:
    content = f"{text} {{{{ topic }}}} by user {user}"
    response = world.clients[user].post("/templates/", {"name": name, "content": content}, format="json")
    if (user, name) in world.templates:
        assert response.status_code == 409
        return
    assert response.status_code == 201, response.content
    world.templates[(user, name)] = content


def do_run_template(world, stats: Counter, user: int, name: str, topic: str) -> None:
    body = {"template": name, "variables": {"topic": topic}, "use_cache": True}
    response = world.clients[user].post("/prompts/", body, format="json")
    if (user, name) not in world.templates:
        stats["foreign or missing templates refused"] += 1
        assert response.status_code == 404 and response.json() == {"detail": "template not found"}
        return
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["text"] == world.templates[(user, name)].replace("{{ topic }}", topic)
    assert created["response"] not in world.responses_of_others(user), "answer taken from another user"
    world.record(user, created)
    world.runs.setdefault((user, name), set()).add(created["id"])


def do_read_template(world, stats: Counter, user: int, name: str) -> None:
    response = world.clients[user].get(f"/templates/{name}/")
    if (user, name) not in world.templates:
        stats["foreign or missing templates refused"] += 1
        assert response.status_code == 404
        return
    assert response.json()["versions"][0]["content"] == world.templates[(user, name)]
    listed = world.clients[user].get("/templates/").json()["results"]
    assert {item["name"] for item in listed} == {n for (u, n) in world.templates if u == user}


def do_rate(world, stats: Counter, user: int, pick: int, rating: int) -> None:
    pid = world.pick(pick)
    response = world.clients[user].put(f"/prompts/{pid}/feedback/", {"rating": rating}, format="json")
    if pid in world.live(user):
        assert response.status_code == 200 and response.json()["rating"] == rating
        world.ratings[pid] = rating
    else:
        stats["foreign or missing ids refused"] += 1
        assert response.status_code == 404


def do_template_stats(world, stats: Counter, user: int, name: str) -> None:
    response = world.clients[user].get(f"/templates/{name}/stats/")
    if (user, name) not in world.templates:
        assert response.status_code == 404
        return
    rows = response.json()["stats"]
    runs = {pid for pid in world.runs.get((user, name), set()) if pid not in world.deleted}
    assert sum(row["count"] for row in rows) == len(runs), "stats counted another user's runs"
    assert sum(row["up"] for row in rows) == sum(world.ratings.get(pid) == 1 for pid in runs)
    assert sum(row["down"] for row in rows) == sum(world.ratings.get(pid) == -1 for pid in runs)
    stats["template stats checked"] += 1


def do_share(world, stats: Counter, user: int, pick: int) -> None:
    cid = world.pick_conversation(pick)
    response = world.clients[user].post(f"/conversations/{cid}/share/", {}, format="json")
    if cid not in world.own_conversations(user):
        stats["foreign or missing conversations refused"] += 1
        assert response.status_code == 404
        return
    assert response.status_code == 201, response.content
    url = response.json()["url"]
    path = url[url.index("/shared/") :]
    world.shares[path] = (user, cid, response.json()["id"])
    check_shared(world, stats, path)  # read at once by a stranger, as well as later in the sequence


def do_open_share(world, stats: Counter, pick: int) -> None:
    if not world.shares:
        return
    check_shared(world, stats, sorted(world.shares)[pick % len(world.shares)])


def check_shared(world, stats: Counter, path: str) -> None:
    owner, cid, _ = world.shares[path]
    response = APIClient().get(path, HTTP_ACCEPT="application/json")  # no credentials at all
    if path in world.revoked_shares or cid in world.dropped:
        assert response.status_code == 404
        return
    assert response.status_code == 200, response.content
    allowed = {
        (world.text[pid], world.response[pid])
        for pid, conversation in world.conversation_of.items()
        if conversation == cid and pid not in world.deleted
    }
    for turn in response.json()["turns"]:
        assert set(turn) == {"prompt", "response", "model", "created_at"}
        assert (turn["prompt"], turn["response"]) in allowed, "a share showed a turn of another conversation"
        stats["shared turns checked"] += 1


def do_revoke_share(world, stats: Counter, user: int, pick: int) -> None:
    cid = world.pick_conversation(pick)
    response = world.clients[user].delete(f"/conversations/{cid}/share/")
    if cid not in world.own_conversations(user):
        stats["foreign or missing conversations refused"] += 1
        assert response.status_code == 404
        return
    assert response.status_code == 204
    world.revoked_shares |= {path for path, (_, shared, _) in world.shares.items() if shared == cid}


def do_shares(world, stats: Counter, user: int) -> None:
    listed = {item["id"] for item in world.clients[user].get("/shares/?limit=100").json()["results"]}
    expected = {
        share_id
        for path, (owner, cid, share_id) in world.shares.items()
        if owner == user and path not in world.revoked_shares and cid not in world.dropped
    }
    assert listed == expected, "share list shows another user's links (or lost one)"


def do_compare(world, stats: Counter, user: int, pick: int) -> None:
    """Compare anyone's prompt id with the served model: only the owner's prompt is answered again."""
    pid = world.pick(pick)
    body = {"models": ["HuggingFaceTB/SmolLM2-135M-Instruct"]}
    response = world.clients[user].post(f"/prompts/{pid}/compare/", body, format="json")
    if pid not in world.live(user):
        stats["foreign or missing ids refused"] += 1
        assert response.status_code == 404 and response.json() == {"detail": "Not found."}
        return
    assert response.status_code == 201, response.content
    for answer in response.json()["answers"]:
        assert answer["user"] == world.user_ids[user] and answer["text"] == world.text[pid]
        assert answer["response"] not in world.responses_of_others(user), "answer taken from another user"
        assert answer["metadata"]["extra_info"]["comparison"]["source"] == pid
        world.record(user, answer)
        stats["comparison answers checked"] += 1
