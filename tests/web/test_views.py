"""The browser UI's page and static files, served by the Django app itself (no CDN, no build step)."""

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "prompt_forge" / "web" / "static" / "web"


@pytest.fixture
def page(client):
    response = client.get("/")
    assert response.status_code == 200
    return response


def test_home_page_is_the_app_with_a_strict_content_security_policy(page):
    html = page.content.decode()
    assert page["Content-Type"].startswith("text/html")
    assert '<script type="module" src="/static/web/app.js">' in html
    policy = page["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "ws://testserver" in policy  # the page's own WebSocket is allowed, nothing else
    assert 'maxlength="4000"' in html  # the prompt box knows the server's limit


def test_page_loads_nothing_from_other_sites(page):
    references = re.findall(r'(?:src|href)="([^"]+)"', page.content.decode())
    assert references
    assert all(ref.startswith(("/static/", "#")) for ref in references), references


def test_every_static_file_and_module_import_is_served(client, page):
    """The page's files, and every file the scripts import, come back with the right type."""
    wanted = set(re.findall(r'(?:src|href)="(/static/[^"]+)"', page.content.decode()))
    for script in STATIC.glob("*.js"):
        for imported in re.findall(r'from "\./([\w-]+\.js)"', script.read_text()):
            assert (STATIC / imported).exists(), f"{script.name} imports a missing {imported}"
            wanted.add(f"/static/web/{imported}")
    types = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
    for url in sorted(wanted):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith(types[Path(url).suffix]), (url, response["Content-Type"])


def test_page_is_read_only(client):
    assert client.post("/").status_code == 405


def test_api_still_answers_json_next_to_the_page(client):
    assert client.get("/prompts/").json() == {"detail": "Authentication credentials were not provided."}
    assert client.get("/no-such-page").json() == {"detail": "Not found."}
