"""API keys, usage and the model picker in a real browser (Debian's chromium), fake models: create a key
and copy it once, use it from a program, see its last use and the usage table, pick a model, revoke."""

import json
import uuid

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ApiUser, LiveServer
from tests.e2e.ui import ask, log_in
from tests.servers import FAKE_MODELS

pytestmark = pytest.mark.e2e

MODELS = [
    {"name": "smol", "backend": "tests.fakes.FakeGenerator"},
    {"name": "second", "backend": "tests.fakes.FakeGenerator"},
]


@pytest.fixture(scope="module")
def fake_server(tmp_path_factory):
    server = LiveServer(
        data_dir=tmp_path_factory.mktemp("keys-ui"),
        env_overrides={**FAKE_MODELS, "CONVERSATION_MODEL_TITLES": "false", "MODELS": json.dumps(MODELS)},
    ).start()
    yield server
    server.stop()


def test_keys_usage_and_model_picker(fake_server, chromium):
    user = ApiUser(fake_server, f"keys_{uuid.uuid4().hex[:8]}")
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(fake_server.url)
    log_in(page, user.username)
    expect(page.locator("#workspace")).to_be_visible()

    # The picker lists every served model; the chosen one answers.
    expect(page.locator("#prompt-model option")).to_have_text(["Default (smol)", "smol", "second"])
    page.get_by_label("Answer with model").select_option("second")
    ask(page, "Which model are you?")
    newest = user.http.get("/prompts/", params={"limit": 1}).json()["results"][0]
    assert newest["metadata"]["extra_info"]["model"] == "second"

    # A key: created, shown once, copied from the page, used by a program.
    keys = page.locator("section.keys")
    keys.get_by_label("Name").fill("notebook")
    keys.get_by_label("Send prompts").check()
    keys.get_by_label("Daily token budget").fill("5000")
    keys.get_by_role("button", name="Create key").click()
    secret = keys.get_by_label("The new API key")
    expect(secret).to_be_visible()
    key = secret.input_value()
    assert key.startswith("pf_") and len(key) >= 46
    expect(keys.locator(".key")).to_have_count(1)
    expect(keys.locator(".key")).to_contain_text("notebook")
    expect(keys.locator(".key")).to_contain_text("never used")
    expect(keys.locator(".key")).to_contain_text("5000 tokens a day")
    program = httpx.Client(base_url=fake_server.url, headers={"Authorization": f"Bearer {key}"}, timeout=60)
    chat = {"model": "smol", "messages": [{"role": "user", "content": "Hello from a script"}]}
    assert program.post("/v1/chat/completions", json=chat).status_code == 200
    keys.get_by_role("button", name="Done").click()
    expect(secret).to_be_hidden()
    page.reload()
    expect(page.locator("section.keys .key")).to_contain_text("last used")
    assert key not in page.content()  # never shown again

    # Usage: both requests, by model and by key.
    usage = page.locator("section.usage")
    expect(usage.locator("#usage-summary")).to_contain_text("2 requests")
    expect(usage.locator("tr.sub")).to_contain_text(["model second", "model smol", "logged in", "key notebook"])
    page.screenshot(path=str(fake_server.data_dir / "keys-usage.png"), full_page=True)

    page.locator("section.keys").get_by_role("button", name="Revoke the key notebook").click()
    expect(page.locator("section.keys .key")).to_have_count(0)
    assert program.post("/v1/chat/completions", json=chat).status_code == 401
    page.close()
