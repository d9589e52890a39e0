"""Search quality: recall@5 and MRR of keyword, semantic and hybrid /search/ ranking, by kind of query.

    .venv/bin/python benchmarks/search_quality.py [--filler 400]

A generated history (benchmarks/search_quality_data.py) with labelled queries of three kinds: exact
identifiers, paraphrases of a prompt, facts that appear only in an answer. The real embedding model
(all-MiniLM-L6-v2) embeds it; the ranking is the product's own (search.hybrid.search on a private
SQLite database under data/bench/quality). Prints recall@5 and MRR (over the top 10) per kind and mode.
"""

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks import corpus  # noqa: E402
from benchmarks.harness import base_env  # noqa: E402
from benchmarks.search_quality_data import history  # noqa: E402

RUN_DIR = corpus.CACHE / "quality"
MODES = ["keyword", "semantic", "hybrid"]
KINDS = ["exact", "paraphrase", "answer", "mixed"]
DEPTH = 10


def setup(data_dir: Path) -> None:
    os.environ.update(base_env(data_dir, SEARCH_PRELOAD="false"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)


def load(turns: list[tuple[str, str]]) -> tuple[int, list[int]]:
    """Store the turns as one user's imported history (embedded for real); returns (user id, turn ids)."""
    from django.contrib.auth import get_user_model

    from prompt_forge.ai.registry import get_embedder
    from prompt_forge.prompts.importing import ImportRecord, import_batch
    from prompt_forge.prompts.models import Prompt

    user = get_user_model().objects.create_user("quality", password="bench-password-1")
    records = [
        ImportRecord(line=n, text=text, response=answer, created_at=None, model_used="bench")
        for n, (text, answer) in enumerate(turns)
    ]
    embedder = get_embedder()
    for start in range(0, len(records), 256):
        import_batch(user_id=user.pk, records=records[start : start + 256], embedder=embedder, source="quality")
    by_text = dict(Prompt.objects.filter(user=user).values_list("text", "pk"))
    return user.pk, [by_text[text] for text, _answer in turns]


def rank_of(user_id: int, query: str, mode: str, target: int) -> int | None:
    from prompt_forge.search.hybrid import Mode, search

    ranked = [hit.prompt_id for hit in search(user_id=user_id, query=query, mode=Mode(mode), k=DEPTH)]
    return ranked.index(target) + 1 if target in ranked else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--filler", type=int, default=100, help="unrelated turns added to the history")
    args = parser.parse_args()
    shutil.rmtree(RUN_DIR, ignore_errors=True)
    RUN_DIR.mkdir(parents=True)
    started = time.perf_counter()
    setup(RUN_DIR)
    turns, queries = history(filler=args.filler)
    user_id, ids = load(turns)
    print(
        f"history: {len(turns)} turns, {len(queries)} labelled queries, loaded in {time.perf_counter() - started:.1f} s"
    )
    ranks = {mode: {kind: [] for kind in KINDS} for mode in MODES}
    for kind, query, target in queries:
        for mode in MODES:
            rank = rank_of(user_id, query, mode, ids[target])
            ranks[mode][kind].append(rank)
            ranks[mode]["mixed"].append(rank)
    print(f"\n{'kind':<11} {'queries':>7}  " + "  ".join(f"{mode + ' R@5':>13} {'MRR':>5}" for mode in MODES))
    for kind in KINDS:
        cells = []
        for mode in MODES:
            found = ranks[mode][kind]
            recall = sum(1 for rank in found if rank is not None and rank <= 5) / len(found)
            mrr = sum(1 / rank for rank in found if rank is not None) / len(found)
            cells.append(f"{recall:>13.2f} {mrr:>5.2f}")
        print(f"{kind:<11} {len(ranks['hybrid'][kind]):>7}  " + "  ".join(cells))
    print(f"\ntotal {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
