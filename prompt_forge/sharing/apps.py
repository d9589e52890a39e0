from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "prompt_forge.sharing"
    label = "sharing"
    verbose_name = "Read-only share links"
