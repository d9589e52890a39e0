"""Several models: each routable by name on every surface, remote failures fall back, own admission queues."""

import pytest
from asgiref.sync import sync_to_async

from prompt_forge.ai.admission import generation_slots
from prompt_forge.prompts.models import Prompt
from tests.fakes import FakeUpstream
from tests.openai_api.test_views import sse_events, stream_chat
from tests.prompts.test_consumers import collect_stream, open_socket, send_after_stream

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_models(settings):
    """ "local" (the fake in-process model, the default) and "remote" (an OpenAI-compatible upstream)."""

    def configure(upstream: FakeUpstream, *, fallbacks=("local",)) -> None:
        settings.MODELS = [
            {"name": "local", "backend": "tests.fakes.FakeGenerator"},
            {
                "name": "remote",
                "backend": "openai",
                "model": "llama3.2",
                "base_url": upstream.base_url,
                "fallbacks": list(fallbacks),
                "timeout_s": 5,
            },
        ]

    return configure


def stored(prompt_id: int) -> Prompt:
    return Prompt.objects.select_related("metadata").get(pk=prompt_id)


def test_both_models_are_listed_and_routable_by_name(make_user, client_for, two_models):
    with FakeUpstream() as upstream:
        two_models(upstream)
        client = client_for(make_user())
        assert [model["id"] for model in client.get("/v1/models").json()["data"]] == ["local", "remote"]
        local = client.post("/prompts/", {"prompt": "hi there"}, format="json").json()
        remote = client.post("/prompts/", {"prompt": "hi there", "model": "remote"}, format="json").json()
        assert local["response"] == "Answer to: hi there"
        assert remote["response"] == "Remote says: hi there"
        assert stored(remote["id"]).metadata.extra_info["model"] == "remote"
        assert stored(local["id"]).metadata.extra_info["model"] == "local"
        body = {"model": "remote", "messages": [{"role": "user", "content": "and you?"}]}
        chat = client.post("/v1/chat/completions", body, format="json").json()
        assert chat["choices"][0]["message"]["content"] == "Remote says: and you?" and chat["model"] == "remote"
        assert upstream.requests == 2


def test_an_unknown_model_is_a_400_listing_the_known_ones(make_user, client_for, two_models):
    with FakeUpstream() as upstream:
        two_models(upstream)
        client = client_for(make_user())
        rest = client.post("/prompts/", {"prompt": "hi", "model": "gpt-4"}, format="json")
        assert rest.status_code == 400
        assert rest.json() == {
            "error": "unknown model 'gpt-4'; this server serves: local, remote",
            "models": ["local", "remote"],
        }
        body = {"model": "gpt-4", "messages": [{"role": "user", "content": "hi"}]}
        v1 = client.post("/v1/chat/completions", body, format="json")
        assert v1.status_code == 400 and v1.json()["error"]["code"] == "model_not_found"
        assert "local, remote" in v1.json()["error"]["message"]
        assert client.post("/conversations/", {"model": "gpt-4"}, format="json").status_code == 400
        assert Prompt.objects.count() == 0


def test_an_upstream_500_falls_back_to_the_local_model_and_says_so(make_user, client_for, two_models):
    with FakeUpstream(status=500) as upstream:
        two_models(upstream)
        client = client_for(make_user())
        response = client.post("/prompts/", {"prompt": "still there?", "model": "remote"}, format="json")
        assert response.status_code == 201 and response.json()["response"] == "Answer to: still there?"
        info = stored(response.json()["id"]).metadata.extra_info
        assert info["model"] == "local"
        assert info["routing"]["requested"] == "remote" and info["routing"]["answered_by"] == "local"
        (skipped,) = info["routing"]["skipped"]
        assert skipped["model"] == "remote" and "answered HTTP 500" in skipped["reason"]


async def test_a_stream_falls_back_before_anything_was_shown(make_user, client_for, two_models):
    with FakeUpstream(status=500) as upstream:
        two_models(upstream)
        client = await sync_to_async(client_for)(await sync_to_async(make_user)())
        auth = {"HTTP_AUTHORIZATION": client._credentials["HTTP_AUTHORIZATION"]}
        response, raw = await stream_chat(auth, model="remote", messages=[{"role": "user", "content": "again"}])
        assert response.status_code == 200
        events = [event for event in sse_events(raw) if event["choices"]]
        assert "".join(event["choices"][0]["delta"].get("content", "") for event in events) == "Answer to: again"


def test_a_refused_request_or_a_model_without_fallbacks_does_not_fall_back(make_user, client_for, two_models):
    client = client_for(make_user())
    with FakeUpstream(status=400) as upstream:
        two_models(upstream)
        refused = client.post("/prompts/", {"prompt": "hi", "model": "remote"}, format="json")
        assert refused.status_code == 502 and "answered HTTP 400" in refused.json()["reason"]
    with FakeUpstream(status=503) as upstream:
        two_models(upstream, fallbacks=())
        failed = client.post("/prompts/", {"prompt": "hi", "model": "remote"}, format="json")
        assert failed.status_code == 502 and stored(failed.json()["prompt_id"]).status == "failed"


def test_a_conversation_keeps_its_model(make_user, client_for, two_models):
    with FakeUpstream() as upstream:
        two_models(upstream)
        client = client_for(make_user())
        conversation = client.post("/conversations/", {"model": "remote"}, format="json").json()
        assert conversation["model"] == "remote"
        turn = client.post(f"/conversations/{conversation['id']}/turns/", {"prompt": "hello"}, format="json").json()
        assert turn["response"] == "Remote says: hello"
        override = {"prompt": "and locally?", "model": "local"}
        local = client.post(f"/conversations/{conversation['id']}/turns/", override, format="json").json()
        assert local["response"].startswith("Answer to:")
        client.patch(f"/conversations/{conversation['id']}/", {"model": None}, format="json")
        assert client.get(f"/conversations/{conversation['id']}/").json()["model"] == ""


def test_each_model_has_its_own_admission_queue(make_user, client_for, two_models, settings):
    settings.GENERATION_QUEUE_SIZE = 1
    with FakeUpstream() as upstream:
        two_models(upstream)
        client = client_for(make_user())
        generation_slots.acquire("remote")  # a slow remote request holds the remote model's only slot
        try:
            busy = client.post("/prompts/", {"prompt": "hi", "model": "remote"}, format="json")
            assert busy.status_code == 503 and busy["Retry-After"]
            assert client.post("/prompts/", {"prompt": "hi"}, format="json").status_code == 201
        finally:
            generation_slots.release("remote")


async def test_the_socket_picks_a_model_too(make_user, two_models):
    with FakeUpstream() as upstream:
        two_models(upstream)
        socket = await open_socket(await sync_to_async(make_user)())
        await socket.send_json_to({"type": "prompt", "prompt": "hi", "model": "remote"})
        _, done = await collect_stream(socket)
        assert done["response"] == "Remote says: hi"
        refused = await send_after_stream(socket, {"type": "prompt", "prompt": "hi", "model": "nope"})
        assert refused["type"] == "error" and refused["models"] == ["local", "remote"]
        await socket.disconnect()
