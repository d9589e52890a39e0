"""FAISS_THREADS=auto: a search's thread count measured once on this machine, cached with the CPU."""

import json

import faiss

from prompt_forge.ai import tuning
from prompt_forge.search import faiss_threads
from prompt_forge.search.faiss_index import FaissVectorIndex


def test_the_measurement_compares_one_thread_with_every_core_and_keeps_the_faster():
    previous = faiss.omp_get_max_threads()
    result = faiss_threads.measure(16, 2000, cpus=2)
    assert set(result["search_ms"]) == {"1", "2"}
    one, two = result["search_ms"]["1"], result["search_ms"]["2"]
    assert result["threads"] == (2 if one > faiss_threads.MORE_THREADS_GAIN * two else 1)
    assert faiss.omp_get_max_threads() == previous  # the process's setting is left as it was


def test_auto_measures_once_per_cpu_and_sets_the_searches_threads(settings, tmp_path, monkeypatch):
    settings.MODEL_CACHE_DIR = tmp_path
    runs = []

    def measure(dimensions, vectors):
        runs.append((dimensions, vectors))
        return {"threads": 1, "search_ms": {"1": 1.0, "2": 1.1}, "vectors": vectors}

    monkeypatch.setattr(faiss_threads, "measure", measure)
    options = {"dimensions": 8, "source": None, "model_name": "m", "threads": "auto", "approximate_from": 500}
    FaissVectorIndex(directory=tmp_path / "a", **options)
    FaissVectorIndex(directory=tmp_path / "b", **options)
    assert runs == [(8, 500)]  # the second index read the cache
    assert faiss.omp_get_max_threads() == 1
    cached = json.loads((tmp_path / "tuning.json").read_text())["faiss-threads:8x500"]
    assert cached["cpu"] == tuning.cpu_signature()
    monkeypatch.setattr(tuning, "cpu_signature", lambda: "Another CPU; 64 CPUs")
    FaissVectorIndex(directory=tmp_path / "c", **options)
    assert len(runs) == 2  # another machine: measured again
