from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "prompt_forge.web"
    label = "web"
    verbose_name = "Browser UI"
