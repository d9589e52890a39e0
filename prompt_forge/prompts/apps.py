from django.apps import AppConfig


class PromptsConfig(AppConfig):
    name = "prompt_forge.prompts"
    label = "prompts"
    verbose_name = "Prompts"
