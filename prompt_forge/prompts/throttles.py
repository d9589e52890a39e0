"""Per-user rate limits on the expensive prompt endpoints (rates from THROTTLE_RATE_* settings)."""

from rest_framework.throttling import UserRateThrottle

from prompt_forge.common.throttles import SettingsRateMixin


class BurstRateThrottle(SettingsRateMixin, UserRateThrottle):
    scope = "burst"


class SustainedRateThrottle(SettingsRateMixin, UserRateThrottle):
    scope = "sustained"


PROMPT_THROTTLES = [BurstRateThrottle, SustainedRateThrottle]
