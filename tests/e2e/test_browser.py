"""The browser UI in Debian's chromium against the live server with the real models."""

import base64
import json
import time
import uuid

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.ui import ANSWER_TIMEOUT_MS, ask, log_in, search, sign_up

pytestmark = pytest.mark.e2e


def new_username(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def score_of(card) -> float:
    return float(card.locator(".score").inner_text().split()[-1])


# Records each state of the answer while it is being generated (streamed pieces appear one by one).
RECORD_STREAMED_STATES = """() => {
  window.answerStates = [];
  new MutationObserver(() => {
    const text = document.querySelector("#answer[aria-busy] .answer-text")?.textContent;
    if (text && window.answerStates.at(-1) !== text) window.answerStates.push(text);
  }).observe(document.querySelector("#answer"), { subtree: true, childList: true, characterData: true });
}"""


def test_sign_up_ask_search_delete_log_out_and_log_in(server_process, browser_page):
    page = browser_page
    username = new_username("web")
    page.goto(server_process.url)
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()

    sign_up(page, username)
    expect(page.locator("#account-name")).to_have_text(username)
    expect(page.get_by_label("Your prompt", exact=True)).to_be_focused()
    expect(page.locator("#live-status")).to_have_text("live")
    expect(page.locator("#history-list")).to_contain_text("No prompts yet")

    page.evaluate(RECORD_STREAMED_STATES)
    ask(page, "What is the capital of France?")
    answer = page.locator("#answer")
    expect(answer.locator(".answer-text")).to_contain_text("Paris")
    # The answer arrived piece by piece over the WebSocket, each piece extending the last, ending as stored.
    final = answer.locator(".answer-text").inner_text()
    states = page.evaluate("window.answerStates")
    assert len(states) >= 2, states
    assert all(final.startswith(state) for state in states), (states, final)
    expect(answer.locator(".meta")).to_contain_text("SmolLM2-135M-Instruct")
    expect(answer.locator(".meta")).to_contain_text("tokens in")
    expect(page.get_by_label("Your prompt", exact=True)).to_have_value("")
    expect(page.get_by_label("Your prompt", exact=True)).to_be_focused()  # ready for the next prompt

    ask(page, "How do I bake sourdough bread?")
    history = page.locator("#history-list article")
    expect(history).to_have_count(2)
    expect(page.locator("#history-count")).to_have_text("2 prompts")
    expect(history.first.locator(".prompt-text")).to_have_text("How do I bake sourdough bread?")  # newest first

    search(page, "which city is the capital of France")
    results = page.locator("#search-results article")
    expect(results).to_have_count(2)
    expect(results.first.locator(".prompt-text")).to_have_text("What is the capital of France?")
    assert score_of(results.first) > score_of(results.nth(1))

    # "Find similar" from a history entry searches with that entry's text.
    history.filter(has_text="sourdough").get_by_role("button", name="Find similar").click()
    expect(page.get_by_label("Search your prompts and answers")).to_have_value("How do I bake sourdough bread?")
    expect(results.first.locator(".prompt-text")).to_have_text("How do I bake sourdough bread?")
    expect(results.first.locator(".score")).to_have_text("similarity 1.00")

    # With the cache toggle on, asking the same again answers from history without running the model.
    bread_answer = history.filter(has_text="sourdough").locator(".answer-text").inner_text()
    bread_id = history.filter(has_text="sourdough").get_attribute("data-prompt-id")
    page.get_by_label("Reuse an earlier answer").check()
    ask(page, "How do I bake sourdough bread?")
    expect(answer.locator(".meta")).to_contain_text(f"from cache (prompt #{bread_id} at similarity 1.00)")
    expect(answer.locator(".answer-text")).to_have_text(bread_answer)
    expect(history).to_have_count(3)
    page.reload()
    expect(page.get_by_label("Reuse an earlier answer")).to_be_checked()  # the choice is remembered

    # Delete asks in place, from the keyboard too, and the prompt leaves history and search results.
    search(page, "which city is the capital of France")
    expect(results.first.locator(".prompt-text")).to_have_text("What is the capital of France?")
    history.filter(has_text="capital of France").get_by_role("button", name="Delete").click()
    expect(page.get_by_role("button", name="Yes, delete")).to_be_focused()
    page.keyboard.press("Enter")
    expect(history).to_have_count(2)
    expect(page.locator("#history-count")).to_have_text("2 prompts")
    # (A hit also names its conversation, whose title may be another turn's prompt: match the prompt.)
    expect(results.filter(has=page.locator(".prompt-text", has_text="capital of France"))).to_have_count(0)
    search(page, "which city is the capital of France")
    expect(results).to_have_count(2)
    expect(results.filter(has=page.locator(".prompt-text", has_text="capital of France"))).to_have_count(0)

    # Logging out revokes the refresh token on the server, not just in this page.
    refresh = page.evaluate("JSON.parse(localStorage.getItem('promptforge.session')).refresh")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    expect(page.locator("#notice")).to_have_text("You are logged out.")
    expect(page.locator("#workspace")).to_be_hidden()
    revoked = httpx.post(f"{server_process.url}/api/token/refresh", json={"refresh": refresh})
    assert revoked.status_code == 401, revoked.text
    page.reload()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()  # the tokens are gone

    log_in(page, username)
    expect(page.locator("#account-name")).to_have_text(username)
    expect(history).to_have_count(2)
    expect(history.locator(".prompt-text")).to_have_text(["How do I bake sourdough bread?"] * 2)


def test_sign_up_and_log_in_errors_are_shown_and_keep_what_was_typed(server_process, browser_page):
    page = browser_page
    username = new_username("typo")
    page.goto(server_process.url)

    sign_up(page, username, password="12345678")
    password_error = page.locator("#signup-password-error")
    expect(password_error).to_contain_text("too common")
    expect(page.locator("#signup-password")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#signup-password")).to_be_focused()
    expect(page.locator("#signup-username")).to_have_value(username)

    log_in(page, username, password="wrong-password-1")
    expect(page.locator("#login-error")).to_have_text("No active account found with the given credentials.")
    expect(page.locator("#login-username")).to_have_value(username)


def forged_access_token() -> str:
    """Looks like a live access token (expires in an hour) but its signature is wrong: the server answers 401."""
    header = base64.urlsafe_b64encode(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()).rstrip(b"=").decode()
    payload = {"token_type": "access", "exp": int(time.time()) + 3600, "user_id": "1"}
    body = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    return f"{header}.{body}.c2lnbmF0dXJl"


def set_session(page, **session) -> None:
    page.evaluate("value => localStorage.setItem('promptforge.session', JSON.stringify(value))", session)


def test_rejected_access_token_is_refreshed_silently_and_an_ended_session_keeps_the_draft(api_user, browser_page):
    user = api_user("refresh")
    page = browser_page
    page.goto(user.server.url)
    set_session(page, username=user.username, access=forged_access_token(), refresh=user.refresh)
    page.reload()
    # The history request is refused (401), the page refreshes the access token and retries.
    expect(page.locator("#history-list")).to_contain_text("No prompts yet")
    expect(page.locator("#history-error")).to_be_hidden()
    stored = page.evaluate("JSON.parse(localStorage.getItem('promptforge.session'))")
    assert user.http.get("/prompts/", headers={"Authorization": f"Bearer {stored['access']}"}).status_code == 200

    # Now the refresh token is refused too: back to the log-in screen, with the unsent prompt kept.
    page.get_by_label("Your prompt", exact=True).fill("A draft I must not lose")
    set_session(page, username=user.username, access=forged_access_token(), refresh="not-a-token")
    page.get_by_role("button", name="Ask").click()
    expect(page.locator("#notice")).to_contain_text("Your session has expired")
    expect(page.locator("#login-username")).to_have_value(user.username)
    expect(page.locator("#login-password")).to_be_focused()
    log_in(page, user.username)
    expect(page.get_by_label("Your prompt", exact=True)).to_have_value("A draft I must not lose")
    expect(page.locator("#prompt-error")).to_be_hidden()


def test_phone_sized_screen_has_no_sideways_scrolling_and_every_field_is_labelled(server_process, chromium):
    context = chromium.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(server_process.url)
        fits = "document.documentElement.scrollWidth <= window.innerWidth"
        unlabelled = "[...document.querySelectorAll('input, textarea')].filter(e => !e.labels.length).map(e => e.id)"
        assert page.evaluate(fits)
        assert page.evaluate(unlabelled) == []
        sign_up(page, new_username("phone"))
        expect(page.get_by_label("Your prompt", exact=True)).to_be_visible()
        ask(page, "Name a primary colour.")
        expect(page.locator("#answer .answer-text")).not_to_be_empty(timeout=ANSWER_TIMEOUT_MS)
        search(page, "colours")
        expect(page.locator("#search-results .score")).to_have_count(1)
        assert page.evaluate(fits)
        assert page.evaluate(unlabelled) == []
    finally:
        context.close()


def test_history_pages_through_older_prompts(api_user, browser_page):
    user = api_user("pages")
    # One real answer, then ten more straight from the semantic cache (no generation needed).
    ids = []
    for _ in range(11):
        response = user.http.post("/prompts/", json={"prompt": "Name a primary colour.", "use_cache": True})
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    page = browser_page
    page.goto(user.server.url)
    set_session(page, username=user.username, access=user.access, refresh=user.refresh)
    page.reload()

    history = page.locator("#history-list article")
    expect(page.locator("#history-page")).to_have_text("Page 1 of 2")
    expect(history).to_have_count(10)
    expect(history.first).to_have_attribute("data-prompt-id", str(ids[-1]))  # newest first
    expect(page.get_by_role("button", name="Newer")).to_be_disabled()

    page.get_by_role("button", name="Older").click()
    expect(page.locator("#history-page")).to_have_text("Page 2 of 2")
    expect(history).to_have_count(1)
    expect(history.first).to_have_attribute("data-prompt-id", str(ids[0]))
    expect(page.get_by_role("button", name="Older")).to_be_disabled()
    expect(page.get_by_role("heading", name="History")).to_be_focused()

    # Deleting the last entry of the last page steps back to the page before.
    history.first.get_by_role("button", name="Delete").click()
    page.get_by_role("button", name="Yes, delete").click()
    expect(page.locator("#history-page")).to_have_text("Page 1 of 1")
    expect(history).to_have_count(10)
    expect(page.locator("#history-count")).to_have_text("10 prompts")


def test_two_tabs_refreshing_at_once_both_stay_logged_in(api_user, browser_page):
    """Refresh tokens rotate (each works once): tabs sharing one session must not both spend it."""
    user = api_user("tabs")
    first = browser_page
    first.goto(user.server.url)
    second = first.context.new_page()
    second.goto(user.server.url)
    set_session(first, username=user.username, access=forged_access_token(), refresh=user.refresh)
    first.reload(wait_until="commit")
    second.reload(wait_until="commit")
    for page in (first, second):
        expect(page.locator("#history-list")).to_contain_text("No prompts yet")
        expect(page.locator("#auth-screen")).to_be_hidden()
    stored = first.evaluate("JSON.parse(localStorage.getItem('promptforge.session'))")
    assert stored["refresh"] != user.refresh  # rotated exactly once, and both tabs use the new pair
