"""Similarity search at 1k, 10k and 100k prompts for one user, against the original's approach.

    .venv/bin/python benchmarks/search.py [--sizes 1000,10000,100000] [--requests 200] [--quick]

For each size N the user has N prompts and ten other users N more in all. Through the real HTTP
stack (uvicorn, JWT auth, query embedding with all-MiniLM-L6-v2, JSON) it measures GET
/prompts/similar/ p50/p95 and, taken in turn with it, `GET /prompts/{id}/` (the HTTP floor:
same stack, one stored prompt), recall@5 against brute force, the server's resident memory, the
time a restarted process needs to load its persisted indexes, and the same request served the way
the original did it (every embedding loaded from the database into a flat index per request).
It also times `manage.py import_prompts` (prompts embedded and stored per second) against the
embedder's raw batch-encode rate over the same texts (each line's prompt and answer, in the
import's batches), alternating, in the same run (import/encode ratio).
`--quick`: one size of 10,000, fewer requests, a smaller import and no baseline, for iterating.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks import corpus  # noqa: E402
from benchmarks.harness import Server, base_env, manage  # noqa: E402

RUN_DIR = corpus.CACHE / "run"
OTHER_USERS = 10
HYBRID_REQUESTS = ["hybrid", "semantic", "retrieve"]
QUERIES = [
    "how can I make bread at home cheaply", "fixing a flat bike tyre", "grow tomatoes on a balcony",
    "tips for a best man speech", "deploying a python api", "stop a dripping kitchen tap",
    "painting mountains with watercolours", "training for my first marathon", "set up wifi at home",
    "learn a chess opening quickly", "save money as a family", "recording a podcast at home",
    "build shelves from wood", "cook eggs the french way", "prepare for a job interview",
    "sharpen a chef's knife", "make compost in the garden", "migrate a database schema safely",
    "organise a kids birthday party", "install solar panels", "choose a sleeping bag for winter",
    "learn electric guitar as an adult", "write a research paper", "model costs in a spreadsheet",
    "what should I avoid when baking sourdough", "quick guide to tuning a guitar",
]  # fmt: skip


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def setup_django(data_dir: Path) -> None:
    os.environ.update(base_env(data_dir))
    import django

    django.setup()


def insert_rows(user_id: int, texts: list[str], vectors, model_name: str) -> None:
    """Bulk insert answered prompts with their embeddings (raw SQL: minutes faster than the ORM)."""
    from django.db import connection, transaction
    from django.utils import timezone

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM prompts_prompt")
        first = cursor.fetchone()[0] + 1
        created = connection.ops.adapt_datetimefield_value(timezone.now())
        ids = range(first, first + len(texts))
        cursor.executemany(
            "INSERT INTO prompts_prompt (id, user_id, text, response, status, created_at, import_key) "
            "VALUES (%s, %s, %s, %s, 'completed', %s, '')",
            [(pid, user_id, text, f"An answer about: {text}", created) for pid, text in zip(ids, texts, strict=True)],
        )
        cursor.executemany(
            "INSERT INTO prompts_promptmetadata (prompt_id, model_used, sent_via_websocket) VALUES (%s, 'bench', %s)",
            [(pid, False) for pid in ids],
        )
        # The answer's vector: the prompt's stands in for it ("An answer about: <prompt>" means the same),
        # so the answers' index is as large as the prompts', as in a real history.
        cursor.executemany(
            "INSERT INTO prompts_promptembedding (prompt_id, user_id, model_name, vector, answer_vector) "
            "VALUES (%s, %s, %s, %s, %s)",
            [
                (pid, user_id, model_name, vector.astype("<f4").tobytes(), vector.astype("<f4").tobytes())
                for pid, vector in zip(ids, vectors, strict=True)
            ],
        )
        # The keyword index: search's copy of the words, then the FTS5 index over it (SQLite).
        cursor.executemany(
            "INSERT INTO search_keyworddocument (prompt_id, user_id, prompt, answer) VALUES (%s, %s, %s, %s)",
            [(pid, user_id, text, f"An answer about: {text}") for pid, text in zip(ids, texts, strict=True)],
        )
        cursor.execute(
            "INSERT INTO search_keyword_fts(rowid, prompt, answer) SELECT prompt_id, prompt, answer "
            "FROM search_keyworddocument WHERE prompt_id BETWEEN %s AND %s",
            [first, first + len(texts) - 1],
        )


def time_requests(
    url: str, token: str, path: str, queries: list[str], count: int, **params: str
) -> tuple[list[float], list]:
    import httpx

    latencies, bodies = [], []
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=600) as client:
        for number in range(count):
            query = queries[number % len(queries)]
            started = time.perf_counter()
            response = client.get(path, params={"q": query, "k": 5, **params})
            latencies.append(time.perf_counter() - started)
            response.raise_for_status()
            bodies.append((query, [item["id"] for item in response.json()]))
    return latencies, bodies


def time_modes(url: str, token: str, prompt_id: int, count: int, names: list[str]) -> dict[str, list[float]]:
    """Latencies (s) of each named request: GET /prompts/similar/, GET /search/ in hybrid or semantic mode,
    and GET /prompts/{id}/ (`retrieve`, the HTTP floor), taken in turn, so the same load weighs on each."""
    import httpx

    latencies: dict[str, list[float]] = {name: [] for name in names}
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=600) as client:
        for number in range(count):
            query = QUERIES[number % len(QUERIES)]
            requests = {
                "similar": ("/prompts/similar/", {"q": query, "k": 5}),
                "hybrid": ("/search/", {"q": query, "k": 5, "mode": "hybrid"}),
                "semantic": ("/search/", {"q": query, "k": 5, "mode": "semantic"}),
                "retrieve": (f"/prompts/{prompt_id}/", {}),
            }
            for name in names:
                path, params = requests[name]
                started = time.perf_counter()
                client.get(path, params=params).raise_for_status()
                latencies[name].append(time.perf_counter() - started)
    return latencies


def p50s(latencies: dict[str, list[float]]) -> dict[str, float]:
    return {f"{name}_p50_ms": 1000 * statistics.median(values) for name, values in latencies.items()}


# Exactly what the import embeds: per batch of EMBEDDING_BATCH_SIZE lines, the prompts then the
# (non-empty) answers in one call (prompts/turn_vectors.py), in a process started the same way.
ENCODE_SCRIPT = """
import json, sys, time
import django
django.setup()
from django.conf import settings
from prompt_forge.ai.registry import get_embedder
rows = [json.loads(line) for line in open(sys.argv[1])]
embedder = get_embedder()
started = time.perf_counter()
texts = 0
for start in range(0, len(rows), settings.EMBEDDING_BATCH_SIZE):
    batch = rows[start : start + settings.EMBEDDING_BATCH_SIZE]
    batch_texts = [row["prompt"] for row in batch] + [row["response"] for row in batch if row["response"]]
    embedder.embed(batch_texts)
    texts += len(batch_texts)
