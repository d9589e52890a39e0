"""deploy/deploy.sh: shellcheck-clean, and run against stand-in `ssh` and `docker` commands that act on
a local folder, it copies the release, writes a private .env, starts the stack and migrates."""

import os
import shutil
import stat
import subprocess
import sys
import textwrap

import pytest

from tests.ops_tools import REPO

SCRIPT = REPO / "deploy" / "deploy.sh"

# ssh stand-in: records its options, then runs the remote command locally (stdin passed through).
FAKE_SSH = textwrap.dedent(
    """\
    #!{python}
    import os, subprocess, sys
    args, options = sys.argv[1:], []
    while args[0].startswith("-"):
        options += args[:2]
        args = args[2:]
    host, command = args[0], " ".join(args[1:])
    key = options[options.index("-i") + 1]
    with open(os.environ["FAKE_LOG"], "a") as log:
        log.write(f"ssh {{host}} key-mode={{oct(os.stat(key).st_mode & 0o777)}} {{' '.join(options)}}\\n")
    sys.exit(subprocess.run(["bash", "-c", command]).returncode)
    """
)
FAKE_DOCKER = '#!/bin/sh\necho "docker $*" >> "$FAKE_LOG"\n'

SECRETS = {
    "DEPLOY_HOST": "server.example",
    "DEPLOY_USER": "deployer",
    "DEPLOY_SSH_KEY": "-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key\n-----END OPENSSH PRIVATE KEY-----",
    "SECRET_KEY": "k3Jp9-vQ2xR7mZ4tL8wN1sB6yH0cF5gD-aE3uI7oP2lK9jX4nM6bV8qW1rT5zY0",
    "ALLOWED_HOSTS": "promptforge.example",
    "DATABASE_PASSWORD": "db-secret-1",
    "PGADMIN_DEFAULT_PASSWORD": "pgadmin-secret-2",
    "GF_SECURITY_ADMIN_PASSWORD": "grafana-secret-3",
}


def test_deploy_script_passes_shellcheck():
    if not shutil.which("shellcheck"):
        pytest.skip("shellcheck is not installed (.ci/run installs it)")
    result = subprocess.run(["shellcheck", str(SCRIPT), str(REPO / ".ci" / "run")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


@pytest.fixture
def fake_server(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "ssh").write_text(FAKE_SSH.format(python=sys.executable))
    (bin_dir / "docker").write_text(FAKE_DOCKER)
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    log = tmp_path / "calls.log"

    def deploy(**overrides) -> subprocess.CompletedProcess:
        env = {
            "PATH": f"{bin_dir}:{os.environ['PATH']}",
            "HOME": str(tmp_path),
            "FAKE_LOG": str(log),
            "DEPLOY_PATH": str(tmp_path / "srv" / "prompt-forge"),
            **SECRETS,
            **overrides,
        }
        return subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=120)

    deploy.root = tmp_path / "srv" / "prompt-forge"
    deploy.log = log
    return deploy


def test_deploy_copies_the_release_writes_env_and_starts_the_stack(fake_server):
    result = fake_server()
    assert result.returncode == 0, result.stderr
    root = fake_server.root
    # Exactly the committed files of this checkout, plus the .env written from the secrets.
    committed = subprocess.run(["git", "ls-tree", "-r", "--name-only", "HEAD"], cwd=REPO, capture_output=True,
                               text=True, check=True).stdout.split("\n")  # fmt: skip
    deployed = {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}
    assert deployed == {name for name in committed if name} | {".env"}

    env_file = root / ".env"
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    env = env_file.read_text()
    for line in [
        f"SECRET_KEY='{SECRETS['SECRET_KEY']}'",
        "DEBUG='False'",
        "ALLOWED_HOSTS='promptforge.example'",
        "DATABASE_PASSWORD='db-secret-1'",
        "GF_SECURITY_ADMIN_PASSWORD='grafana-secret-3'",
        "API_PUBLISH='127.0.0.1:8000'",
    ]:
        assert line in env.splitlines()

    calls = fake_server.log.read_text().splitlines()
    docker = [line for line in calls if line.startswith("docker ")]
    assert docker[0] == "docker compose up -d --build --remove-orphans"
    assert docker[1] == "docker compose exec -T api python manage.py migrate --noinput"
    assert any("readyz" in line for line in docker[2:])
    ssh = [line for line in calls if line.startswith("ssh ")]
    assert all(line.startswith("ssh deployer@server.example key-mode=0o600") for line in ssh)
    assert all("StrictHostKeyChecking=accept-new" in line for line in ssh)


def test_redeploy_keeps_the_previous_release_and_pins_host_keys(fake_server):
    assert fake_server().returncode == 0
    result = fake_server(DEPLOY_KNOWN_HOSTS="server.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample")
    assert result.returncode == 0, result.stderr
    assert (fake_server.root.parent / "prompt-forge.previous" / "manage.py").exists()
    last_ssh = [line for line in fake_server.log.read_text().splitlines() if line.startswith("ssh ")][-1]
    assert "StrictHostKeyChecking=yes" in last_ssh


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DEPLOY_SSH_KEY", "GF_SECURITY_ADMIN_PASSWORD"])
def test_deploy_refuses_to_run_without_a_secret(fake_server, missing):
    result = fake_server(**{missing: ""})
    assert result.returncode == 2
    assert f"{missing} is not set" in result.stderr
    assert not fake_server.log.exists()  # nothing was contacted
