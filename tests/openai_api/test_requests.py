"""/v1/chat/completions runs a template with LiteLLM's prompt_id, prompt_version, prompt_variables."""

import json

import pytest

from prompt_forge.prompt_templates import services as templates
from prompt_forge.prompts.models import Prompt
from tests.fakes import FakeGenerator
from tests.openai_api.test_views import MODEL, stream_chat, v1  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db(transaction=True)


def post(client, auth, **body):
    return client.post(
        "/v1/chat/completions", json.dumps({"model": MODEL, **body}), content_type="application/json", **auth
    )


@pytest.fixture
def summary(v1):  # noqa: F811
    user, auth = v1
    template = templates.template_create(
        user_id=user.pk, name="summary", content="Summarize {{text}}", system="Be brief.", params={"max_new_tokens": 7}
    )
    templates.version_create(template=template, content="Summarize {{text}} in one line")
    templates.label_set(template=template, label="production", number=1)
    return user, auth


def test_prompt_id_runs_the_template_and_records_it(client, summary):
    _, auth = summary
    response = post(client, auth, prompt_id="summary", prompt_variables={"text": "the news"})
    assert response.status_code == 200, response.content
    assert FakeGenerator.last_prompt == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Summarize the news in one line"},
    ]
    assert FakeGenerator.last_params.max_new_tokens == 7  # the template's default
    stored = Prompt.objects.select_related("metadata").get(pk=int(response.json()["id"].removeprefix("chatcmpl-")))
    assert stored.text == "Summarize the news in one line"
    assert stored.metadata.extra_info["template"] == {
        "name": "summary",
        "version": 2,
        "variables": {"text": "the news"},
    }
    pinned = post(client, auth, prompt_id="summary", prompt_version=1, prompt_variables={"text": "x"}, max_tokens=3)
    assert FakeGenerator.last_prompt[-1]["content"] == "Summarize x" and FakeGenerator.last_params.max_new_tokens == 3
    assert pinned.status_code == 200
    labelled = post(client, auth, prompt_id="summary", prompt_label="production", prompt_variables={"text": "y"})
    assert labelled.status_code == 200 and FakeGenerator.last_prompt[-1]["content"] == "Summarize y"


def test_earlier_messages_come_before_the_rendered_template(client, summary):
    _, auth = summary
    messages = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]
    response = post(client, auth, prompt_id="summary", messages=messages, prompt_variables={"text": "z"})
    assert response.status_code == 200, response.content
    assert [m["content"] for m in FakeGenerator.last_prompt] == ["Be brief.", "Hi", "Hello!", "Summarize z in one line"]


def test_template_errors_in_openai_shape(client, summary):
    _, auth = summary
    missing = post(client, auth, prompt_id="summary", prompt_variables={})
    assert missing.status_code == 400
    assert missing.json()["error"]["message"] == "missing template variable: text"
    assert missing.json()["error"]["param"] == "prompt_variables"
    unknown = post(client, auth, prompt_id="nope", prompt_variables={})
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "prompt_not_found"
    version = post(client, auth, prompt_id="summary", prompt_version=0, prompt_variables={"text": "x"})
    assert version.status_code == 400 and version.json()["error"]["param"] == "prompt_version"
    assert post(client, auth).status_code == 400  # neither messages nor prompt_id


async def test_a_streamed_template_run(summary):
    _, auth = summary
    response, raw = await stream_chat(auth, messages=[], prompt_id="summary", prompt_variables={"text": "it"})
    assert response.status_code == 200 and "[DONE]" in raw
    assert FakeGenerator.last_prompt[-1] == {"role": "user", "content": "Summarize it in one line"}