seconds = time.perf_counter() - started
print(f"{len(rows) / seconds:.1f} prompts/s ({texts / seconds:.1f} texts/s)")
"""


def batch_env(env: dict[str, str]) -> dict[str, str]:
    # A batch job, not a server among others: it gets both cores (the servers run with one thread each).
    return {name: value for name, value in env.items() if name != "OMP_NUM_THREADS"}


def write_import_file(lines: int) -> Path:
    """Prompts with answers of their own (an import embeds both), as a real history has."""
    path = RUN_DIR / "import.jsonl"
    texts = [f"{text} (imported)" for text in corpus.texts(lines, seed=99)]
    answers = [f"An answer about: {text} It depends on what you have at hand; start small." for text in texts]
    path.write_text(
        "".join(json.dumps({"prompt": t, "response": a}) + "\n" for t, a in zip(texts, answers, strict=True))
    )
    return path


def measure_encode(env: dict[str, str], path: Path, log) -> float:
    """The embedder's raw batch-encode rate over the import's texts (prompts/s), in a process like the import's."""
    import subprocess

    out = subprocess.run(
        [sys.executable, "-c", ENCODE_SCRIPT, str(path)], cwd=REPO, env=batch_env(env), check=True,
        capture_output=True, text=True,
    ).stdout  # fmt: skip
    log(f"raw batch encode: {out.strip()}")
    return float(re.search(r"([\d.]+) prompts/s", out).group(1))


def measure_import(env: dict[str, str], path: Path, user: str, log) -> float:
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user(user, password="bench-password-1")
    out = manage(batch_env(env), "import_prompts", str(path), "--user", user, "-v0")
    log(out.strip())
    return float(re.search(r"([\d.]+) prompts/s", out).group(1))


