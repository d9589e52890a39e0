"""Our sampling parameters as OpenVINO GenAI's GenerationConfig."""

import random

import numpy as np

from ..base import SamplingParams

# top_p is a float32 in OpenVINO: a valid but tiny top_p (5e-324) would round to 0, which it refuses.
# The smallest positive float32 keeps exactly the most likely token, which is what such a top_p means.
TOP_P_FLOOR = float(np.finfo(np.float32).tiny)


def generation_config(params: SamplingParams, *, max_new_tokens: int):
    import openvino_genai

    config = openvino_genai.GenerationConfig()
    config.max_new_tokens = max_new_tokens
    if params.temperature > 0:
        config.do_sample = True
        config.temperature = params.temperature
        config.top_p = min(1.0, max(params.top_p, TOP_P_FLOOR))
        # Without a seed every request draws its own; with one, the same seed gives the same answer.
        config.rng_seed = params.seed if params.seed is not None else random.getrandbits(32)
    else:
        config.do_sample = False
    return config


def describe(params: SamplingParams, limit: int) -> dict:
    """The decoding settings a request was answered with, as stored in the prompt's metadata."""
    sampling = params.temperature > 0
    return {
        "max_new_tokens": limit,
        "decoding": "sampling" if sampling else "greedy",
        **({"temperature": params.temperature, "top_p": params.top_p} if sampling else {}),
        **({"seed": params.seed} if sampling and params.seed is not None else {}),
        **({"stop": list(params.stop)} if params.stop else {}),
    }
