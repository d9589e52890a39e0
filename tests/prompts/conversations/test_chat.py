"""/v1/chat/completions keeps conversations whole: the official `openai` client, in-process over WSGI."""

import httpx
import openai
import pytest
from django.core.wsgi import get_wsgi_application

from tests.fakes import FakeGenerator

pytestmark = pytest.mark.django_db(transaction=True)
MODEL = "HuggingFaceTB/SmolLM2-135M-Instruct"


@pytest.fixture
def openai_for(client_for):
    app = get_wsgi_application()

    def build(user) -> tuple[openai.OpenAI, object]:
        api = client_for(user)
        token = api._credentials["HTTP_AUTHORIZATION"].removeprefix("Bearer ")
        http = httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://testserver")
        client = openai.OpenAI(base_url="http://testserver/v1", api_key=token, http_client=http, max_retries=0)
        return client, api

    return build


def chat_three_turns(client) -> list[str]:
    """A client's three-turn chat: each call sends the whole history, as chat clients do."""
    messages = [{"role": "system", "content": "You are terse."}]
    answers = []
    for question in ["Hi, my name is Zorblax.", "What is my name?", "Spell it backwards."]:
        messages.append({"role": "user", "content": question})
        completion = client.chat.completions.create(model=MODEL, messages=messages)
        answer = completion.choices[0].message.content
        messages.append({"role": "assistant", "content": answer})
        answers.append(answer)
    return answers


def test_three_calls_make_one_conversation_of_three_turns_and_resending_adds_none(make_user, openai_for):
    client, api = openai_for(make_user())
    chat_three_turns(client)
    conversations = api.get("/conversations/").json()
    assert conversations["count"] == 1
    conversation = conversations["results"][0]
    assert conversation["turn_count"] == 3
    body = api.get(f"/conversations/{conversation['id']}/").json()
    assert body["system"] == "You are terse."
    assert [turn["text"] for turn in body["turns"]] == [
        "Hi, my name is Zorblax.",
        "What is my name?",
        "Spell it backwards.",
    ]
    assert [turn["metadata"]["extra_info"]["context"]["earlier_turns"] for turn in body["turns"]] == [0, 1, 2]
    # The model read the whole chat, system prompt first.
    assert FakeGenerator.last_prompt[0] == {"role": "system", "content": "You are terse."}
    assert len(FakeGenerator.last_prompt) == 6

    chat_three_turns(client)  # the same three calls again
    assert api.get("/conversations/").json()["count"] == 1


def test_earlier_messages_not_stored_become_client_supplied_turns(make_user, openai_for):
    client, api = openai_for(make_user())
    messages = [
        {"role": "user", "content": "Remember the number 42."},
        {"role": "assistant", "content": "Noted: 42."},
        {"role": "user", "content": "Which number?"},
    ]
    completion = client.chat.completions.create(model=MODEL, messages=messages)
    assert completion.choices[0].message.content == "Answer to: Which number?"
    (item,) = api.get("/conversations/").json()["results"]
    turns = api.get(f"/conversations/{item['id']}/").json()["turns"]
    assert [(t["text"], t["response"]) for t in turns] == [
        ("Remember the number 42.", "Noted: 42."),
        ("Which number?", "Answer to: Which number?"),
    ]
    assert turns[0]["metadata"]["extra_info"]["supplied_by_client"] is True
    assert "supplied_by_client" not in turns[1]["metadata"]["extra_info"]
    # Supplied, not generated here: it is not answered again.
    assert api.post(f"/prompts/{turns[0]['id']}/retry/").status_code == 409
    # And it is searchable like any turn.
    hits = api.get("/prompts/similar/?q=remember+number+42").json()
    assert hits[0]["id"] == turns[0]["id"] and hits[0]["conversation"]["id"] == item["id"]


def test_a_chat_diverging_from_the_stored_path_starts_a_new_conversation(make_user, openai_for):
    client, api = openai_for(make_user())
    first = [{"role": "user", "content": "Tell me about rivers."}]
    answer = client.chat.completions.create(model=MODEL, messages=first).choices[0].message.content
    follow = [*first, {"role": "assistant", "content": answer + " (edited by the client)"}]
    client.chat.completions.create(model=MODEL, messages=[*follow, {"role": "user", "content": "More."}])
    assert api.get("/conversations/").json()["count"] == 2


def test_explicit_conversation_extension(make_user, openai_for):
    client, api = openai_for(make_user())
    cid = api.post("/conversations/", {"system": "Be kind."}, format="json").json()["id"]
    api.post(f"/conversations/{cid}/turns/", {"prompt": "My cat is Tom."}, format="json")
    # Only the new message: the stored conversation is the context.
    completion = client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": "Who is Tom?"}], extra_body={"conversation": cid}
    )
    assert completion.model_extra["conversation"] == cid
    assert [m["content"] for m in FakeGenerator.last_prompt] == [
        "Be kind.",
        "My cat is Tom.",
        "Answer to: My cat is Tom.",
        "Who is Tom?",
    ]
    assert api.get(f"/conversations/{cid}/").json()["turn_count"] == 2
    # Another user's conversation id is a 404, like a missing one.
    other, _ = openai_for(make_user("bob"))
    with pytest.raises(openai.NotFoundError) as caught:
        other.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "Who is Tom?"}], extra_body={"conversation": cid}
        )
    assert caught.value.body["param"] == "conversation"
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "x"}], extra_body={"conversation": "abc"}
        )


async def test_streaming_chat_attaches_too(make_user, client_for):
    from asgiref.sync import sync_to_async
    from django.core.asgi import get_asgi_application

    user = await sync_to_async(make_user)()
    api = await sync_to_async(client_for)(user)
    token = api._credentials["HTTP_AUTHORIZATION"].removeprefix("Bearer ")
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=get_asgi_application()), base_url="http://testserver")
    client = openai.AsyncOpenAI(base_url="http://testserver/v1", api_key=token, http_client=http, max_retries=0)
    question = [{"role": "user", "content": "Stream please."}]
    chunks = [
        chunk async for chunk in await client.chat.completions.create(model=MODEL, messages=question, stream=True)
    ]
    answer = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert answer == "Answer to: Stream please."
    follow = [*question, {"role": "assistant", "content": answer}, {"role": "user", "content": "Again."}]
    async for _ in await client.chat.completions.create(model=MODEL, messages=follow, stream=True):
        pass
    listing = await sync_to_async(api.get)("/conversations/")
    (item,) = listing.json()["results"]
    assert item["turn_count"] == 2
