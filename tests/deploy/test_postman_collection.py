"""`Prompt Forge.postman_collection.json`: a Postman v2.1 collection whose every request resolves in the
real URL configuration, and which works when run in order, as a user runs it (in-process, fake models)."""

import json
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from asgiref.sync import async_to_sync
from django.urls import resolve
from rest_framework.test import APIClient

from tests.ops_tools import REPO

COLLECTION = json.loads((REPO / "Prompt Forge.postman_collection.json").read_text())
VARIABLES = {variable["key"]: variable["value"] for variable in COLLECTION["variable"]}
SAVES = re.compile(r'pm\.collectionVariables\.set\("(\w+)", (?:pm\.response\.json\(\)|body)\.(\w+)\)')
# A request whose test script accepts listed codes, e.g. a retry of a prompt that is already answered (409).
ACCEPTS = re.compile(r"pm\.response\.code\)\.to\.be\.oneOf\(\[([\d, ]+)\]\)")


def requests_in_order(items=COLLECTION["item"], folder=""):
    for item in items:
        if "item" in item:
            yield from requests_in_order(item["item"], f"{folder}{item['name']} / ")
        else:
            yield f"{folder}{item['name']}", item


async def _read_stream(response) -> bytes:
    return b"".join([chunk async for chunk in response.streaming_content])


def fill(text: str, variables: dict) -> str:
    return re.sub(r"\{\{(\w+)\}\}", lambda m: str(variables[m.group(1)]), text)


def test_collection_is_postman_v2_1_with_host_and_token_variables():
    assert COLLECTION["info"]["schema"] == "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
    assert {"host", "access_token"} <= set(VARIABLES)
    assert COLLECTION["auth"]["bearer"][0]["value"] == "{{access_token}}"
    for name, item in requests_in_order():
        assert item["request"]["url"]["raw"].startswith("{{host}}/"), name
        assert item["request"]["url"]["host"] == ["{{host}}"], name


@pytest.mark.parametrize(("name", "item"), list(requests_in_order()), ids=[name for name, _ in requests_in_order()])
def test_every_request_resolves_in_the_url_configuration(name, item):
    path = urlsplit(fill(item["request"]["url"]["raw"], {**VARIABLES, "host": ""})).path
    match = resolve(path)  # raises Resolver404 for a URL the app does not serve
    view_class = getattr(match.func, "view_class", None)
    if view_class is not None:
        assert hasattr(view_class, item["request"]["method"].lower()), f"{name}: method not allowed"


@pytest.mark.django_db(transaction=True)
def test_running_the_collection_in_order_succeeds():
    variables = dict(VARIABLES)
    client = APIClient(REMOTE_ADDR="127.0.0.1")
    for name, item in requests_in_order():
        request = item["request"]
        url = urlsplit(fill(request["url"]["raw"], {**variables, "host": ""}))
        headers = {}
        if request.get("auth", COLLECTION["auth"])["type"] == "bearer":
            headers["HTTP_AUTHORIZATION"] = f"Bearer {variables['access_token']}"
        body = json.loads(fill(request["body"]["raw"], variables)) if "body" in request else None
        response = client.generic(
            request["method"],
            url.path,
            json.dumps(body) if body is not None else "",
            content_type="application/json",
            QUERY_STRING="&".join(f"{k}={v}" for k, v in parse_qsl(url.query)),
            **headers,
        )
        script = "\n".join(line for event in item.get("event", []) for line in event["script"]["exec"])
        accepted = ACCEPTS.search(script)
        if accepted:
            assert response.status_code in {int(code) for code in accepted.group(1).split(",")}, name
        else:
            assert response.status_code < 400, f"{name}: {response.status_code} {response.content[:300]!r}"
        if response.streaming:  # /v1 server-sent events: read the whole stream, as a client does
            assert b"data: [DONE]" in async_to_sync(_read_stream)(response), name
            continue
        for event in item.get("event", []):
            for variable, field in SAVES.findall("\n".join(event["script"]["exec"])):
                if field in response.json():  # the scripts save a field only when the response has it
                    variables[variable] = response.json()[field]
