"""Every endpoint answers with and without its trailing slash (a POST must never be redirected)."""

from django.urls import URLPattern, path


def with_and_without_slash(route: str, view, *, name: str) -> list[URLPattern]:
    return [path(f"{route}/", view, name=name), path(route, view)]
