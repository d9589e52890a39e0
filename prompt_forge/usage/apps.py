from django.apps import AppConfig


class UsageConfig(AppConfig):
    name = "prompt_forge.usage"
    label = "usage"

    def ready(self) -> None:
        from prompt_forge.ai import catalog
        from prompt_forge.common.metrics import QUOTA_TOKENS

        from .quota import OUTCOMES

        # Every series exists from start-up on, so dashboards and rate() see 0 rather than nothing.
        for name in catalog.model_names():
            for outcome in OUTCOMES:
                QUOTA_TOKENS.labels(model=name, outcome=outcome)