def import_against_encode(env: dict[str, str], lines: int, rounds: int, log) -> tuple[float, float]:
    """Median import and raw-encode rates (prompts/s), taken in turn; each import into a user of its own."""
    path = write_import_file(lines)
    imports, encodes = [], []
    for number in range(rounds):
        encodes.append(measure_encode(env, path, log))
        imports.append(measure_import(env, path, f"importer{number}", log))
    return statistics.median(imports), statistics.median(encodes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--import-lines", type=int, default=5000)
    parser.add_argument("--import-rounds", type=int, default=2, help="imports and raw encodes, taken in turn")
    parser.add_argument("--quick", action="store_true", help="10k prompts, 60 requests, 1,000-line import, no baseline")
    parser.add_argument("--real-embeddings", type=int, default=16384, help="corpus prompts embedded for real")
    parser.add_argument(
        "--mode",
        choices=["similar", "hybrid"],
        default="similar",
        help="similar: GET /prompts/similar/ against the original's approach; hybrid: GET /search/ hybrid "
        "against semantic-only and against GET /prompts/{id}/ (ratios of p50)",
    )
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.requests, args.import_lines, args.real_embeddings = "10000", 60, 1000, 2000
    sizes = [int(size) for size in args.sizes.split(",")]

    shutil.rmtree(RUN_DIR, ignore_errors=True)
    RUN_DIR.mkdir(parents=True)
    env = base_env(RUN_DIR)
    manage(env, "migrate", "--noinput", "-v0")
    setup_django(RUN_DIR)

    import numpy as np
    from django.contrib.auth import get_user_model
    from rest_framework_simplejwt.tokens import AccessToken

    from prompt_forge.ai.registry import get_embedder
    from prompt_forge.prompts.models import PromptEmbedding
    from prompt_forge.search.registry import all_indexes

    def log(message: str) -> None:
        print(message, flush=True)

    embedder = get_embedder()
    # First-start measurements (EMBEDDING_PRECISION and FAISS_THREADS auto, cached in tuning.json) are
    # taken here, before anything is timed, as a server takes them at its first start.
    all_indexes()
    texts, vectors = corpus.embedded(max(sizes), embedder, real=args.real_embeddings)
    query_vectors = embedder.embed(QUERIES)
    log(f"corpus: {len(texts)} prompts, {min(args.real_embeddings, len(texts))} embedded with {embedder.model_name}")
    import_rate, encode_rate = import_against_encode(env, args.import_lines, args.import_rounds, log)

    users = get_user_model().objects
    owner = users.create_user("bench", password="bench-password-1")
    others = [users.create_user(f"other{n}", password="bench-password-1") for n in range(OTHER_USERS)]
    token = str(AccessToken.for_user(owner))
    rows, results = 0, []
    for size in sizes:
        insert_rows(owner.pk, texts[rows:size], vectors[rows:size], embedder.model_name)
        share = (size - rows) // OTHER_USERS
        for number, other in enumerate(others):
            picks = np.arange(rows + number * share, rows + (number + 1) * share) + size // 2
            insert_rows(other.pk, [f"{texts[i % len(texts)]} ({other.username})" for i in picks],
                        vectors[picks % len(texts)], embedder.model_name)  # fmt: skip
        rows = size
        # Brute force over the user's stored vectors (inserted in corpus order) is the ground truth.
        owner_ids = np.asarray(
            PromptEmbedding.objects.filter(user=owner).order_by("prompt_id").values_list("prompt_id", flat=True)
        )
        truth = {
            query: set(owner_ids[np.argsort(-(vectors[:size] @ vector))[:5]].tolist())
            for query, vector in zip(QUERIES, query_vectors, strict=True)
        }

        started = time.perf_counter()
        manage(env, "rebuild_index", "-v0")
        rebuild_s = time.perf_counter() - started

        server = Server(env, RUN_DIR / f"server_{size}.log")
        loaded = server.wait_for(r"search index ready: (\d+) vectors loaded in ([\d.]+) s")
        server.wait_http()
        time_requests(server.url, token, "/prompts/similar/", QUERIES, 20)  # warm-up
        _, bodies = time_requests(server.url, token, "/prompts/similar/", QUERIES, len(QUERIES))
        recall = statistics.mean(len(truth[q] & set(ids)) / 5 for q, ids in bodies)
        if args.mode == "hybrid":
            time_requests(server.url, token, "/search/", QUERIES, 20, mode="hybrid")  # warm-up
            modes = p50s(time_modes(server.url, token, int(owner_ids[0]), args.requests, HYBRID_REQUESTS))
            modes["hybrid_over_semantic"] = modes["hybrid_p50_ms"] / modes["semantic_p50_ms"]
            modes["semantic_over_retrieve"] = modes["semantic_p50_ms"] / modes["retrieve_p50_ms"]
            log(json.dumps({"user_prompts": size, **modes}))
        else:
            timed = time_modes(server.url, token, int(owner_ids[0]), args.requests, ["similar", "retrieve"])
            latencies = timed["similar"]
            floor_ms = 1000 * statistics.median(timed["retrieve"])
        rss, _ = server.memory_mib()
        server.stop()
        if args.mode == "hybrid":
            results.append({"user_prompts": size, **modes})
            continue
        if args.quick:
            p50 = 1000 * statistics.median(latencies)
            quick = {"user_prompts": size, "p50_ms": p50, "floor_p50_ms": floor_ms, "over_floor": p50 / floor_ms}
            results.append(quick)
            log(json.dumps({**results[-1], "recall_at_5": recall}))
            continue

        baseline_env = {**env, "DJANGO_SETTINGS_MODULE": "benchmarks.baseline_settings", "SEARCH_PRELOAD": "false"}
        baseline = Server(baseline_env, RUN_DIR / f"baseline_{size}.log")
        baseline.wait_http()
        count = 20 if size <= 1000 else 5 if size <= 10000 else 3
        base_latencies, _ = time_requests(baseline.url, token, "/baseline/similar/", QUERIES, count)
        _, base_peak = baseline.memory_mib()
        baseline.stop()

        result = {
            "user_prompts": size,
            "rows_total": 2 * size + args.import_lines,
            "p50_ms": 1000 * statistics.median(latencies),
            "p95_ms": 1000 * percentile(latencies, 0.95),
            "floor_p50_ms": floor_ms,
            "recall_at_5": recall,
            "rss_mib": rss,
            "restart_index_load_s": float(loaded.group(2)),
            "restart_vectors": int(loaded.group(1)),
            "rebuild_index_s": rebuild_s,
            "baseline_p50_ms": 1000 * statistics.median(base_latencies),
            "baseline_p95_ms": 1000 * percentile(base_latencies, 0.95),
            "baseline_peak_rss_mib": base_peak,
            "baseline_requests": count,
        }
        result["speedup_p50"] = result["baseline_p50_ms"] / result["p50_ms"]
        result["over_floor"] = result["p50_ms"] / floor_ms
        result["load_average_1m"] = os.getloadavg()[0]  # other work on the machine during this size
        results.append(result)
        log(json.dumps(result))

    log(
        f"\nimport_prompts: {import_rate:.0f} prompts/s ({args.import_lines} prompts with answers, real embedder, "
        f"median of {args.import_rounds}); raw batch encode of the same texts (prompts and answers) "
        f"{encode_rate:.0f} prompts/s: import/encode {import_rate / encode_rate:.2f}x (target >= 0.9)"
    )
    if args.quick and args.mode == "similar":
        for r in results:
            log(f"similar p50 {r['p50_ms']:.1f} ms, GET /prompts/{{id}}/ p50 {r['floor_p50_ms']:.1f} ms: "
                f"similar/floor {r['over_floor']:.2f}x (target <= 1.5) at {r['user_prompts']} prompts")  # fmt: skip
        return
    if args.mode == "hybrid":
        log(
            f"{'user N':>8} | {'hybrid p50':>10} {'semantic p50':>12} {'GET /prompts/{id}/ p50':>22} "
            "| hybrid/sem sem/GET"
        )
        for r in results:
            log(
                f"{r['user_prompts']:>8} | {r['hybrid_p50_ms']:>10.1f} {r['semantic_p50_ms']:>12.1f} "
                f"{r['retrieve_p50_ms']:>22.1f} | {r['hybrid_over_semantic']:>10.2f} "
                f"{r['semantic_over_retrieve']:>7.2f}"
            )
        return
    header = (
        f"{'user N':>8} {'rows':>7} | {'p50 ms':>7} {'p95 ms':>7} {'recall@5':>8} {'RSS MiB':>8} "
        f"{'restart s':>9} | {'base p50 ms':>11} {'base peak MiB':>13} | {'p50 speed-up':>12} | "
        f"{'GET /prompts/{id}/ p50':>22} {'similar/GET':>11}"
    )
    log(header)
    for r in results:
        log(
            f"{r['user_prompts']:>8} {r['rows_total']:>7} | {r['p50_ms']:>7.1f} {r['p95_ms']:>7.1f} "
            f"{r['recall_at_5']:>8.3f} {r['rss_mib']:>8.0f} {r['restart_index_load_s']:>9.2f} | "
            f"{r['baseline_p50_ms']:>11.1f} {r['baseline_peak_rss_mib']:>13.0f} | {r['speedup_p50']:>11.0f}x | "
            f"{r['floor_p50_ms']:>22.1f} {r['over_floor']:>10.2f}x"
        )
    (corpus.CACHE / "results.json").write_text(
        json.dumps({"import_per_s": import_rate, "encode_per_s": encode_rate, "sizes": results}, indent=1)
    )


if __name__ == "__main__":
    main()
