"""A synthetic prompt history for the benchmarks: varied questions, embedded once with the real model.

The embeddings are cached under data/bench/ (they take minutes to compute on 2 cores).
"""

import itertools
import random
from pathlib import Path

import numpy as np

CACHE = Path(__file__).resolve().parent.parent / "data" / "bench"

STARTS = [
    "How do I", "What is the best way to", "Can you explain how to", "Give me tips to", "Why is it hard to",
    "Is it safe to", "What tools do I need to", "Write a short guide to", "What mistakes happen when people",
    "Summarise how experts",
]  # fmt: skip
ACTIONS = [
    "bake", "repair", "learn", "teach", "plan", "clean", "paint", "grow", "measure", "photograph", "record",
    "design", "test", "store", "cook", "build", "translate", "budget for", "organise", "debug",
]  # fmt: skip
OBJECTS = [
    "sourdough bread", "a bicycle wheel", "a vegetable garden", "a wedding speech", "a python web service",
    "a leaking tap", "a watercolour landscape", "a marathon training plan", "a home network", "a chess opening",
    "a family budget", "a podcast episode", "a wooden bookshelf", "a french omelette", "a job interview",
    "a kitchen knife", "a tomato plant", "a database migration", "a birthday party", "a solar panel",
    "a sleeping bag", "an electric guitar", "a research paper", "a spreadsheet model", "a compost heap",
]  # fmt: skip
CONTEXTS = [
    "on a tight budget", "for beginners", "in a small apartment", "with children", "in winter",
    "without special tools", "in under an hour", "for a large group", "step by step", "like a professional",
    "when it keeps failing", "for the first time", "in a humid climate", "at night", "with recycled materials",
    "for an elderly person", "while travelling", "in a noisy place", "on a weekend", "using only a phone",
]  # fmt: skip


def texts(count: int, seed: int = 7) -> list[str]:
    """`count` distinct prompts (up to 100,000 combinations, then numbered variants)."""
    combos = list(itertools.product(STARTS, ACTIONS, OBJECTS, CONTEXTS))
    random.Random(seed).shuffle(combos)
    out = [f"{s} {a} {o} {c}?" for s, a, o, c in combos[:count]]
    for extra in range(count - len(out)):
        s, a, o, c = combos[extra % len(combos)]
        out.append(f"{s} {a} {o} {c}? (variant {extra // len(combos) + 2})")
    return out


def embedded(count: int, embedder, *, real: int, chunk: int = 4096) -> tuple[list[str], np.ndarray]:
    """The first `count` prompts and their vectors.

    The first `real` are embedded with `embedder` (once per model, cached by chunk under data/bench/). Past that,
    each vector is a real one moved by seeded noise to a cosine of about 0.9 with it and renormalised:
    embedding 100,000 texts takes far longer than the search being measured.
    """
    folder = CACHE / "vectors" / embedder.model_name.replace("/", "_")
    folder.mkdir(parents=True, exist_ok=True)
    all_texts = texts(count)
    real = min(real, count)
    parts = []
    for start in range(0, real, chunk):
        size = min(chunk, real - start)
        path = folder / f"{start}_{size}.npy"
        if not path.exists():
            np.save(path, np.asarray(embedder.embed(all_texts[start : start + size]), dtype=np.float32))
        parts.append(np.load(path))
    vectors = np.vstack(parts)
    if count > real:
        rng = np.random.default_rng(11)
        sources = vectors[np.arange(count - real) % real]
        noise = rng.standard_normal(sources.shape).astype(np.float32)
        noise /= np.linalg.norm(noise, axis=1, keepdims=True)
        moved = sources + 0.48 * noise  # cos(source, moved) ~ 0.9
        moved /= np.linalg.norm(moved, axis=1, keepdims=True)
        vectors = np.vstack([vectors, moved])
    return all_texts, np.ascontiguousarray(vectors, dtype=np.float32)
