"""Measured choices are cached in DATA_DIR with the CPU they were measured on."""

import json

from prompt_forge.ai import tuning


def test_a_measurement_is_cached_and_taken_again_on_another_cpu(settings, tmp_path, monkeypatch):
    settings.MODEL_CACHE_DIR = tmp_path
    runs = []

    def measure() -> dict:
        runs.append(1)
        return {"choice": len(runs)}

    assert tuning.measured("thing", measure) == {"choice": 1}
    assert tuning.measured("thing", measure) == {"choice": 1}  # from the cache
    assert json.loads((tmp_path / "tuning.json").read_text())["thing"]["cpu"] == tuning.cpu_signature()
    monkeypatch.setattr(tuning, "cpu_signature", lambda: "Another CPU; 64 CPUs")
    assert tuning.measured("thing", measure) == {"choice": 2}  # the machine changed: measured again
    assert len(runs) == 2


def test_an_unreadable_cache_is_measured_again(settings, tmp_path):
    settings.MODEL_CACHE_DIR = tmp_path
    (tmp_path / "tuning.json").write_text("{not json")
    assert tuning.measured("thing", lambda: {"choice": "fresh"}) == {"choice": "fresh"}
    assert json.loads((tmp_path / "tuning.json").read_text())["thing"]["result"] == {"choice": "fresh"}
