"""A server process restarted over a corrupt index file rebuilds it from the database at start."""

import httpx

from prompt_forge.search import snapshots
from tests.polling import wait_for
from tests.servers import ServerProcess, fresh_database, running, server_env


def readable_with(path, count: int) -> bool:
    try:
        return snapshots.read(path, dimensions=384).index.ntotal == count
    except snapshots.SnapshotError:
        return False


def test_corrupt_index_file_is_rebuilt_at_start_and_never_served(tmp_path):
    env = server_env(tmp_path, SEARCH_PRELOAD="true")
    credentials = {"username": "restarter", "password": "correct-horse-battery-9"}
    with fresh_database(env):
        with running(ServerProcess(env, name="before")) as (server,):
            httpx.post(f"{server.url}/api/signup", json=credentials).raise_for_status()
            access = httpx.post(f"{server.url}/api/token", json=credentials).json()["access"]
            headers = {"Authorization": f"Bearer {access}"}
            texts = ["baking sourdough bread", "rules of chess openings", "photosynthesis in green plants"]
            ids = [
                httpx.post(f"{server.url}/prompts/", json={"prompt": t}, headers=headers).json()["id"] for t in texts
            ]
            httpx.get(f"{server.url}/prompts/similar/", params={"q": "chess"}, headers=headers).raise_for_status()

        [index_file] = (tmp_path / "index").rglob("user_*.faiss")
        index_file.write_bytes(b"this is not a search index" * 20)

        with running(ServerProcess(env, name="after")) as (server,):
            # Rebuilt by the start-up warm-up, before any search asks for it.
            assert wait_for(lambda: readable_with(index_file, 3)), server.log()[-2000:]
            assert "rebuilding from the database" in server.log()
            found = httpx.get(
                f"{server.url}/prompts/similar/", params={"q": "chess openings", "k": 3}, headers=headers
            ).json()
            assert [r["id"] for r in found][0] == ids[1]
            assert sorted(r["id"] for r in found) == sorted(ids)
