"""/v1/chat/completions and /v1/models in-process, with the fake models."""

import json

import pytest
from django.test import AsyncClient

from prompt_forge.prompts.models import Prompt
from tests.fakes import FakeGenerator

pytestmark = pytest.mark.django_db(transaction=True)

MODEL = "HuggingFaceTB/SmolLM2-135M-Instruct"


@pytest.fixture
def v1(make_user, client_for):
    """A user and their bearer header."""
    user = make_user()
    header = client_for(user)._credentials["HTTP_AUTHORIZATION"]
    return user, {"HTTP_AUTHORIZATION": header}


def chat(client, auth, **body):
    payload = {"model": MODEL, "messages": [{"role": "user", "content": "Hello there"}], **body}
    return client.post("/v1/chat/completions", json.dumps(payload), content_type="application/json", **auth)


async def stream_chat(auth, **body) -> tuple[object, str]:
    """Streams need the async test client: the response is an async iterator on its event loop."""
    payload = {"model": MODEL, "messages": [{"role": "user", "content": "Hello there"}], "stream": True, **body}
    headers = {"Authorization": auth["HTTP_AUTHORIZATION"]}
    response = await AsyncClient().post(
        "/v1/chat/completions", json.dumps(payload), content_type="application/json", headers=headers
    )
    if not response.streaming:
        return response, ""
    return response, b"".join([part async for part in response.streaming_content]).decode()


def sse_events(raw: str) -> list:
    assert raw.endswith("data: [DONE]\n\n")
    return [json.loads(line[6:]) for line in raw.split("\n\n") if line.startswith("data: {")]


def test_models_lists_the_served_model(client, v1):
    _, auth = v1
    body = client.get("/v1/models", **auth).json()
    assert [model["id"] for model in body["data"]] == [MODEL] and body["object"] == "list"
    assert client.get("/v1/models").status_code == 401


def test_plain_completion_is_openai_shaped_and_lands_in_history(client, v1):
    user, auth = v1
    conversation = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": [{"type": "text", "text": "What is "}, {"type": "text", "text": "Django?"}]},
    ]
    response = chat(client, auth, messages=conversation)
    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "chat.completion" and body["model"] == MODEL
    assert body["choices"][0]["message"] == {"role": "assistant", "content": "Answer to: What is Django?"}
    assert body["choices"][0]["finish_reason"] == "stop"
    assert body["usage"]["total_tokens"] == body["usage"]["prompt_tokens"] + body["usage"]["completion_tokens"]
    stored = Prompt.objects.select_related("metadata").get(pk=int(body["id"].removeprefix("chatcmpl-")))
    assert stored.user_id == user.pk and stored.text == "What is Django?"
    assert stored.response == body["choices"][0]["message"]["content"]
    assert stored.metadata.extra_info["source"] == "v1/chat/completions"


