from django.apps import AppConfig


class PromptTemplatesConfig(AppConfig):
    name = "prompt_forge.prompt_templates"
    label = "prompt_templates"
    verbose_name = "Prompt templates"
