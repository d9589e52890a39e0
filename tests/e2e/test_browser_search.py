"""Searching the whole history in the real browser (Debian's chromium), against a real server with the
fast fake models: highlighted snippets, modes, filters, tags, and a hit opening its conversation at that turn."""

import os
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LiveServer
from tests.e2e.ui import ask, search, sign_up
from tests.servers import FAKE_MODELS

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def fake_server(tmp_path_factory):
    server = LiveServer(
        data_dir=tmp_path_factory.mktemp("search-ui"),
        env_overrides={**FAKE_MODELS, "CONVERSATION_MODEL_TITLES": "false"},
    ).start()
    yield server
    server.stop()


def test_search_highlights_filters_by_tag_and_opens_the_turn(fake_server, browser_page):
    page = browser_page
    page.goto(fake_server.url)
    sign_up(page, f"search_{uuid.uuid4().hex[:8]}")
    expect(page.locator("#live-status")).to_have_text("live")

    ask(page, "The deploy failed with E1107-KX <b>again</b>")
    ask(page, "What does that code mean for the cache?")  # a second turn of the same conversation
    page.get_by_role("button", name="New conversation").click()
    ask(page, "Plan a walking trip in the Scottish highlands")
    # Tag the open conversation (the trip).
    page.get_by_label("Tags (comma separated)").fill("travel, summer")
    page.get_by_role("button", name="Save tags").click()
    expect(page.locator("#notice")).to_contain_text("Tags saved: summer, travel.")
    expect(page.locator("#conversation-list .conversation").first.locator(".tag")).to_have_text(["summer", "travel"])

    # An exact code: the turn that mentions it comes first, the code highlighted (text, not markup).
    search(page, "E1107-KX")
    hits = page.locator("#search-results article")
    first = hits.first
    expect(first.locator(".prompt-text")).to_have_text("The deploy failed with E1107-KX <b>again</b>")
    expect(first.locator("mark")).to_have_text(["E1107-KX"])
    expect(first.locator("b")).to_have_count(0)
    expect(first.locator(".meta")).to_contain_text("matched by words")

    # A word only answers contain (the fake model answers "Answer to: ..."): the answer's passage shows.
    page.get_by_label("Exact words").check()
    search(page, "answer")
    expect(hits).to_have_count(3)
    expect(hits.first.locator(".snippet-answer mark")).to_have_text(["Answer"])

    # The tag filter keeps the tagged conversation's turns only.
    page.get_by_label("Words and meaning").check()
    page.get_by_label("With tag").select_option("travel")
    search(page, "answer")
    expect(hits).to_have_count(1)
    expect(hits.first.locator(".prompt-text")).to_have_text("Plan a walking trip in the Scottish highlands")
    page.get_by_label("With tag").select_option("")
    page.get_by_label("From", exact=True).fill("2999-01-01")
    search(page, "answer")
    expect(page.locator("#search-results")).to_contain_text("Nothing in your history matches")
    page.get_by_label("From", exact=True).fill("")

    # A hit opens its conversation at that turn: the first turn, in view and focused.
    search(page, "E1107-KX")
    # Set SEARCH_SCREENSHOT to a path to keep the page as it looks here.
    page.screenshot(path=os.environ.get("SEARCH_SCREENSHOT", str(fake_server.data_dir / "search.png")), full_page=True)
    first.get_by_role("button", name="Open at this turn").click()
    expect(page.locator("#ask-title")).to_have_text("The deploy failed with E1107-KX <b>again</b>")
    found = page.locator("#thread .prompt.found")
    expect(found).to_have_count(1)
    expect(found.locator(".prompt-text")).to_have_text("The deploy failed with E1107-KX <b>again</b>")
    expect(found).to_be_focused()
    expect(page.get_by_label("Tags (comma separated)")).to_have_value("")
    assert page.evaluate("window.hacked") is None
