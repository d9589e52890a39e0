"""The real embedder (all-MiniLM-L6-v2 from the bundled package) in each explicit EMBEDDING_PRECISION.

Each model is loaded once for this module. The OpenVINO runtime has its own module
(test_openvino_embedder.py), and `auto` too (test_embedding_tuning.py).
"""

import numpy as np
import pytest

from prompt_forge.ai.base import ModelError
from prompt_forge.ai.sentence_embedder import SentenceTransformerEmbedder

TEXTS = [
    "How do I bake sourdough bread at home?",
    "What is the capital of France?",
    "Explain how a steam engine works, step by step.",
    "Write a haiku about the sea.",
    "Which vegetables grow well in a shady garden?",
    "How do airplanes stay in the air?",
    "Recommend a good book about the history of Rome.",
    "What is the best way to learn a new language as an adult?",
    "How do I fix a flat bicycle tyre?",
]


@pytest.fixture(scope="module")
def float32():
    return SentenceTransformerEmbedder("all-MiniLM-L6-v2", precision="float32")


@pytest.fixture(scope="module")
def bfloat16():
    return SentenceTransformerEmbedder("all-MiniLM-L6-v2", precision="bfloat16")


@pytest.fixture(scope="module")
def int8():
    return SentenceTransformerEmbedder("all-MiniLM-L6-v2", precision="int8")


def test_a_query_alone_gets_the_vector_it_gets_in_a_batch(float32):
    batch = float32.embed(TEXTS)  # more than a query's worth: the bulk path
    alone = float32.embed([TEXTS[2]])[0]
    assert float(alone @ batch[2]) > 0.99999
    assert np.linalg.norm(alone) == pytest.approx(1.0, abs=1e-5)


def test_a_few_texts_together_get_the_vectors_they_get_alone(float32):
    # Up to QUERY_TEXTS texts take the query path, padded to the longest of them.
    together = float32.embed(TEXTS[:3])
    for row, text in enumerate(TEXTS[:3]):
        assert float(together[row] @ float32.embed([text])[0]) > 0.99999


def test_no_texts_give_no_vectors(float32):
    assert float32.embed([]).shape == (0, 384)


def test_int8_vectors_have_a_name_of_their_own(float32, bfloat16, int8):
    assert float32.model_name == bfloat16.model_name == "all-MiniLM-L6-v2"
    assert int8.model_name == "all-MiniLM-L6-v2+int8"  # stored vectors of the two models never mix


def test_bfloat16_vectors_are_float32_vectors_to_five_decimals(float32, bfloat16):
    # Close enough to share the model's name: switching precision needs no re-embedding.
    for texts in (TEXTS, TEXTS[:1]):  # the bulk path and the one-query path
        exact, fast = float32.embed(texts), bfloat16.embed(texts)
        assert np.min(np.sum(exact * fast, axis=1)) > 0.9999
        assert fast.dtype == np.float32 and np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-5)


def test_int8_vectors_stay_close_to_float32(float32, int8):
    exact, quantized = float32.embed(TEXTS), int8.embed(TEXTS)
    assert np.min(np.sum(exact * quantized, axis=1)) > 0.99
    assert np.allclose(np.linalg.norm(quantized, axis=1), 1.0, atol=1e-5)


def test_every_precision_finds_the_same_nearest_neighbour(float32, bfloat16, int8):
    for embedder in (float32, bfloat16, int8):
        stored = embedder.embed(TEXTS)
        query = embedder.embed(["my bike has a puncture, how do I repair it?"])[0]
        assert int(np.argmax(stored @ query)) == TEXTS.index("How do I fix a flat bicycle tyre?")


def test_int8_gives_a_text_the_same_vector_alone_or_batched(int8):
    # Activations are quantized per token, never with a scale shared across the batch (only padding
    # in attention differs, as in float32). torch's quantize_dynamic, which shares one scale, gave
    # this text a cosine of 0.970 between alone and batched.
    assert float(int8.embed([TEXTS[4]])[0] @ int8.embed(TEXTS)[4]) > 0.99999


def test_an_unknown_precision_is_refused():
    with pytest.raises(ModelError, match="EMBEDDING_PRECISION must be one of auto, float32, bfloat16, openvino, int8"):
        SentenceTransformerEmbedder("all-MiniLM-L6-v2", precision="int4")
