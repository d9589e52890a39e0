"""Steps of the isolation property suite (test_isolation_property.py) for API keys and, with them,
what a key can reach (only its owner's data, and never after its owner revoked it), and for usage:
a user's report counts exactly their own answered prompts and names only their own keys."""

from collections import Counter

from rest_framework.test import APIClient

SCOPES = ["prompts:read", "prompts:write", "v1", "conversations"]


def do_key_create(world, stats: Counter, user: int) -> None:
    response = world.clients[user].post("/api/keys", {"name": f"k{user}", "scopes": SCOPES}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    world.key_owner[body["id"]], world.key_secret[body["id"]] = user, body["key"]


def do_key_revoke(world, stats: Counter, user: int, pick: int) -> None:
    key_id = world.pick_key(pick)
    response = world.clients[user].delete(f"/api/keys/{key_id}")
    if world.key_owner.get(key_id) == user and key_id not in world.revoked:
        assert response.status_code == 204
        world.revoked.add(key_id)
    else:
        stats["foreign or missing keys refused"] += 1
        assert response.status_code == 404


def do_key_list(world, stats: Counter, user: int) -> None:
    listed = {item["id"] for item in world.clients[user].get("/api/keys").json()}
    assert listed == {kid for kid, who in world.key_owner.items() if who == user and kid not in world.revoked}


def do_key_use(world, stats: Counter, user: int, pick: int) -> None:
    """Any key, anyone's: it lists exactly its owner's prompts, or is refused once revoked."""
    if not world.key_secret:
        do_key_create(world, stats, user)
    key_id = world.pick_key(pick)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {world.key_secret[key_id]}")
    response = client.get("/prompts/", {"limit": 100})
    if key_id in world.revoked:
        stats["revoked keys refused"] += 1
        assert response.status_code == 401
        return
    owner = world.key_owner[key_id]
    assert {item["id"] for item in response.json()["results"]} == world.live(owner)
    stats["key reads checked"] += 1


def do_usage(world, stats: Counter, user: int) -> None:
    report = world.clients[user].get("/api/usage", {"days": 1}).json()
    assert report["totals"]["requests"] == len(world.live(user))
    own_keys = {kid for kid, who in world.key_owner.items() if who == user}
    for day in report["days"]:
        assert {item["key"] for item in day["by_key"]} <= own_keys | {None}
    stats["usage reports checked"] += 1
