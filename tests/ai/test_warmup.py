"""Model warm-up at server start: both models load, side by side, and one failing spares the other."""

import threading

import pytest

from prompt_forge.ai import warmup


def _join(threads):
    for thread in threads:
        thread.join(timeout=10)
        assert not thread.is_alive()


def test_the_models_load_side_by_side(monkeypatch, settings):
    settings.AI_PRELOAD = True
    generator_started = threading.Event()
    loaded = []

    def load_generator():
        generator_started.set()
        loaded.append("generator")

    def load_embedder():
        # Sequential loading (generator after embedder, or the reverse with a wait) would never see this.
        assert generator_started.wait(timeout=5), "the generator did not load beside the embedder"
        loaded.append("embedder")

    monkeypatch.setattr(warmup, "get_generator", load_generator)
    monkeypatch.setattr(warmup, "get_embedder", load_embedder)
    _join(warmup.start_background_warmup())
    assert sorted(loaded) == ["embedder", "generator"]


def test_a_failing_model_spares_the_other(monkeypatch, settings, caplog):
    settings.AI_PRELOAD = True
    loaded = []

    def broken():
        raise RuntimeError("no such model file")

    monkeypatch.setattr(warmup, "get_generator", broken)
    monkeypatch.setattr(warmup, "get_embedder", lambda: loaded.append("embedder"))
    _join(warmup.start_background_warmup())
    assert loaded == ["embedder"]
    assert "model warm-up failed" in caplog.text


def test_no_warm_up_when_preloading_is_off(monkeypatch, settings):
    settings.AI_PRELOAD = False
    monkeypatch.setattr(warmup, "get_generator", lambda: pytest.fail("loaded although AI_PRELOAD is off"))
    assert warmup.start_background_warmup() == []
