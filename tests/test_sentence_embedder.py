"""The real embedder (all-MiniLM-L6-v2 from the bundled package), in float32 and in int8.

Both models are loaded once for this module.
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
    return SentenceTransformerEmbedder("all-MiniLM-L6-v2")


@pytest.fixture(scope="module")
def int8():
    return SentenceTransformerEmbedder("all-MiniLM-L6-v2", quantize="int8")


def test_a_query_alone_gets_the_vector_it_gets_in_a_batch(float32):
    batch = float32.embed(TEXTS)  # more than a query's worth: the bulk path
    alone = float32.embed([TEXTS[2]])[0]
    assert float(alone @ batch[2]) > 0.99999
    assert np.linalg.norm(alone) == pytest.approx(1.0, abs=1e-5)


def test_int8_vectors_have_a_name_of_their_own(float32, int8):
    assert float32.model_name == "all-MiniLM-L6-v2"
    assert int8.model_name == "all-MiniLM-L6-v2+int8"  # stored vectors of the two models never mix


def test_int8_vectors_stay_close_to_float32(float32, int8):
    exact, quantized = float32.embed(TEXTS), int8.embed(TEXTS)
    assert np.min(np.sum(exact * quantized, axis=1)) > 0.99
    assert np.allclose(np.linalg.norm(quantized, axis=1), 1.0, atol=1e-5)


def test_int8_finds_the_same_nearest_neighbours(float32, int8):
    for embedder in (float32, int8):
        stored = embedder.embed(TEXTS)
        query = embedder.embed(["my bike has a puncture, how do I repair it?"])[0]
        assert int(np.argmax(stored @ query)) == TEXTS.index("How do I fix a flat bicycle tyre?")


def test_int8_gives_a_text_the_same_vector_alone_or_batched(int8):
    # Activations are quantized per token, never with a scale shared across the batch (only padding
    # in attention differs, as in float32).
    assert float(int8.embed([TEXTS[4]])[0] @ int8.embed(TEXTS)[4]) > 0.99999


def test_an_unknown_quantization_is_refused():
    with pytest.raises(ModelError, match="EMBEDDING_QUANTIZE must be one of none, int8"):
        SentenceTransformerEmbedder("all-MiniLM-L6-v2", quantize="int4")
