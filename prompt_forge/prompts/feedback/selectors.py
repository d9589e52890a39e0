"""Reads of feedback: a template's runs by version and model, with their ratings, tokens and latency."""

from collections import defaultdict
from dataclasses import dataclass, field

from ..models import Prompt


@dataclass
class _Group:
    count: int = 0
    up: int = 0
    down: int = 0
    cache_hits: int = 0
    prompt_tokens: list[int] = field(default_factory=list)
    completion_tokens: list[int] = field(default_factory=list)
    latency_ms: list[float] = field(default_factory=list)


def _mean(values: list) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def template_stats(*, user_id: int, name: str) -> list[dict]:
    """Per version and model of the user's template `name`: answered runs, up/down ratings, mean
    tokens and generation latency (answers reused from the semantic cache count, not in the means)."""
    rows = (
        Prompt.objects.filter(
            user_id=user_id, status=Prompt.Status.COMPLETED, metadata__extra_info__template__name=name
        )
        .order_by()
        .values_list("metadata__model_used", "metadata__extra_info", "feedback__rating")
    )
    groups: dict[tuple[int, str], _Group] = defaultdict(_Group)
    for model, info, rating in rows.iterator():
        group = groups[(info["template"]["version"], model)]
        group.count += 1
        group.up += rating == 1
        group.down += rating == -1
        if (info.get("cache") or {}).get("hit"):
            group.cache_hits += 1
            continue
        for name_, values in (
            ("prompt_tokens", group.prompt_tokens),
            ("completion_tokens", group.completion_tokens),
            ("generation_ms", group.latency_ms),
        ):
            if isinstance(info.get(name_), int | float):
                values.append(info[name_])
    return [
        {
            "version": version,
            "model": model,
            "count": group.count,
            "up": group.up,
            "down": group.down,
            "cache_hits": group.cache_hits,
            "mean_prompt_tokens": _mean(group.prompt_tokens),
            "mean_completion_tokens": _mean(group.completion_tokens),
            "mean_latency_ms": _mean(group.latency_ms),
        }
        for (version, model), group in sorted(groups.items())
    ]
