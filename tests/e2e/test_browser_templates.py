"""The prompt workflow in the real browser (Debian's chromium, fast fake models): write a template, run
it, make a new version, label it, see the diff, rate answers, compare versions side by side, share."""

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LiveServer
from tests.e2e.ui import sign_up
from tests.servers import FAKE_MODELS

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def fake_server(tmp_path_factory):
    server = LiveServer(
        data_dir=tmp_path_factory.mktemp("templates-ui"),
        env_overrides={**FAKE_MODELS, "CONVERSATION_MODEL_TITLES": "false"},
    ).start()
    yield server
    server.stop()


def test_template_workflow_thumbs_compare_and_share(fake_server, browser_page, chromium):
    page = browser_page
    page.goto(fake_server.url)
    sign_up(page, f"tpl_{uuid.uuid4().hex[:8]}")
    templates = page.locator("section.templates")
    templates.get_by_label("Name").fill("summary")
    templates.get_by_label("Template").fill("Summarize {{text}} for {{audience}}")
    templates.get_by_role("button", name="Create template").click()
    detail = page.locator("#template-detail")
    expect(detail.locator("h3")).to_have_text("summary")

    # Run v1 with its variables: the answer opens as a conversation.
    detail.get_by_label("Variable text").fill("the report")
    detail.get_by_label("Variable audience").fill("children")
    detail.get_by_role("button", name="Run", exact=True).click()
    expect(page.locator("#answer .answer-text")).to_have_text("Answer to: Summarize the report for children")

    # v2, labelled production; the diff shows the change.
    detail.get_by_label("Content of the new version").fill("In three bullets, summarize {{text}} for {{audience}}")
    detail.get_by_role("button", name="Save as new version").click()
    expect(detail.locator(".template-versions > li")).to_have_count(2)
    detail.get_by_label("Version for the label").select_option("2")
    detail.get_by_role("button", name="Point label here").click()
    expect(detail.locator(".template-labels")).to_have_text("Labels: production → v2")
    detail.get_by_role("button", name="Show diff").click()
    expect(detail.locator(".diff")).to_contain_text("+In three bullets, summarize {{text}} for {{audience}}")
    page.screenshot(path=str(fake_server.data_dir / "templates.png"), full_page=True)

    # Thumbs on the answer: pressed, and it stays pressed after a reload.
    answer = page.locator("#answer")
    answer.get_by_role("button", name="Bad answer (never reused from the cache)").click()
    expect(answer.locator(".thumb[data-rating='-1']")).to_have_attribute("aria-pressed", "true")

    # Compare the v1 answer with v2, side by side.
    answer.get_by_role("button", name="Compare").click()
    compare = page.locator("#compare")
    expect(compare.get_by_label("summary v2")).to_be_checked()
    compare.get_by_role("button", name="Compare", exact=True).click()
    expect(compare.locator(".compare-column")).to_have_count(2)
    second = compare.locator(".compare-column").nth(1)
    expect(second).to_contain_text("In three bullets, summarize the report for children")
    expect(second.locator(".meta")).to_contain_text("tokens in")
    second.get_by_role("button", name="Good answer").click()
    expect(second.locator(".thumb[data-rating='1']")).to_have_attribute("aria-pressed", "true")
    page.screenshot(path=str(fake_server.data_dir / "compare.png"), full_page=True)

    # Share the conversation: the link opens in a stranger's browser; revoking it from the list ends it.
    page.get_by_role("button", name="Share", exact=True).click()
    url = page.locator(".share-url").input_value()
    expect(page.locator("#share-list .share")).to_have_count(1)
    stranger = chromium.new_context()
    shared = stranger.new_page()
    assert shared.goto(url).status == 200
    expect(shared.locator(".turn .prompt .text").first).to_have_text("Summarize the report for children")
    page.locator("#share-list").get_by_role("button", name="Revoke", exact=False).click()
    expect(page.locator("#share-list")).to_contain_text("You have not shared anything.")
    assert shared.goto(url).status == 404
    stranger.close()
    page.reload()
    expect(page.locator("#conversation-list .conversation")).to_have_count(1)
