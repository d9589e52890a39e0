"""Two server processes sharing one database (SQLite file or PostgreSQL) search the same, current data."""

import json
import subprocess
import sys

import httpx
import pytest

from .conftest import REPO, LiveServer

pytestmark = pytest.mark.e2e


class SharedDatabaseServer(LiveServer):
    """Another server process on `database_of`'s database, with its own DATA_DIR and search index."""

    def __init__(self, *, data_dir, database_of: LiveServer, env_overrides: dict[str, str] | None = None) -> None:
        super().__init__(data_dir=data_dir, env_overrides=env_overrides)
        if database_of.postgres_name:
            self.env["DATABASE_NAME"] = database_of.postgres_name
            self.postgres_name = None  # owned (created and dropped) by the other server
        else:
            self.env["SQLITE_PATH"] = database_of.env.get("SQLITE_PATH") or str(database_of.data_dir / "db.sqlite3")


@pytest.fixture(scope="module")
def second_server(server_process, tmp_path_factory):
    # The fake generator keeps this process light; both processes embed with the real model.
    server = SharedDatabaseServer(
        data_dir=tmp_path_factory.mktemp("second"),
        database_of=server_process,
        env_overrides={"GENERATION_BACKEND": "tests.fakes.FakeGenerator"},
    ).start()
    yield server
    server.stop()


def client_on(server: LiveServer, user) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {user.access}"}, timeout=120)


def found(client: httpx.Client, query: str, k: int = 5) -> list[int]:
    response = client.get("/prompts/similar/", params={"q": query, "k": k})
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()]


def test_processes_see_each_others_inserts_deletes_and_imports(api_user, server_process, second_server, tmp_path):
    user = api_user("shared")
    one, two = user.http, client_on(second_server, user)
    assert found(one, "anything") == [] and found(two, "anything") == []  # both hold a loaded index now

    bread = two.post("/prompts/", json={"prompt": "How do I bake sourdough bread?"}).json()["id"]
    assert found(one, "baking bread at home", k=1) == [bread]

    plants = one.post("/prompts/", json={"prompt": "Explain how photosynthesis works in plants"}).json()["id"]
    assert found(two, "how do plants turn sunlight into energy", k=1) == [plants]

    assert one.delete(f"/prompts/{bread}/").status_code == 204
    assert bread not in found(two, "baking bread at home")
    assert two.delete(f"/prompts/{plants}").status_code == 204
    assert found(one, "photosynthesis in plants") == []

    history = tmp_path / "history.jsonl"
    history.write_text(json.dumps({"prompt": "Rules for castling in chess", "response": "King moves two."}) + "\n")
    subprocess.run(
        [sys.executable, "manage.py", "import_prompts", str(history), "--user", user.username, "-v0"],
        cwd=REPO,
        env=server_process.env,
        check=True,
    )
    assert len(found(one, "chess castling")) == 1
    assert found(two, "chess castling") == found(one, "chess castling")
