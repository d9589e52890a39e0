"""Throttle helpers shared by the accounts and prompts apps."""

from rest_framework.settings import api_settings


class SettingsRateMixin:
    """Read the rate on every request, so a settings change applies without re-importing the class."""

    scope: str

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
