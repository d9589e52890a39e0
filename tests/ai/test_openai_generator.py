"""GENERATION_BACKEND=openai when the upstream fails: real sockets that refuse, stall or error."""

import http.server
import socket
import threading

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from rest_framework_simplejwt.tokens import AccessToken

from prompt_forge.accounts.middleware import JWTAuthMiddleware
from prompt_forge.prompts.models import Prompt
from prompt_forge.prompts.routing import websocket_urlpatterns

pytestmark = pytest.mark.django_db(transaction=True)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


@pytest.fixture
def silent_upstream():
    """Accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/v1"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


@pytest.fixture
def failing_upstream():
    """Answers every request with HTTP 500 and an OpenAI-style error body."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            body = b'{"error": {"message": "GPU on fire", "type": "server_error"}}'
            self.send_response(500)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


@pytest.fixture
def use_upstream(settings):
    def configure(base_url: str) -> None:
        settings.GENERATION_BACKEND = "openai"
        settings.OPENAI_BASE_URL = base_url
        settings.OPENAI_TIMEOUT_SECONDS = 0.5
        settings.OPENAI_MAX_RETRIES = 0

    return configure


def assert_kept_as_failed(body: dict, text: str) -> None:
    stored = Prompt.objects.select_related("metadata").get(pk=body["prompt_id"])
    assert stored.text == text and stored.status == "failed"
    assert stored.metadata.extra_info["error"] == body["reason"]


def test_unreachable_upstream_is_502_and_keeps_the_prompt(make_user, client_for, use_upstream):
    use_upstream(f"http://127.0.0.1:{closed_port()}/v1")
    response = client_for(make_user()).post("/prompts/", {"prompt": "Still here?"}, format="json")
    assert response.status_code == 502
    body = response.json()
    assert body["error"] == "the inference server failed; your prompt was saved"
    assert body["reason"].startswith("could not reach the inference server")
    assert_kept_as_failed(body, "Still here?")


def test_upstream_error_status_is_502_with_its_message(make_user, client_for, use_upstream, failing_upstream):
    use_upstream(failing_upstream)
    response = client_for(make_user()).post("/prompts/", {"prompt": "Hello"}, format="json")
    assert response.status_code == 502
    assert "answered HTTP 500" in response.json()["reason"] and "GPU on fire" in response.json()["reason"]
    assert_kept_as_failed(response.json(), "Hello")


def test_silent_upstream_times_out_with_504(make_user, client_for, use_upstream, silent_upstream):
    use_upstream(silent_upstream)
    response = client_for(make_user()).post("/prompts/", {"prompt": "Anyone?"}, format="json")
    assert response.status_code == 504
    body = response.json()
    assert body["error"] == "the inference server timed out; your prompt was saved"
    assert "did not answer within 0.5 s" in body["reason"]
    assert_kept_as_failed(body, "Anyone?")


async def test_streaming_from_a_silent_upstream_reports_the_timeout(make_user, use_upstream, silent_upstream):
    from asgiref.sync import sync_to_async

    use_upstream(silent_upstream)
    user = await sync_to_async(make_user)()
    app = JWTAuthMiddleware(URLRouter(websocket_urlpatterns))
    socket_ = WebsocketCommunicator(app, f"/ws/prompts/?token={AccessToken.for_user(user)}")
    await socket_.connect()
    await socket_.receive_json_from()
    await socket_.send_json_to({"type": "prompt", "prompt": "Anyone?"})
    assert (await socket_.receive_json_from())["type"] == "prompt.started"
    failed = await socket_.receive_json_from(timeout=10)
    assert failed["type"] == "prompt.failed"
    assert failed["error"] == "the inference server timed out; your prompt was saved"
    stored = await Prompt.objects.aget(pk=failed["prompt_id"])
    assert stored.status == "failed"
    await socket_.disconnect()


def test_credentials_in_the_base_url_never_reach_reasons_or_metadata(
    make_user, client_for, use_upstream, failing_upstream, settings
):
    port = failing_upstream.split(":")[2].split("/")[0]
    use_upstream(f"http://operator:s3cret-pass@127.0.0.1:{port}/v1?api-key=qk-secret-123")
    settings.OPENAI_API_KEY = "sk-very-secret-key"
    response = client_for(make_user()).post("/prompts/", {"prompt": "Hello"}, format="json")
    assert response.status_code == 502
    body = response.json()
    assert f"the inference server at http://127.0.0.1:{port}/v1 answered HTTP 500" in body["reason"]
    stored = Prompt.objects.select_related("metadata").get(pk=body["prompt_id"])
    shown = response.content.decode() + str(stored.metadata.extra_info)
    for secret in ("operator", "s3cret-pass", "qk-secret-123", "sk-very-secret-key"):
        assert secret not in shown


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://user:pw@api.example.com/v1?key=1", "https://api.example.com/v1"),
        ("http://[::1]:8001/v1", "http://[::1]:8001/v1"),
        ("http://127.0.0.1:8001/v1", "http://127.0.0.1:8001/v1"),
    ],
)
def test_metadata_shows_the_base_url_without_credentials(url, shown):
    from prompt_forge.ai.openai_generator import OpenAIGenerator

    generator = OpenAIGenerator("m", max_new_tokens=8, base_url=url, api_key="k")
    assert generator._params_info({"max_tokens": 8, "temperature": 0})["base_url"] == shown
