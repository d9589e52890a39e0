"""Read-only share links: create, open without login (HTML and JSON), revoke, expire; never another's."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from prompt_forge.sharing.models import ShareLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(make_user, client_for):
    return client_for(make_user("alice"))


@pytest.fixture
def bob(make_user, client_for):
    return client_for(make_user("bob"))


def conversation(client) -> dict:
    first = client.post("/prompts/", {"prompt": "Tell me a secret recipe"}, format="json").json()
    cid = first["conversation"]
    client.post(f"/conversations/{cid}/turns/", {"prompt": "And the dessert?"}, format="json")
    return client.get(f"/conversations/{cid}/").json()


def share(client, cid: int, **body) -> dict:
    response = client.post(f"/conversations/{cid}/share/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def path_of(url: str) -> str:
    return url[url.index("/shared/") :]


def test_a_link_shows_the_active_path_to_anyone_as_html_and_json(alice):
    thread = conversation(alice)
    created = share(alice, thread["id"], expires_in_days=7)
    assert created["conversation"] == {"id": thread["id"], "title": thread["title"]}
    assert created["expires_at"] and created["expired"] is False
    token = path_of(created["url"]).removeprefix("/shared/")
    assert len(token) == 43 and not ShareLink.objects.filter(token_hash=token).exists()  # only a hash is kept

    anonymous = Client()
    page = anonymous.get(path_of(created["url"]))
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    html = page.content.decode()
    assert "Tell me a secret recipe" in html and "And the dessert?" in html
    assert '<meta name="robots" content="noindex' in html and "<script" not in html
    assert page["X-Robots-Tag"].startswith("noindex")
    csp = page["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp and "connect-src" not in csp
    assert page["Referrer-Policy"] == "no-referrer" and "Set-Cookie" not in page

    data = anonymous.get(path_of(created["url"]), HTTP_ACCEPT="application/json").json()
    assert [turn["prompt"] for turn in data["turns"]] == ["Tell me a secret recipe", "And the dessert?"]
    assert set(data) == {"title", "turns"}
    assert set(data["turns"][0]) == {"prompt", "response", "model", "created_at"}  # no ids, no embeddings
    assert data["turns"][0]["response"] == thread["turns"][0]["response"]


def test_revoking_and_expiry_make_the_link_404(alice):
    cid = conversation(alice)["id"]
    first, second = share(alice, cid), share(alice, cid, expires_in_days=None)
    assert second["expires_at"] is None
    assert alice.get("/shares/").json()["count"] == 2
    assert alice.delete(f"/conversations/{cid}/share/").status_code == 204
    for link in (first, second):
        gone = Client().get(path_of(link["url"]))
        assert gone.status_code == 404 and "revoked" in gone.content.decode() and gone["X-Robots-Tag"]
        assert Client().get(path_of(link["url"]), HTTP_ACCEPT="application/json").json() == {"detail": "Not found."}
    assert alice.get("/shares/").json()["count"] == 0

    expiring = share(alice, cid, expires_in_days=1)
    ShareLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get(path_of(expiring["url"])).status_code == 404
    assert alice.get("/shares/").json()["results"][0]["expired"] is True
    one = share(alice, cid)
    assert alice.delete(f"/shares/{one['id']}/").status_code == 204
    assert Client().get(path_of(one["url"])).status_code == 404


def test_another_users_conversation_can_never_be_shared(alice, bob):
    cid = conversation(alice)["id"]
    refused = bob.post(f"/conversations/{cid}/share/", {}, format="json")
    assert refused.status_code == 404 and not ShareLink.objects.exists()
    link = share(alice, cid)
    assert bob.delete(f"/conversations/{cid}/share/").status_code == 404
    assert bob.delete(f"/shares/{link['id']}/").status_code == 404
    assert bob.get("/shares/").json()["count"] == 0
    assert Client().get(path_of(link["url"])).status_code == 200  # alice's link still works


def test_default_expiry_and_bad_input(alice, settings):
    cid = conversation(alice)["id"]
    settings.SHARE_LINK_DAYS = 30
    created = share(alice, cid)
    assert created["expires_at"][:10] == (timezone.now() + timedelta(days=30)).date().isoformat()
    for body in ({"expires_in_days": 0}, {"expires_in_days": 400}, {"expires_in_days": "7"}, {"other": 1}):
        response = alice.post(f"/conversations/{cid}/share/", body, format="json")
        assert response.status_code == 400 and response.json()["error"]
    assert Client().get("/shared/not-a-token").status_code == 404
    assert Client().get("/shared/" + "A" * 43).status_code == 404
    assert alice.post("/conversations/999999/share/", {}, format="json").status_code == 404
