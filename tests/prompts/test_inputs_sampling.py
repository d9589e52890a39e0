"""Sampling parameters of POST /prompts/ and of WebSocket prompts: validated, then handed to the model."""

import pytest

from prompt_forge.ai.base import SamplingParams
from tests.fakes import FakeGenerator


def test_sampling_parameters_reach_the_generator(make_user, client_for):
    client = client_for(make_user())
    body = {"prompt": "Tell me a story", "temperature": 0.7, "top_p": 0.9, "max_new_tokens": 16, "stop": ["\n\n"]}
    response = client.post("/prompts/", {**body, "seed": 42}, format="json")
    assert response.status_code == 201
    assert FakeGenerator.last_params == SamplingParams(
        max_new_tokens=16, temperature=0.7, top_p=0.9, stop=("\n\n",), seed=42
    )


def test_without_sampling_parameters_decoding_is_greedy(make_user, client_for):
    client_for(make_user()).post("/prompts/", {"prompt": "Hello"}, format="json")
    assert FakeGenerator.last_params == SamplingParams()


def test_a_single_stop_string_is_accepted(make_user, client_for):
    client_for(make_user()).post("/prompts/", {"prompt": "Hello", "stop": "."}, format="json")
    assert FakeGenerator.last_params.stop == (".",)


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"temperature": 2.5}, "temperature must be a number from 0 to 2"),
        ({"temperature": "hot"}, "temperature must be a number from 0 to 2"),
        ({"top_p": 0}, "top_p must be a number above 0 to 1"),
        ({"top_p": 1.5}, "top_p must be a number above 0 to 1"),
        ({"max_new_tokens": 0}, "max_new_tokens must be an integer from 1 to 128"),
        ({"max_new_tokens": 129}, "max_new_tokens must be an integer from 1 to 128"),
        ({"max_new_tokens": 2.5}, "max_new_tokens must be an integer from 1 to 128"),
        ({"stop": ["a", "b", "c", "d", "e"]}, "stop must be a string or a list of at most 4 non-empty strings"),
        ({"stop": [""]}, "stop must be a string or a list of at most 4 non-empty strings"),
        ({"stop": ["x" * 65]}, "stop must be a string or a list of at most 4 non-empty strings"),
        ({"seed": -1}, "seed must be an integer from 0 to"),
        ({"seed": True}, "seed must be an integer from 0 to"),
        ({"seed": None}, "seed must be an integer from 0 to"),
        ({"temperature": None}, "temperature must be a number from 0 to 2"),
        ({"stop": None}, "stop must be a string or a list"),
    ],
)
def test_bad_sampling_parameters_are_400_and_store_nothing(make_user, client_for, settings, extra, message):
    settings.GENERATION_MAX_NEW_TOKENS = 128
    client = client_for(make_user())
    response = client.post("/prompts/", {"prompt": "Hello", **extra}, format="json")
    assert response.status_code == 400
    assert response.json()["error"].startswith(message)
    assert client.get("/prompts/").json()["count"] == 0
    assert FakeGenerator.last_params is None