async def test_streaming_completion_is_sse_chunks_and_lands_in_history(v1):
    _, auth = v1
    response, raw = await stream_chat(auth, stream_options={"include_usage": True})
    assert response.status_code == 200 and response["Content-Type"] == "text/event-stream"
    events = sse_events(raw)
    assert events[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    contents = [e["choices"][0]["delta"]["content"] for e in events[1:] if e["choices"] and e["choices"][0]["delta"]]
    assert len(contents) == 4 and "".join(contents) == "Answer to: Hello there"
    assert events[-2]["choices"][0]["finish_reason"] == "stop"
    assert events[-1]["choices"] == [] and events[-1]["usage"]["completion_tokens"] == 4
    assert {e["object"] for e in events} == {"chat.completion.chunk"} and len({e["id"] for e in events}) == 1
    assert (await Prompt.objects.aget(pk=int(events[0]["id"][9:]))).response == "Answer to: Hello there"


@pytest.mark.parametrize(
    ("body", "status", "param"),
    [
        ({"model": "gpt-4"}, 400, "model"),  # unknown: the message lists the served models
        ({"model": None}, 400, "model"),
        ({"messages": []}, 400, "messages"),
        ({"messages": [{"role": "robot", "content": "hi"}]}, 400, "messages[0].role"),
        ({"messages": [{"role": "user", "content": 7}]}, 400, "messages[0].content"),
        ({"messages": [{"role": "assistant", "content": "hi"}]}, 400, "messages"),
        ({"messages": [{"role": "user", "content": "x" * 4001}]}, 400, "messages"),
        ({"temperature": 3}, 400, "temperature"),
        ({"max_tokens": 0}, 400, "max_tokens"),
        ({"stop": ["a", "b", "c", "d", "e"]}, 400, "stop"),
        ({"n": 2}, 400, "n"),
        ({"stream": "yes"}, 400, "stream"),
    ],
)
def test_bad_requests_get_openai_errors_and_store_nothing(client, v1, body, status, param):
    _, auth = v1
    response = chat(client, auth, **body)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["param"] == param and error["message"]
    assert Prompt.objects.count() == 0


def test_auth_busy_and_model_failure(client, v1, settings):
    _, auth = v1
    assert chat(client, {"HTTP_AUTHORIZATION": "Bearer nope"}).status_code == 401
    settings.GENERATION_QUEUE_SIZE = 0
    busy = chat(client, auth)
    assert busy.status_code == 503 and busy["Retry-After"] == "2"
    assert busy.json()["error"]["code"] == "server_busy"
    assert Prompt.objects.count() == 0
    settings.GENERATION_QUEUE_SIZE = 4
    FakeGenerator.fail_with = "out of memory"
    failed = chat(client, auth)
    assert failed.status_code == 503
    assert Prompt.objects.get(pk=failed.json()["error"]["prompt_id"]).status == "failed"


async def test_streaming_busy_is_a_real_503_and_failure_an_error_event(v1, settings):
    _, auth = v1
    settings.GENERATION_QUEUE_SIZE = 0
    busy, _ = await stream_chat(auth)
    assert busy.status_code == 503 and busy["Retry-After"] == "2"
    assert json.loads(busy.content)["error"]["code"] == "server_busy"
    assert await Prompt.objects.acount() == 0
    settings.GENERATION_QUEUE_SIZE = 4
    FakeGenerator.fail_with = "out of memory"
    response, raw = await stream_chat(auth)
    error = json.loads(raw.strip().split("\n\n")[-1][6:])["error"]
    assert error["code"] == "model_error" and "out of memory" in error["message"]
    assert (await Prompt.objects.aget(pk=error["prompt_id"])).status == "failed"


def test_max_tokens_above_the_limit_is_capped(client, v1, settings):
    _, auth = v1
    settings.GENERATION_MAX_NEW_TOKENS = 6
    response = chat(client, auth, max_tokens=4096)
    assert response.status_code == 200
    stored = Prompt.objects.select_related("metadata").get()
    assert stored.metadata.extra_info["generation"]["max_new_tokens"] == 6


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"stream_options": False}, "stream_options"),
        ({"stream_options": "yes"}, "stream_options"),
        ({"stream_options": {"include_usage": "yes"}}, "stream_options"),
        ({"stream": None}, "stream"),
        ({"model": 7}, "model"),
        ({"messages": {"role": "user"}}, "messages"),
        ({"messages": ["hi"]}, "messages[0].role"),
        ({"messages": [{"role": "user", "content": [{"type": "text", "text": 1}]}]}, "messages[0].content"),
        ({"max_tokens": 1.5}, "max_tokens"),
        ({"max_completion_tokens": "9"}, "max_completion_tokens"),
        ({"temperature": "hot"}, "temperature"),
        ({"top_p": True}, "top_p"),
        ({"stop": 5}, "stop"),
        ({"stop": [1]}, "stop"),
        ({"n": "1"}, "n"),
    ],
)
def test_every_field_of_the_wrong_type_is_a_400(client, v1, body, param):
    _, auth = v1
    response = chat(client, auth, **body)
    assert response.status_code == 400, body
    assert response.json()["error"]["param"] == param
    assert Prompt.objects.count() == 0


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("[" * 30000 + "]" * 30000, "nested too deeply"),
        ('{"model": "m", "messages": [{"role": "user", "content": "lone \\ud800"}]}', "lone surrogate"),
        ('{"model": "m", "messages": [{"role": "user", "content": "nul \\u0000"}]}', "NUL"),
        ('{"model": "m", "temperature": NaN}', "NaN is not valid JSON"),
        (b"\xff\xfe", "JSON parse error"),
    ],
)
def test_v1_parses_json_as_strictly_as_the_rest_api(client, v1, raw, reason):
    _, auth = v1
    response = client.post("/v1/chat/completions", raw, content_type="application/json", **auth)
    assert response.status_code == 400
    assert reason in response.json()["error"]["message"]
    assert Prompt.objects.count() == 0


def test_prompt_deleted_while_generating_is_409(client, v1, monkeypatch):
    from tests.fakes import deleting_while_answering

    deleting_while_answering(monkeypatch)
    _, auth = v1
    response = chat(client, auth)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "prompt_deleted"


async def test_prompt_deleted_while_streaming_ends_with_a_409_error_event(v1, monkeypatch):
    from tests.fakes import deleting_while_answering

    deleting_while_answering(monkeypatch)
    _, auth = v1
    response, raw = await stream_chat(auth)
    assert response.status_code == 200  # the stream had begun
    assert '"code": "prompt_deleted"' in raw and "[DONE]" not in raw


async def test_a_conversation_over_the_token_budget_is_a_400_on_every_form(v1, settings):
    settings.GENERATION_MAX_PROMPT_TOKENS = 50
    _, auth = v1
    system = {"role": "system", "content": "word " * 60}
    messages = [system, {"role": "user", "content": "Hello there"}]
    for stream in (False, True):
        response, _ = await stream_chat(auth, messages=messages, stream=stream)
        assert response.status_code == 400
        error = json.loads(response.content)["error"]
        assert error["code"] == "context_length_exceeded" and error["param"] == "messages"
        assert "at most 50 are accepted (GENERATION_MAX_PROMPT_TOKENS)" in error["message"]
    assert await Prompt.objects.acount() == 0
