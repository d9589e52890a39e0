"""Shared steps for the search tests: make prompts through the real services, search like the API."""

from prompt_forge.prompts import selectors, services


def add(user, text: str) -> int:
    return services.prompt_create(user_id=user.pk, text=text).pk


def search_ids(user, query: str, k: int = 5) -> list[int]:
    return [item.prompt.pk for item in selectors.prompt_similar(user_id=user.pk, query=query, k=k)]
