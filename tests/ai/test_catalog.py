"""The MODELS catalog: JSON in the environment or a JSON/TOML file, checked; today's variables as one entry."""

import json
import re

import pytest
from django.core.exceptions import ImproperlyConfigured

from prompt_forge.ai import catalog
from prompt_forge.ai.catalog import UnknownModelError, parse_models

TWO = [
    {"name": "local", "backend": "openvino", "model": "HuggingFaceTB/SmolLM2-135M-Instruct"},
    {
        "name": "llama",
        "backend": "openai",
        "model": "llama3.2",
        "base_url": "http://ollama:11434/v1",
        "api_key_env": "OLLAMA_KEY",
        "fallbacks": ["local"],
        "context_length": 8192,
    },
]


def test_without_models_the_single_model_variables_make_one_entry(settings):
    settings.MODELS = ""
    settings.GENERATION_MODEL = "gpt2"
    settings.GENERATION_BACKEND = "transformers"
    (only,) = catalog.models()
    assert (only.name, only.backend, only.model, only.fallbacks) == ("gpt2", "transformers", "gpt2", ())


def test_json_in_the_environment_json_file_and_toml_file_read_alike(tmp_path):
    from_env = parse_models(json.dumps(TWO))
    json_file = tmp_path / "models.json"
    json_file.write_text(json.dumps({"models": TWO}))
    toml_file = tmp_path / "models.toml"
    toml_file.write_text(
        '[[models]]\nname = "local"\nbackend = "openvino"\nmodel = "HuggingFaceTB/SmolLM2-135M-Instruct"\n\n'
        '[[models]]\nname = "llama"\nbackend = "openai"\nmodel = "llama3.2"\nbase_url = "http://ollama:11434/v1"\n'
        'api_key_env = "OLLAMA_KEY"\nfallbacks = ["local"]\ncontext_length = 8192\n'
    )
    assert from_env == parse_models(str(json_file)) == parse_models(str(toml_file))
    assert list(from_env) == ["local", "llama"] and from_env["llama"].fallbacks == ("local",)


def test_the_key_comes_from_the_named_variable_never_the_file(monkeypatch):
    monkeypatch.setenv("OLLAMA_KEY", "sk-secret")
    assert parse_models(TWO)["llama"].api_key == "sk-secret"


@pytest.mark.parametrize(
    ("models", "message"),
    [
        ("[]", "non-empty list"),
        ([{"backend": "openai"}], "MODELS[0] needs a non-empty string name"),
        ([{"name": "a"}, {"name": "a"}], "used twice"),
        ([{"name": "a", "fallbacks": ["b"]}], "falls back to unknown model 'b'"),
        ([{"name": "a", "fallbacks": ["a"]}], "falls back to unknown model 'a'"),
        ([{"name": "a", "colour": "red"}], "unknown fields: colour"),
        ([{"name": "a", "context_length": "big"}], "context_length"),
        ("/no/such/models.toml", "neither JSON nor the path of a file"),
        ("[not json", "could not be read"),
    ],
)
def test_a_bad_catalog_is_refused_naming_the_problem(models, message):
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        parse_models(models)


def test_routes_and_unknown_names(settings):
    settings.MODELS = TWO
    assert catalog.default_model().name == "local"
    assert [spec.name for spec in catalog.route("llama")] == ["llama", "local"]
    assert [spec.name for spec in catalog.route(None)] == ["local"]
    assert catalog.configured("gone") is None and catalog.configured("llama") == "llama"
    with pytest.raises(UnknownModelError, match="unknown model 'gpt-4'; this server serves: local, llama"):
        catalog.resolve("gpt-4")
