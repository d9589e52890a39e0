"""all-MiniLM-L6-v2 on the OpenVINO runtime (EMBEDDING_PRECISION=openvino), against torch float32.

The model is converted once for this module (into a temporary MODEL_CACHE_DIR)."""

import logging

import numpy as np
import pytest

from prompt_forge.ai import openvino_embedder
from prompt_forge.ai.sentence_embedder import SentenceTransformerEmbedder

from .test_sentence_embedder import TEXTS

LONG = " ".join(["A long answer that goes on about sourdough starters, flour and proofing times."] * 12)


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="module")
def float32():
    return SentenceTransformerEmbedder("all-MiniLM-L6-v2", precision="float32")


@pytest.fixture(scope="module")
def openvino(cache_dir):
    from django.conf import settings

    previous = settings.MODEL_CACHE_DIR
    settings.MODEL_CACHE_DIR = cache_dir
    try:
        return SentenceTransformerEmbedder("all-MiniLM-L6-v2", precision="openvino")
    finally:
        settings.MODEL_CACHE_DIR = previous


def test_vectors_are_float32_vectors_and_keep_the_model_name(float32, openvino):
    texts = [*TEXTS, LONG]
    for batch in (texts, texts[:1], texts[-1:]):  # the bulk path and the one-query path
        exact, fast = float32.embed(batch), openvino.embed(batch)
        assert fast.shape == exact.shape and fast.dtype == np.float32
        assert np.min(np.sum(exact * fast, axis=1)) >= 0.999
        assert np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-5)
    assert openvino.model_name == float32.model_name == "all-MiniLM-L6-v2"  # searched together


def test_a_text_gets_the_same_vector_alone_and_in_a_batch(openvino):
    batch = openvino.embed([*TEXTS, LONG])  # sorted by length and padded in the bulk path
    for row in (0, 4, len(TEXTS)):
        alone = openvino.embed([[*TEXTS, LONG][row]])[0]
        assert float(alone @ batch[row]) > 0.99999


def test_a_long_text_is_cut_where_sentence_transformers_cuts_it(float32, openvino):
    very_long = " ".join([LONG] * 5)  # past the model's 256 tokens
    assert float(float32.embed([very_long])[0] @ openvino.embed([very_long])[0]) > 0.9999


def test_nearest_neighbour_is_the_right_one(openvino):
    stored = openvino.embed(TEXTS)
    query = openvino.embed(["my bike has a puncture, how do I repair it?"])[0]
    assert int(np.argmax(stored @ query)) == TEXTS.index("How do I fix a flat bicycle tyre?")


def test_the_converted_model_is_kept_and_reused(openvino, cache_dir, settings, caplog):
    folders = list((cache_dir / "openvino").iterdir())
    assert len(folders) == 1 and (folders[0] / openvino_embedder.IR_FILE).exists()
    assert f"-ov{__import__('openvino').get_version().split('-')[0]}-" in folders[0].name
    settings.MODEL_CACHE_DIR = cache_dir
    with caplog.at_level(logging.INFO, logger="prompt_forge.ai.openvino_embedder"):
        again = SentenceTransformerEmbedder("all-MiniLM-L6-v2", precision="openvino")
    assert not any("converted" in record.message for record in caplog.records)  # read, not converted again
    assert float(again.embed([TEXTS[1]])[0] @ openvino.embed([TEXTS[1]])[0]) > 0.99999


def test_a_broken_cache_is_converted_again(openvino, cache_dir, settings, tmp_path):
    settings.MODEL_CACHE_DIR = tmp_path
    SentenceTransformerEmbedder("all-MiniLM-L6-v2", precision="openvino")
    (folder,) = (tmp_path / "openvino").iterdir()
    (folder / openvino_embedder.IR_FILE).write_text("<not a model")
    rebuilt = SentenceTransformerEmbedder("all-MiniLM-L6-v2", precision="openvino")
    assert float(rebuilt.embed([TEXTS[0]])[0] @ openvino.embed([TEXTS[0]])[0]) > 0.99999


def test_another_openvino_version_converts_into_a_folder_of_its_own(openvino, cache_dir, monkeypatch):
    import openvino as ov

    from prompt_forge.ai.bundled import minilm_dir

    model = openvino._runner._model
    current = openvino_embedder.ir_folder(model, str(minilm_dir()), cache_dir)
    monkeypatch.setattr(ov, "get_version", lambda: "2099.1.0-1-abc")
    assert openvino_embedder.ir_folder(model, str(minilm_dir()), cache_dir) != current


def test_queries_from_several_threads_at_once_get_their_own_vectors(openvino):
    from concurrent.futures import ThreadPoolExecutor

    expected = {text: openvino.embed([text])[0] for text in TEXTS}
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda text: (text, openvino.embed([text])[0]), TEXTS * 3))
    for text, vector in results:
        assert float(vector @ expected[text]) > 0.99999


def test_a_bulk_batch_of_several_chunks_keeps_every_vector_in_its_place(openvino):
    # More than one chunk of the bulk path, computed sorted by length: each vector back at its text's row.
    texts = [f"Question number {n}: {TEXTS[n % len(TEXTS)]}" for n in range(70)]
    vectors = openvino.embed(texts)
    assert vectors.shape == (70, 384)
    assert float(vectors[69] @ openvino.embed([texts[69]])[0]) > 0.99999
