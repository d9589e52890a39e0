"""The browser UI facing real failures: a model that cannot load (503) and the rate limit (429)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LiveServer
from tests.e2e.ui import ANSWER_TIMEOUT_MS, search, sign_up

pytestmark = pytest.mark.e2e


class ServerWithoutModel(LiveServer):
    ready_path = "/healthz"  # never "ready": the generation model cannot load


@pytest.fixture(scope="module")
def broken_server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("no-model")
    server = ServerWithoutModel(
        data_dir=data_dir,
        env_overrides={
            "GENERATION_MODEL": str(data_dir / "no-such-model"),
            "AI_PRELOAD": "false",
            "THROTTLE_RATE_BURST": "1/minute",
            "THROTTLE_RATE_SUSTAINED": "10/minute",
        },
    ).start()
    yield server
    server.stop()


def test_model_failure_and_rate_limit_are_explained_and_nothing_typed_is_lost(broken_server, browser_page):
    page = browser_page
    page.goto(broken_server.url)
    sign_up(page, "unlucky")
    prompt = page.get_by_label("Your prompt", exact=True)
    prompt.fill("Summarise the plot of Hamlet")
    page.get_by_role("button", name="Ask").click()

    error = page.locator("#prompt-error")
    # The first prompt loads the embedding model and tries the generation model: allow for a slow start.
    expect(error).to_contain_text("The language model is unavailable; your prompt was saved", timeout=ANSWER_TIMEOUT_MS)
    expect(error).to_contain_text("Try again in 5 seconds")
    expect(prompt).to_have_value("Summarise the plot of Hamlet")
    expect(prompt).to_be_focused()
    saved = page.locator("#history-list article")
    expect(saved).to_have_count(1)
    expect(saved.locator(".answer-text")).to_contain_text("No answer: the model failed")

    # One request a minute: the search right after the prompt is refused with 429 and Retry-After.
    search(page, "Hamlet")
    search_error = page.locator("#search-error")
    expect(search_error).to_contain_text("Too many requests")
    expect(search_error).to_contain_text("Try again in")
    expect(page.get_by_label("Search your prompts and answers")).to_have_value("Hamlet")
    expect(page.locator("#search-submit")).to_be_disabled()  # counting down to Retry-After

    # The failed prompt can be retried from the history; here the rate limit answers, plainly.
    saved.get_by_role("button", name="Retry").click()
    expect(page.locator("#history-error")).to_contain_text("Too many requests")
    expect(saved.locator(".answer-text")).to_contain_text("No answer: the model failed")

    page.reload()
    expect(page.get_by_label("Your prompt", exact=True)).to_have_value("Summarise the plot of Hamlet")
