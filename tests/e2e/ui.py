"""Steps a person takes in the browser UI, shared by the browser tests and scripts/screenshot.py."""

from playwright.sync_api import Page, expect

PASSWORD = "correct-horse-battery-9"
ANSWER_TIMEOUT_MS = 180_000  # a real model on 2 shared cores

# Steps that wait on the server (searches, deletes) may be slow while the CPU is busy.
expect.set_options(timeout=20_000)


def sign_up(page: Page, username: str, password: str = PASSWORD) -> None:
    form = page.locator("#signup-form")
    form.get_by_label("Username").fill(username)
    form.get_by_label("Password").fill(password)
    form.get_by_role("button", name="Sign up").click()


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    form = page.locator("#login-form")
    form.get_by_label("Username").fill(username)
    form.get_by_label("Password").fill(password)
    form.get_by_role("button", name="Log in").click()


def ask(page: Page, text: str) -> None:
    """Type a prompt and send it from the keyboard, then wait until the answer (or an error) is shown."""
    box = page.get_by_label("Your prompt", exact=True)
    box.fill(text)
    box.press("Control+Enter")
    expect(page.locator("#prompt-submit")).to_be_enabled(timeout=ANSWER_TIMEOUT_MS)


def search(page: Page, query: str) -> None:
    page.get_by_label("Search your prompts and answers").fill(query)
    page.get_by_role("button", name="Search", exact=True).click()
