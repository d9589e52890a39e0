"""A share link in a real browser (Debian's chromium): a fresh context with no tokens reads the thread,
cannot reach any other endpoint from the page, and gets the 404 page once the link is revoked."""

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ApiUser, LiveServer
from tests.servers import FAKE_MODELS

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def fake_server(tmp_path_factory):
    server = LiveServer(
        data_dir=tmp_path_factory.mktemp("sharing-ui"),
        env_overrides={**FAKE_MODELS, "CONVERSATION_MODEL_TITLES": "false"},
    ).start()
    yield server
    server.stop()


def test_a_shared_thread_opens_without_login_and_disappears_when_revoked(fake_server, chromium):
    owner = ApiUser(fake_server, f"sharer_{uuid.uuid4().hex[:8]}")
    first = owner.http.post("/prompts/", json={"prompt": "Plan a picnic <b>for</b> four"}).json()
    cid = first["conversation"]
    owner.http.post(f"/conversations/{cid}/turns/", json={"prompt": "What about dessert?"})
    link = owner.http.post(f"/conversations/{cid}/share/", json={"expires_in_days": 7}).json()["url"]

    context = chromium.new_context()  # a stranger's browser: no cookies, no storage, no token
    page = context.new_page()
    blocked: list[str] = []
    page.on(
        "console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None
    )
    response = page.goto(link)
    assert response.status == 200
    expect(page.locator("h1")).to_have_text("Plan a picnic <b>for</b> four")  # text, never markup
    expect(page.locator(".turn .prompt .text")).to_have_text(["Plan a picnic <b>for</b> four", "What about dessert?"])
    expect(page.locator(".turn .response .text").first).to_contain_text("Answer to: Plan a picnic")
    assert page.locator("meta[name=robots]").get_attribute("content").startswith("noindex")
    assert page.evaluate("Object.keys(localStorage).length") == 0 and context.cookies() == []
    page.screenshot(path=str(fake_server.data_dir / "shared.png"), full_page=True)

    # The page may not talk to any endpoint: its policy blocks fetch, even with the owner's token.
    outcome = page.evaluate(
        """token => fetch('/prompts/', {headers: {Authorization: 'Bearer ' + token}})
            .then(r => 'reached ' + r.status).catch(() => 'blocked')""",
        owner.access,
    )
    assert outcome == "blocked"
    assert page.evaluate("new Promise(r => { const w = new WebSocket('ws://' + location.host + '/ws/prompts/');"
                         " w.onerror = () => r('blocked'); w.onopen = () => r('open'); })") == "blocked"  # fmt: skip

    assert owner.http.delete(f"/conversations/{cid}/share/").status_code == 204
    gone = page.goto(link)
    assert gone.status == 404
    expect(page.locator("h1")).to_have_text("This link does not work")
    page.screenshot(path=str(fake_server.data_dir / "shared-revoked.png"), full_page=True)
    context.close()
