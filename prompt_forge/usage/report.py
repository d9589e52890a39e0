"""GET /api/usage: a user's requests and tokens per UTC day, by model and by API key, summed from the
stored prompts' metadata (so it always equals what the history holds).

A prompt counts when the pipeline answered it: by a model (its prompt_tokens / completion_tokens
are recorded) or from the semantic cache (a cache hit, 0 tokens). Failed prompts, imported history
and client-supplied conversation turns are not requests served.
"""

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from prompt_forge.accounts.models import ApiKey
from prompt_forge.prompts.models import Prompt

FIGURES = ("requests", "prompt_tokens", "completion_tokens", "cache_hits")


def _zero() -> dict:
    return dict.fromkeys(FIGURES, 0)


def _add(into: dict, figures: dict) -> None:
    for name in FIGURES:
        into[name] += figures[name]


def _figures(info: dict) -> dict | None:
    """This prompt's part of the usage, or None when it was not a request served."""
    hit = bool((info.get("cache") or {}).get("hit"))
    if not hit and "prompt_tokens" not in info:
        return None
    return {
        "requests": 1,
        "prompt_tokens": 0 if hit else int(info.get("prompt_tokens") or 0),
        "completion_tokens": 0 if hit else int(info.get("completion_tokens") or 0),
        "cache_hits": int(hit),
    }


def _logins_first(item: tuple) -> tuple:
    return (item[0] is not None, item[0] or 0)


def usage_report(*, user_id: int, days: int, now: datetime | None = None) -> dict:
    """The user's usage over the last `days` UTC days (today included): totals, then each day with
    requests, by model and by API key (key None: made with a login)."""
    today = (now or datetime.now(UTC)).astimezone(UTC).date()
    since = today - timedelta(days=days - 1)
    start = datetime.combine(since, datetime.min.time(), tzinfo=UTC)
    rows = Prompt.objects.filter(user_id=user_id, status=Prompt.Status.COMPLETED, created_at__gte=start).values_list(
        "created_at", "metadata__extra_info", "metadata__model_used"
    )
    per_day: dict = defaultdict(lambda: {"totals": _zero(), "models": defaultdict(_zero), "keys": defaultdict(_zero)})
    totals = _zero()
    for created_at, info, model_used in rows.iterator():
        figures = _figures(info or {})
        if figures is None:
            continue
        day = per_day[created_at.astimezone(UTC).date()]
        for into in (
            totals,
            day["totals"],
            day["models"][(info or {}).get("model") or model_used],
            day["keys"][(info or {}).get("api_key")],
        ):
            _add(into, figures)
    names = dict(ApiKey.objects.filter(user_id=user_id).values_list("pk", "name"))
    return {
        "since": since.isoformat(),
        "until": today.isoformat(),
        "totals": totals,
        "days": [
            {
                "date": date.isoformat(),
                **day["totals"],
                "by_model": [{"model": model, **figures} for model, figures in sorted(day["models"].items())],
                "by_key": [
                    {"key": key, "name": names.get(key) if key is not None else None, **figures}
                    for key, figures in sorted(
                        day["keys"].items(), key=lambda item: (item[0] is not None, item[0] or 0)
                    )
                ],
            }
            for date, day in sorted(per_day.items())
        ],
    }
