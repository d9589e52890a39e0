from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "prompt_forge.common"
    label = "common"
