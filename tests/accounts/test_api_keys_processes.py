"""As a new user would: a key from curl-like calls, then the official `openai` client with no login
(plain and streamed); the key revoked on one worker is refused by the other within a second."""

import time
import uuid

import httpx
import pytest
from openai import AuthenticationError, OpenAI

from tests.servers import ServerProcess, fresh_database, running, server_env
from tests.usage.test_quota_processes import REDIS_URL, login, redis_reachable

pytestmark = pytest.mark.skipif(not redis_reachable(REDIS_URL), reason=f"needs Redis at {REDIS_URL}")

MODEL = "HuggingFaceTB/SmolLM2-135M-Instruct"


def test_the_openai_client_works_with_a_key_until_it_is_revoked_on_another_worker(tmp_path):
    env = server_env(tmp_path, REDIS_URL=REDIS_URL, REDIS_KEY_PREFIX=f"pf-test-{uuid.uuid4().hex[:8]}")
    with fresh_database(env), running(ServerProcess(env, name="a"), ServerProcess(env, name="b")) as (a, b):
        headers = login(a)
        created = httpx.post(f"{a.url}/api/keys", json={"name": "sdk", "scopes": ["v1"]}, headers=headers)
        assert created.status_code == 201
        secret, key_id = created.json()["key"], created.json()["id"]

        client = OpenAI(base_url=f"{b.url}/v1", api_key=secret, max_retries=0)
        assert [model.id for model in client.models.list().data] == [MODEL]
        reply = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "Hi there"}])
        assert reply.choices[0].message.content == "Answer to: Hi there"
        stream = client.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "Stream it"}], stream=True
        )
        assert "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices) == (
            "Answer to: Stream it"
        )

        assert httpx.delete(f"{a.url}/api/keys/{key_id}", headers=headers).status_code == 204
        revoked_at = time.monotonic()
        with pytest.raises(AuthenticationError):
            client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "Still?"}])
        assert time.monotonic() - revoked_at < 1.0
        assert httpx.get(f"{b.url}/prompts/", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
