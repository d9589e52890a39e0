"""Conversations in the real browser (Debian's chromium), against a real server with the fast fake models
(their answers repeat the prompt, so an answer can carry Markdown and HTML chosen by the test)."""

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LiveServer
from tests.e2e.ui import ask, sign_up
from tests.servers import FAKE_MODELS

pytestmark = pytest.mark.e2e

HOSTILE = (
    'Show <img src=x onerror="window.hacked=1"> and <script>window.hacked=2</script> with **bold** text\n\n'
    "```python\nprint('hi')\n```"
)


@pytest.fixture(scope="module")
def fake_server(tmp_path_factory):
    server = LiveServer(
        data_dir=tmp_path_factory.mktemp("conversations-ui"),
        env_overrides={**FAKE_MODELS, "CONVERSATION_MODEL_TITLES": "false"},
    ).start()
    yield server
    server.stop()


def conversation_items(page):
    return page.locator("#conversation-list .conversation")


def test_a_conversation_with_edits_regenerations_and_alternatives(fake_server, browser_page):
    page = browser_page
    page.goto(fake_server.url)
    sign_up(page, f"conv_{uuid.uuid4().hex[:8]}")
    expect(page.locator("#live-status")).to_have_text("live")
    expect(page.locator("#conversation-list")).to_contain_text("No conversations yet.")
    expect(page.locator("#ask-title")).to_have_text("New conversation")

    ask(page, "Hi, my name is Zorblax.")
    ask(page, "What is my name?")
    # One conversation of two turns: the first in the thread, the newest in the answer panel.
    expect(conversation_items(page)).to_have_count(1)
    expect(conversation_items(page).first).to_contain_text("2 turns")
    expect(page.locator("#ask-title")).to_have_text("Hi, my name is Zorblax.")
    expect(page.locator("#thread .turn .prompt-text")).to_have_text(["Hi, my name is Zorblax."])
    expect(page.locator("#answer .answer-text")).to_have_text("Answer to: What is my name?")
    page.screenshot(path=str(fake_server.data_dir / "thread.png"), full_page=True)

    # Regenerate: a second answer at the same position, shown as 2/2, and < goes back to the first.
    page.locator("#answer").get_by_role("button", name="Regenerate").click()
    expect(page.locator("#answer .sibling-position")).to_have_text("2/2")
    page.locator("#answer").get_by_role("button", name="Previous alternative").click()
    expect(page.locator("#answer .sibling-position")).to_have_text("1/2")
    expect(page.locator("#answer").get_by_role("button", name="Previous alternative")).to_be_disabled()

    # Edit the first prompt: a new first turn; the path restarts there.
    page.locator("#thread").get_by_role("button", name="Edit").click()
    page.get_by_label("Edit this prompt").fill("Hi, my name is Quux.")
    page.get_by_role("button", name="Send edit").click()
    expect(page.locator("#answer .answer-text")).to_have_text("Answer to: Hi, my name is Quux.")
    expect(page.locator("#answer .sibling-position")).to_have_text("2/2")
    expect(page.locator("#thread .turn")).to_have_count(0)
    page.locator("#answer").get_by_role("button", name="Previous alternative").click()
    expect(page.locator("#thread .turn .prompt-text")).to_have_text(["Hi, my name is Zorblax."])
    expect(page.locator("#answer .prompt-text")).to_have_text("What is my name?")
    expect(conversation_items(page).first).to_contain_text("4 turns")
    page.screenshot(path=str(fake_server.data_dir / "alternatives.png"), full_page=True)


def test_answers_render_markdown_safely_with_a_code_copy_button(fake_server, browser_page):
    page = browser_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(fake_server.url)
    sign_up(page, f"md_{uuid.uuid4().hex[:8]}")
    ask(page, HOSTILE)
    answer = page.locator("#answer .answer-text")
    expect(answer.locator("strong")).to_have_text("bold")
    expect(answer).to_contain_text('<img src=x onerror="window.hacked=1">')  # shown as text
    expect(page.locator("#answer img, #answer script")).to_have_count(0)
    assert page.evaluate("window.hacked") is None
    expect(answer.locator(".code-block code")).to_have_text("print('hi')")
    answer.get_by_role("button", name="Copy code").click()
    expect(answer.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == "print('hi')"
    page.screenshot(path=str(fake_server.data_dir / "markdown.png"), full_page=True)


def test_conversation_list_pin_rename_archive_search_delete(fake_server, browser_page):
    page = browser_page
    page.goto(fake_server.url)
    sign_up(page, f"list_{uuid.uuid4().hex[:8]}")
    for text in ("rivers of Europe", "baking sourdough bread", "chess openings"):
        page.get_by_role("button", name="New conversation").click()
        ask(page, text)
    items = conversation_items(page)
    expect(items.locator(".conversation-open")).to_have_text(
        ["chess openings", "baking sourdough bread", "rivers of Europe"]
    )

    items.filter(has_text="rivers").get_by_role("button", name="Pin").click()
    expect(items.first).to_contain_text("rivers of Europe")
    expect(items.first).to_contain_text("Pinned")

    items.filter(has_text="sourdough").get_by_role("button", name="Rename").click()
    page.get_by_label("New title").fill("Bread")
    page.get_by_label("New title").press("Enter")
    expect(items.locator(".conversation-open")).to_have_text(["rivers of Europe", "Bread", "chess openings"])

    items.filter(has_text="chess").get_by_role("button", name="Archive").click()
    expect(items).to_have_count(2)
    page.get_by_label("Show archived").check()
    expect(items.locator(".conversation-open")).to_have_text(["chess openings"])
    page.get_by_label("Show archived").uncheck()

    page.get_by_label("Search your conversations").fill("sourdough bread baking")
    page.get_by_role("button", name="Search conversations").click()
    expect(items.locator(".conversation-open").first).to_have_text("Bread")

    items.first.locator(".conversation-open").click()
    expect(page.locator("#ask-title")).to_have_text("Bread")
    items.first.get_by_role("button", name="Delete").click()
    page.get_by_role("button", name="Yes, delete").click()
    expect(page.locator("#ask-title")).to_have_text("New conversation")  # the open one was deleted
    page.get_by_label("Search your conversations").fill("")
    page.get_by_role("button", name="Search conversations").click()
    expect(items.locator(".conversation-open")).to_have_text(["rivers of Europe"])
    page.screenshot(path=str(fake_server.data_dir / "list.png"), full_page=True)
