"""Take the README's screenshots of the browser UI with the same tooling as the browser tests.

    .venv/bin/python scripts/screenshot.py              # starts its own server with the real models
    .venv/bin/python scripts/screenshot.py --url URL    # or uses a running one (needs relaxed throttles)

Writes docs/screenshot.png (desktop) and docs/screenshot-phone.png (phone-sized).
"""

import argparse
import sys
import tempfile
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from tests.e2e.browser import launch_chromium, missing_browser_reason  # noqa: E402
from tests.e2e.conftest import LiveServer  # noqa: E402
from tests.e2e.ui import ask, search, sign_up  # noqa: E402

# Two conversations: a short one, then one of two turns (the second reads the first).
CONVERSATIONS = [
    ["Explain how photosynthesis works in one sentence."],
    ["What is the capital of France?", "What is it famous for?"],
]
QUERY = "how do plants make food"


def fill_workspace(page, url: str) -> None:
    page.goto(url)
    sign_up(page, f"alice_{uuid.uuid4().hex[:4]}")
    expect(page.locator("#live-status")).to_have_text("live")
    for prompts in CONVERSATIONS:
        page.get_by_role("button", name="New conversation").click()
        for text in prompts:
            ask(page, text)
    search(page, QUERY)
    expect(page.locator("#search-results .score").first).to_be_visible()
    page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")


def take_screenshots(url: str, out_dir: Path) -> list[Path]:
    desktop, phone = out_dir / "screenshot.png", out_dir / "screenshot-phone.png"
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        page = context.new_page()
        fill_workspace(page, url)
        page.screenshot(path=desktop)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=phone)
        browser.close()
    return [desktop, phone]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running Prompt Forge server (default: start one)")
    parser.add_argument("--out", type=Path, default=REPO / "docs")
    args = parser.parse_args()
    reason = missing_browser_reason()
    if reason:
        print(f"cannot take screenshots: {reason}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    if args.url:
        paths = take_screenshots(args.url, args.out)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            server = LiveServer(data_dir=Path(tmp), env_overrides={"GENERATION_MAX_NEW_TOKENS": "64"}).start()
            try:
                paths = take_screenshots(server.url, args.out)
            finally:
                server.stop()
    for path in paths:
        print(f"wrote {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
