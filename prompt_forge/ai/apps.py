from django.apps import AppConfig


class AiConfig(AppConfig):
    name = "prompt_forge.ai"
    label = "ai"
