"""Schemathesis against the live OpenAPI schema: every documented operation, fuzzed with valid and
invalid input, authenticated; no 5xx, every response as documented, authentication enforced.

The app runs in-process (WSGI) with the fake models and the test database. FUZZ_EXAMPLES (default 40)
bounds the generated cases per operation.
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

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    ignored_auth,
]


@pytest.fixture
def api_schema(transactional_db, make_user):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    user = make_user("fuzzer")
    schema.config.update(headers={"Authorization": f"Bearer {AccessToken.for_user(user)}"})
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_every_operation_holds_its_contract(case):
    case.call_and_validate(checks=CHECKS)


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
