from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "prompt_forge.accounts"
    label = "accounts"
