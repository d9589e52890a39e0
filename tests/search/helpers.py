"""Shared steps for the search tests: make prompts through the real services, search like the API."""

from django.conf import settings
from django.test import override_settings

from prompt_forge.prompts import selectors, services


def add(user, text: str) -> int:
    return services.prompt_create(user_id=user.pk, text=text).pk


def search_ids(user, query: str, k: int = 5) -> list[int]:
    return [item.prompt.pk for item in selectors.prompt_similar(user_id=user.pk, query=query, k=k)]


def restart_search() -> None:
    """As a process restart does (no clean exit): the next search builds a new index from its files.

    Any change to a search setting has that effect; this one changes it and back.
    """
    with override_settings(VECTOR_BACKEND=settings.VECTOR_BACKEND):
        pass
