"""API keys: created with a login, shown once, stored as a hash, scoped, revoked at once."""

import hashlib
import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from rest_framework.test import APIClient

from prompt_forge.accounts.models import ApiKey
from tests.prompts.test_consumers import CONNECTED, app, collect_stream

pytestmark = pytest.mark.django_db(transaction=True)

ALL = ["prompts:read", "prompts:write", "v1", "conversations"]


def create_key(client, **body) -> dict:
    response = client.post("/api/keys", {"name": "script", "scopes": ALL, **body}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def key_client(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_created_key_is_shown_once_and_stored_as_a_hash(make_user, client_for):
    login = client_for(make_user())
    body = create_key(login, expires_in_days=30)
    secret = body["key"]
    assert secret.startswith("pf_") and len(secret) >= 3 + 43  # 32 random bytes, URL-safe base64
    assert body["prefix"] == secret[:11] and body["scopes"] == sorted(ALL)
    assert body["expires_at"] is not None and body["last_used_at"] is None
    stored = ApiKey.objects.get(pk=body["id"])
    assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in json.dumps(list(ApiKey.objects.values()), default=str)
    listed = login.get("/api/keys").json()
    assert [item["id"] for item in listed] == [body["id"]] and "key" not in listed[0]


def test_a_key_works_where_a_jwt_does_and_records_its_last_use(make_user, client_for):
    login = client_for(make_user())
    secret = create_key(login)["key"]
    client = key_client(secret)
    created = client.post("/prompts/", {"prompt": "hello"}, format="json")
    assert created.status_code == 201 and created.json()["response"] == "Answer to: hello"
    assert client.get("/prompts/").json()["count"] == 1
    assert client.get("/conversations/").status_code == 200
    assert login.get("/api/keys").json()[0]["last_used_at"] is not None


def test_revoked_expired_and_unknown_keys_get_401(make_user, client_for):
    login = client_for(make_user())
    body = create_key(login)
    assert login.delete(f"/api/keys/{body['id']}").status_code == 204
    assert key_client(body["key"]).get("/prompts/").status_code == 401
    assert login.delete(f"/api/keys/{body['id']}").status_code == 404
    assert login.get("/api/keys").json() == []
    expired = create_key(login, expires_in_days=1)
    ApiKey.objects.filter(pk=expired["id"]).update(expires_at="2000-01-01T00:00:00Z")
    assert key_client(expired["key"]).get("/prompts/").status_code == 401
    assert key_client("pf_" + "x" * 43).get("/prompts/").status_code == 401


def test_missing_scope_is_a_403_naming_it(make_user, client_for):
    login = client_for(make_user())
    reader = key_client(create_key(login, scopes=["prompts:read"])["key"])
    assert reader.get("/prompts/").status_code == 200
    refused = reader.post("/prompts/", {"prompt": "hello"}, format="json")
    assert refused.status_code == 403
    missing = 'this API key lacks the scope "prompts:write"'
    assert refused.json() == {"error": missing, "required_scope": "prompts:write"}
    assert reader.get("/conversations/").json()["required_scope"] == "conversations"
    v1 = reader.get("/v1/models")
    assert v1.status_code == 403
    assert v1.json()["error"]["code"] == "missing_scope" and "v1" in v1.json()["error"]["message"]


def test_a_key_cannot_manage_keys(make_user, client_for):
    login = client_for(make_user())
    body = create_key(login)
    client = key_client(body["key"])
    for response in (
        client.post("/api/keys", {"name": "more", "scopes": ALL}, format="json"),
        client.get("/api/keys"),
        client.delete(f"/api/keys/{body['id']}"),
    ):
        assert response.status_code == 403 and "log in" in response.json()["error"]
    assert ApiKey.objects.filter(revoked_at__isnull=True).count() == 1


def test_keys_are_per_user_and_bounded(make_user, client_for, settings):
    settings.API_KEYS_MAX_PER_USER = 2
    alice, bob = client_for(make_user("alice")), client_for(make_user("bob"))
    first = create_key(alice)
    create_key(alice)
    refused = alice.post("/api/keys", {"name": "third", "scopes": ALL}, format="json")
    assert refused.status_code == 400 and refused.json()["limit"] == 2
    assert bob.get("/api/keys").json() == []
    assert bob.delete(f"/api/keys/{first['id']}").status_code == 404
    assert key_client(first["key"]).get("/prompts/").status_code == 200
    alice.delete(f"/api/keys/{first['id']}")
    create_key(alice)  # room again after a revocation


@pytest.mark.parametrize(
    "body",
    [
        {"scopes": ALL},
        {"name": "x", "scopes": []},
        {"name": "x", "scopes": ["admin"]},
        {"name": "x", "scopes": "v1"},
        {"name": 5, "scopes": ALL},
        {"name": "x", "scopes": ALL, "expires_in_days": 0},
        {"name": "x", "scopes": ALL, "expires_in_days": "5"},
        {"name": "x", "scopes": ALL, "quota_tokens_per_day": -1},
    ],
)
def test_bad_key_requests_are_400_naming_the_field(make_user, client_for, body):
    response = client_for(make_user()).post("/api/keys", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) & {"name", "scopes", "expires_in_days", "quota_tokens_per_day"}


async def test_websocket_auth_message_takes_a_key_and_honours_its_scopes(make_user, client_for):
    user = await sync_to_async(make_user)()
    login = await sync_to_async(client_for)(user)
    writer = (await sync_to_async(create_key)(login))["key"]
    reader = (await sync_to_async(create_key)(login, scopes=["prompts:read"]))["key"]
    socket = WebsocketCommunicator(app(), "/ws/prompts/")
    await socket.connect()
    await socket.send_json_to({"type": "auth", "token": writer})
    assert await socket.receive_json_from() == CONNECTED
    await socket.send_json_to({"type": "prompt", "prompt": "hi"})
    _, done = await collect_stream(socket)
    assert done["response"] == "Answer to: hi"
    await socket.disconnect()
    socket = WebsocketCommunicator(app(), f"/ws/prompts/?token={reader}")
    await socket.connect()
    assert await socket.receive_json_from() == CONNECTED
    await socket.send_json_to({"type": "prompt", "prompt": "hi"})
    refused = await socket.receive_json_from()
    assert refused["type"] == "error" and refused["required_scope"] == "prompts:write"
    await socket.disconnect()
    # A socket opened with a key that is revoked afterwards is closed at its next prompt.
    socket = WebsocketCommunicator(app(), f"/ws/prompts/?token={writer}")
    await socket.connect()
    assert await socket.receive_json_from() == CONNECTED
    await sync_to_async(ApiKey.objects.filter(revoked_at__isnull=True).update)(revoked_at="2026-01-01T00:00:00Z")
    await socket.send_json_to({"type": "prompt", "prompt": "still?"})
    assert (await socket.receive_json_from())["error"] == "API key is invalid, expired or revoked"
    assert (await socket.receive_output())["type"] == "websocket.close"
