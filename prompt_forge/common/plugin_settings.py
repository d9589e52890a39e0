"""Namespaced settings with defaults, in the manner of DRF's `api_settings`.

`PluginSettings("PROMPT_FORGE", defaults)` reads `settings.PROMPT_FORGE` (a dict overriding some of
`defaults`), and is reloaded whenever that setting changes (Django's `setting_changed`, sent by
`override_settings` and pytest-django's `settings` fixture). Imports nothing of the project.
"""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.signals import setting_changed
from django.utils.module_loading import import_string


class PluginSettings:
    def __init__(self, namespace: str, defaults: dict) -> None:
        self.namespace = namespace
        self.defaults = defaults
        self._cache: dict = {}
        setting_changed.connect(self._changed, weak=False)

    def __getattr__(self, name: str):
        if name not in self.defaults:
            raise AttributeError(f"{self.namespace} has no setting {name!r}")
        if name not in self._cache:
            self._cache[name] = getattr(settings, self.namespace, {}).get(name, self.defaults[name])
        return self._cache[name]

    def resolve(self, table: str, name: str):
        """The object a name stands for: `name` looked up in the dict setting `table`, else taken as a
        dotted path itself (so tests and deployments can plug in any class)."""
        return import_string(getattr(self, table).get(name, name))

    def instances(self, table: str) -> list:
        """Instances of the classes whose dotted paths the list setting `table` holds, in order."""
        return [import_string(path)() for path in getattr(self, table)]

    def _changed(self, *, setting: str, **kwargs) -> None:
        if setting == self.namespace:
            self._cache.clear()


def on_settings_change(names: Iterable[str], reset: Callable[[], None]) -> None:
    """Call `reset` whenever one of these settings changes (so cached objects built from them go)."""
    watched = frozenset(names)

    def receiver(*, setting: str, **kwargs) -> None:
        if setting in watched:
            reset()

    setting_changed.connect(receiver, weak=False)
