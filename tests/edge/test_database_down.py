"""A real server process whose PostgreSQL is unreachable answers 503 JSON on every path, never HTML."""

import httpx
import pytest
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from tests.e2e.conftest import free_port
from tests.servers import ServerProcess, running, server_env

UNAVAILABLE = {"error": "the database is unavailable"}


@pytest.fixture(scope="module")
def server_without_database(tmp_path_factory):
    closed_port = str(free_port())  # nothing listens there
    env = server_env(
        tmp_path_factory.mktemp("dbdown"),
        DATABASE_HOST="127.0.0.1",
        DATABASE_PORT=closed_port,
        DATABASE_NAME="prompt_forge",
        DATABASE_CONNECT_TIMEOUT="2",
        DEBUG="True",  # the default: the debug error page must not appear either
    )
    with running(ServerProcess(env, name="dbdown"), ready_path="/healthz") as (server,):
        yield server


def bearer() -> dict[str, str]:
    # Signed with the same key as the server's (both derive it from SECRET_KEY); user 1 cannot be looked up.
    token = AccessToken()
    token["user_id"] = "1"
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    ("method", "path", "body", "auth"),
    [
        ("POST", "/api/signup", {"username": "nobody", "password": "correct-horse-battery-9"}, False),
        ("POST", "/api/token", {"username": "nobody", "password": "correct-horse-battery-9"}, False),
        ("POST", "/api/token/refresh", "refresh", False),
        ("POST", "/api/logout", "refresh", False),
        ("GET", "/prompts/", None, True),
        ("POST", "/prompts/", {"prompt": "will this be lost?"}, True),
        ("GET", "/prompts/similar/?q=anything", None, True),
        ("GET", "/prompts/1/", None, True),
        ("DELETE", "/prompts/1", None, True),
    ],
)
def test_api_answers_503_json(server_without_database, method, path, body, auth):
    if body == "refresh":
        refresh = RefreshToken()
        refresh["user_id"] = "1"
        body = {"refresh": str(refresh)}
    response = httpx.request(
        method, server_without_database.url + path, json=body, headers=bearer() if auth else {}, timeout=30
    )
    assert response.status_code == 503, response.text[:500]
    assert response.headers["content-type"] == "application/json"
    assert response.json() == UNAVAILABLE
    assert response.headers["retry-after"] == "5"


def test_plain_django_views_answer_503_json(server_without_database):
    # The admin loads the session (a database read) inside the view.
    response = httpx.get(f"{server_without_database.url}/admin/", cookies={"sessionid": "x" * 32}, timeout=30)
    assert response.status_code == 503
    assert response.json() == UNAVAILABLE


def test_probes_report_the_database(server_without_database):
    assert httpx.get(f"{server_without_database.url}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{server_without_database.url}/readyz", timeout=30)
    assert ready.status_code == 503
    assert "database" in ready.json()["not_ready"]
