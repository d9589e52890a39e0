"""Schemathesis against the live OpenAPI schema: every documented operation, fuzzed with valid and
invalid input, authenticated; no 5xx, every response as documented, authentication enforced.

The app runs in-process (WSGI) with the fake models and the test database.

`make test` is deterministic: Hypothesis derandomized (the same cases every run, no example database),
FUZZ_EXAMPLES (default 40) cases per operation, FUZZ_SAMPLING_EXAMPLES (default 150) on the operations
that take sampling parameters, and every case a run has ever failed on replayed from REGRESSIONS.
`make fuzz` draws new random cases (FUZZ_RANDOM=1) and many more of them; add what it finds to REGRESSIONS.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework_simplejwt.tokens import AccessToken
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from prompt_forge.ai.registry import get_embedder, get_generator

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
SAMPLING_EXAMPLES = int(os.environ.get("FUZZ_SAMPLING_EXAMPLES", "150"))
RANDOM = os.environ.get("FUZZ_RANDOM") == "1"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    ignored_auth,
]
# Operations whose bodies carry sampling parameters (temperature, top_p, max tokens, stop).
SAMPLING_OPERATIONS = r"^/(prompts/|v1/chat/completions)$"
HYPOTHESIS = {
    "deadline": None,
    "derandomize": not RANDOM,
    "database": None,  # a run never depends on what an earlier run stored locally
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
}
MODEL = "HuggingFaceTB/SmolLM2-135M-Instruct"
# (method, path, body, expected status): every case a fuzz run has failed on, replayed on every run.
REGRESSIONS = [
    # Sampler: a top_p so small no token survived the cut -> 503 "invalid multinomial distribution".
    ("POST", "/prompts/", {"prompt": "0", "temperature": 2, "top_p": 5e-324}, 201),
    ("POST", "/prompts/", {"prompt": "0", "temperature": 2, "top_p": 1e-300, "max_new_tokens": 1}, 201),
    # A schema-violating stream_options was accepted with 200 (ST201).
    (
        "POST",
        "/v1/chat/completions",
        {"model": MODEL, "messages": [{"role": "user", "content": "0"}], "stream_options": False},
        400,
    ),  # fmt: skip
    ("POST", "/v1/chat/completions", {"model": MODEL, "messages": [{"role": "user", "content": "\ud800"}]}, 400),
    (
        "POST",
        "/v1/chat/completions",
        {"model": MODEL, "messages": [{"role": "user", "content": "0"}], "temperature": 2, "top_p": 0.01},
        200,
    ),  # fmt: skip
]


@pytest.fixture
def auth_headers(transactional_db, make_user) -> dict[str, str]:
    return {"Authorization": f"Bearer {AccessToken.for_user(make_user('fuzzer'))}"}


@pytest.fixture
def api_schema(auth_headers):
    get_generator(), get_embedder()  # a started server: /readyz answers 200 (its 503 is for warm-up)
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    schema.config.update(headers=auth_headers)
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.exclude(path_regex=SAMPLING_OPERATIONS, method="POST").parametrize()
@hypothesis_settings(max_examples=EXAMPLES, **HYPOTHESIS)
def test_every_operation_holds_its_contract(case):
    case.call_and_validate(checks=CHECKS)


@schema.include(path_regex=SAMPLING_OPERATIONS, method="POST").parametrize()
@hypothesis_settings(max_examples=SAMPLING_EXAMPLES, **HYPOTHESIS)
def test_operations_with_sampling_parameters_hold_their_contract(case):
    case.call_and_validate(checks=CHECKS)


@pytest.mark.parametrize(("method", "path", "body", "expected"), REGRESSIONS)
def test_cases_fuzzing_once_failed_on(api_schema, auth_headers, method, path, body, expected):
    case = api_schema[path][method].Case(body=body, media_type="application/json", headers=auth_headers)
    response = case.call_and_validate(checks=CHECKS)
    assert response.status_code == expected, response.text


def test_schema_describes_every_api_route(client):
    """The schema lists each API operation (with its error responses), the probes and the docs page works."""
    spec = client.get("/api/schema/?format=json").json()
    operations = {(path, method) for path, item in spec["paths"].items() for method in item}
    assert {
        ("/api/signup/", "post"),
        ("/api/token/", "post"),
        ("/api/token/refresh/", "post"),
        ("/api/logout/", "post"),
        ("/prompts/", "get"),
        ("/prompts/", "post"),
        ("/prompts/{id}/", "get"),
        ("/prompts/{id}/", "delete"),
        ("/prompts/{id}/retry/", "post"),
        ("/prompts/similar/", "get"),
        ("/healthz", "get"),
        ("/readyz", "get"),
        ("/v1/models", "get"),
        ("/v1/chat/completions", "post"),
    } <= operations
    create = spec["paths"]["/prompts/"]["post"]["responses"]
    assert {"201", "400", "401", "413", "429", "503", "504"} <= set(create)
    assert spec["components"]["securitySchemes"]["jwtAuth"]["scheme"] == "bearer"


def test_docs_page_serves_its_assets_locally(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    bundle = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert bundle.status_code == 200


STATEFUL_EXAMPLES = int(os.environ.get("FUZZ_STATEFUL_EXAMPLES", "15"))


def test_sequences_of_operations_hold_their_contract(api_schema):
    """Schemathesis' stateful phase: create a prompt, then read, retry, search and delete it, in random
    sequences (links inferred from the schema: an id a response returns feeds the next path)."""

    class Machine(api_schema.as_state_machine()):
        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs or None)

    Machine.run(settings=hypothesis_settings(max_examples=STATEFUL_EXAMPLES, stateful_step_count=6, **HYPOTHESIS))
