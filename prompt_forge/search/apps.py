from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "prompt_forge.search"
    label = "search"
