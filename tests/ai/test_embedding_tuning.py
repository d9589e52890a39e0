"""EMBEDDING_PRECISION=auto: measured once per CPU among the accurate options, logged and cached."""

import json
import time

import numpy as np
import pytest

from prompt_forge.ai import embedding_tuning, tuning
from prompt_forge.ai.sentence_embedder import SentenceTransformerEmbedder

KEY = "embedding-v2:all-MiniLM-L6-v2"


def test_auto_measures_the_fastest_accurate_option_once_and_says_so(settings, tmp_path, caplog):
    settings.MODEL_CACHE_DIR = tmp_path
    with caplog.at_level("INFO"):
        auto = SentenceTransformerEmbedder("all-MiniLM-L6-v2", precision="auto")
    measured = json.loads((tmp_path / "tuning.json").read_text())[KEY]
    assert measured["cpu"] == tuning.cpu_signature()
    result = measured["result"]
    expected = {"float32", "openvino", *(["bfloat16"] if embedding_tuning.native_bfloat16() else [])}
    assert set(result["query_ms"]) == set(result["texts_per_s"]) == expected
    fastest = min(result["query_ms"], key=lambda name: min(result["query_ms"][name].values()))
    assert auto.precision == fastest == result["precision"]
    assert auto.query_threads == result["query_threads"]
    assert auto.model_name == "all-MiniLM-L6-v2"  # every candidate keeps the model's name
    assert any(f"EMBEDDING_PRECISION=auto: {auto.precision}" in record.message for record in caplog.records)
    assert auto.embed(["What is the capital of France?"]).shape == (1, 384)


def _cached(tmp_path, cpu: str, precision: str) -> None:
    entry = {"precision": precision, "query_threads": 1, "query_ms": {}, "texts_per_s": {}}
    (tmp_path / "tuning.json").write_text(json.dumps({KEY: {"cpu": cpu, "result": entry}}))


def test_the_next_start_reads_the_cache_instead_of_measuring(settings, tmp_path, monkeypatch):
    settings.MODEL_CACHE_DIR = tmp_path
    _cached(tmp_path, tuning.cpu_signature(), "float32")
    monkeypatch.setattr(embedding_tuning, "_measure", lambda runners: pytest.fail("measured again"))
    auto = SentenceTransformerEmbedder("all-MiniLM-L6-v2", precision="auto")
    assert auto.precision == "float32"
    assert not (tmp_path / "openvino").exists()  # a candidate that lost is not even converted


def test_another_cpu_is_measured_again(settings, tmp_path, monkeypatch):
    settings.MODEL_CACHE_DIR = tmp_path
    _cached(tmp_path, "Another CPU; 64 CPUs", "bfloat16")
    measured = []

    def measure(runners):
        measured.append(sorted(runners))
        return {"precision": "openvino", "query_threads": 1, "query_ms": {}, "texts_per_s": {}}

    monkeypatch.setattr(embedding_tuning, "_measure", measure)
    auto = SentenceTransformerEmbedder("all-MiniLM-L6-v2", precision="auto")
    assert measured and "openvino" in measured[0] and auto.precision == "openvino"
    assert json.loads((tmp_path / "tuning.json").read_text())[KEY]["cpu"] == tuning.cpu_signature()


class FakeRunner:
    """Vectors off by `angle` from the reference's; queries taking `query_s`."""

    def __init__(self, angle: float = 0.0, query_s: float = 0.0, wide_query_s: float | None = None) -> None:
        self.angle, self.query_s = angle, query_s
        self.wide_query_s = query_s if wide_query_s is None else wide_query_s

    def _vectors(self, count: int) -> np.ndarray:
        vectors = np.zeros((count, 2), dtype=np.float32)
        vectors[:, 0], vectors[:, 1] = np.cos(self.angle), np.sin(self.angle)
        return vectors

    def query(self, texts, *, threads):
        time.sleep(self.query_s if threads == 1 else self.wide_query_s)
        return self._vectors(len(texts))

    def bulk(self, texts):
        return self._vectors(len(texts))


def test_a_faster_option_whose_vectors_drift_is_not_chosen(monkeypatch):
    monkeypatch.setattr(embedding_tuning, "cpu_count", lambda: 1)
    runners = {
        "float32": FakeRunner(query_s=0.004),
        "openvino": FakeRunner(query_s=0.002),
        "bfloat16": FakeRunner(angle=0.05, query_s=0.0),  # cosine 0.9988: below 0.999
    }
    result = embedding_tuning._measure(runners)
    assert result["precision"] == "openvino"
    assert set(result["query_ms"]) == {"float32", "openvino"}


def test_queries_get_more_threads_only_for_a_clear_gain(monkeypatch):
    monkeypatch.setattr(embedding_tuning, "cpu_count", lambda: 2)
    clear = embedding_tuning._measure({"float32": FakeRunner(query_s=0.008, wide_query_s=0.002)})
    assert clear["query_threads"] == 2
    slight = embedding_tuning._measure({"float32": FakeRunner(query_s=0.0050, wide_query_s=0.0048)})
    assert slight["query_threads"] == 1
