"""Per-user rate limits on the expensive prompt endpoints (rates from THROTTLE_RATE_* settings)."""

from types import SimpleNamespace

from rest_framework.throttling import UserRateThrottle

from prompt_forge.common.throttles import AtomicWindowMixin, SettingsRateMixin


class BurstRateThrottle(AtomicWindowMixin, SettingsRateMixin, UserRateThrottle):
    scope = "burst"


class SustainedRateThrottle(AtomicWindowMixin, SettingsRateMixin, UserRateThrottle):
    scope = "sustained"


PROMPT_THROTTLES = [BurstRateThrottle, SustainedRateThrottle]


def prompt_throttle_wait(user) -> float | None:
    """Seconds to wait if this user is over a prompt rate limit, else None (and the request is counted).

    WebSocket submissions share the counters (and so the limits) of POST /prompts/.
    """
    request = SimpleNamespace(user=user)  # the user throttles read nothing else from the request
    waits = []
    for throttle in (cls() for cls in PROMPT_THROTTLES):
        if not throttle.allow_request(request, None):
            waits.append(throttle.wait() or 0)
    return max(waits) if waits else None
