"""Errors are JSON everywhere: DRF views, plain Django views, and Django's own 400/404/500 pages."""

import pytest
from django.db import OperationalError
from django.test import Client

from prompt_forge.prompts import selectors

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.error_urls")]


@pytest.fixture
def production(settings):
    settings.DEBUG = False


@pytest.fixture
def web():
    return Client(raise_request_exception=False)


def test_unknown_path_is_json_404(web, production):
    response = web.get("/no/such/page")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_unexpected_exception_is_json_500(web, production):
    response = web.get("/test/boom")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "internal server error"}


def test_disallowed_host_is_json_400(web, production):
    response = web.get("/healthz", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response.json() == {"error": "bad request"}


@pytest.mark.parametrize("debug", [True, False])
def test_database_failure_in_a_plain_django_view_is_503_json(web, settings, debug):
    settings.DEBUG = debug
    response = web.get("/test/database-down")
    assert response.status_code == 503
    assert response.json() == {"error": "the database is unavailable"}
    assert response["Retry-After"] == "5"


def test_database_failure_in_an_api_view_is_503_json(make_user, client_for, monkeypatch):
    client = client_for(make_user())

    def unavailable(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(selectors, "prompt_list", unavailable)
    response = client.get("/prompts/")
    assert response.status_code == 503
    assert response.json() == {"error": "the database is unavailable"}


@pytest.mark.parametrize("path", ["/no/such/page", "/static/missing.js", "/api/nothing", "/v1/nothing"])
def test_404_never_lists_url_patterns_even_in_debug_mode(web, settings, path):
    settings.DEBUG = True
    response = web.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert "api/schema" not in response.content.decode()
