"""nginx/promptforge.conf, run by a real nginx in front of the live server (ports and file paths
swapped for test ones): HTTPS redirect, proxying, WebSocket upgrade, hidden /metrics, cached static
files, and an access log that never contains WebSocket tokens."""

import json
import shutil
import ssl
import subprocess
import time

import httpx
import pytest
from websockets.sync.client import connect

from tests.ops_tools import REPO

from .conftest import free_port

pytestmark = pytest.mark.e2e


def swap(text: str, old: str, new: str, count: int) -> str:
    assert text.count(old) == count, f"nginx/promptforge.conf changed: expected {count} x {old!r}"
    return text.replace(old, new)


@pytest.fixture(scope="module")
def nginx(server_process, tmp_path_factory):
    if not shutil.which("nginx") or not shutil.which("openssl"):
        pytest.skip("nginx or openssl is not installed (.ci/run installs nginx)")
    root = tmp_path_factory.mktemp("nginx")
    for folder in ("temp", "certbot"):
        (root / folder).mkdir()
        (root / folder).chmod(0o777)  # nginx workers run as an unprivileged user
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-keyout", str(root / "key.pem"), "-out", str(root / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    http_port, https_port = free_port(), free_port()
    site = (REPO / "nginx" / "promptforge.conf").read_text()
    site = swap(site, "    listen [::]:80;\n", "", 1)
    site = swap(site, "    listen [::]:443 ssl;\n", "", 1)
    site = swap(site, "listen 80;", f"listen 127.0.0.1:{http_port};", 1)
    site = swap(site, "listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;", 1)
    site = swap(site, "server 127.0.0.1:8000;", f"server 127.0.0.1:{server_process.port};", 1)
    site = swap(site, "/etc/letsencrypt/live/your-domain.com/fullchain.pem", str(root / "cert.pem"), 1)
    site = swap(site, "/etc/letsencrypt/live/your-domain.com/privkey.pem", str(root / "key.pem"), 1)
    site = swap(site, "/var/log/nginx/", f"{root}/", 2)
    site = swap(site, "root /var/www/certbot;", f"root {root / 'certbot'};", 1)
    (root / "site.conf").write_text(site)
    temp = root / "temp"
    (root / "nginx.conf").write_text(
        f"daemon off;\nworker_processes 1;\npid {root}/nginx.pid;\nevents {{}}\n"
        f"http {{\n  client_body_temp_path {temp}/body;\n  proxy_temp_path {temp}/proxy;\n"
        f"  fastcgi_temp_path {temp}/fastcgi;\n  uwsgi_temp_path {temp}/uwsgi;\n  scgi_temp_path {temp}/scgi;\n"
        f"  include {root}/site.conf;\n}}\n"
    )
    command = ["nginx", "-p", str(root), "-c", str(root / "nginx.conf"), "-e", str(root / "error.log")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"https://127.0.0.1:{https_port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/healthz", verify=False, timeout=2)
            break
        except httpx.HTTPError:
            time.sleep(0.2)
    yield {"https": base, "http": f"http://127.0.0.1:{http_port}", "root": root, "wss": f"wss://127.0.0.1:{https_port}"}
    process.terminate()
    process.wait(timeout=15)


def test_plain_http_redirects_to_https(nginx):
    response = httpx.get(f"{nginx['http']}/prompts/?limit=5")
    assert response.status_code == 301
    assert response.headers["location"] == "https://127.0.0.1/prompts/?limit=5"


def test_https_proxies_to_the_app_and_hides_metrics(nginx):
    assert httpx.get(f"{nginx['https']}/healthz", verify=False).json() == {"status": "ok"}
    for path in ("/metrics", "/metrics/"):
        assert httpx.get(f"{nginx['https']}{path}", verify=False).status_code == 404
    static = httpx.get(f"{nginx['https']}/static/admin/css/base.css", verify=False)
    assert static.status_code == 200 and "max-age=604800" in static.headers["cache-control"]
    ui_script = httpx.get(f"{nginx['https']}/static/web/app.js", verify=False)
    assert ui_script.status_code == 200 and "max-age=604800" not in ui_script.headers.get("cache-control", "")


def test_websocket_upgrade_and_no_token_in_the_access_log(nginx, api_user):
    user = api_user("nginx")
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with connect(f"{nginx['wss']}/ws/prompts/?token={user.access}", ssl=context) as socket:
        assert json.loads(socket.recv(timeout=30)) == {"message": "WebSocket connection established"}
    log = nginx["root"] / "promptforge_access.log"
    deadline = time.monotonic() + 10
    while "/ws/prompts/" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    text = log.read_text()
    assert '"GET /ws/prompts/ HTTP/1.1" 101' in text
    assert user.access not in text and "token=" not in text
