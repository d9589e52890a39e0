"""Throttles that hold across worker processes.

DRF's stock throttles read a request history from the cache, append to it and write it back: two
workers (or two threads) reading at once both see room, so bursts slip past the limit. Here each
request atomically increments a counter (Redis INCR when the cache is Redis), so all processes
sharing the cache together allow at most `rate` requests per window. A window opens with a client's
first request and lasts the rate's period (a second, a minute...); the next request after it opens
the next one.

If the cache is unreachable the request is allowed and the failure logged: losing rate limiting for
a moment is better than refusing every request while Redis is down.
"""

import logging

from rest_framework.settings import api_settings

logger = logging.getLogger(__name__)


class SettingsRateMixin:
    """Read the rate on every request, so a settings change applies without re-importing the class."""

    scope: str

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AtomicWindowMixin:
    """Window counting with one atomic cache increment per request (use before a SimpleRateThrottle)."""

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        try:
            count = self._increment(self.key)
        except Exception:  # noqa: BLE001 - any cache failure: serve, and say so in the log
            logger.exception("throttle cache unavailable; allowing the request")
            return True
        return True if count <= self.num_requests else self.throttle_failure()

    def _increment(self, key: str) -> int:
        # add() creates the counter, with the window's lifetime, only if absent; incr() is atomic and
        # keeps that lifetime. The counter may expire between the two (end of the window): try again.
        for _ in range(2):
            if self.cache.add(key, 1, timeout=self.duration):
                self.cache.set(f"{key}:opened", self.timer(), timeout=self.duration)
                return 1
            try:
                return self.cache.incr(key)
            except ValueError:
                continue
        return self.cache.incr(key)

    def wait(self) -> float:
        try:
            opened = self.cache.get(f"{self.key}:opened")
        except Exception:  # noqa: BLE001 - only the Retry-After estimate depends on it
            opened = None
        if opened is None:
            return float(self.duration)
        return max(opened + self.duration - self.timer(), 0.001)
