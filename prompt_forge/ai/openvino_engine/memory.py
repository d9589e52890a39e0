"""Giving memory back once a long request is over.

Reading a long prompt grows the engine process: the KV cache grows to hold it (GENERATION_CACHE_GB=0,
the default) and the step's buffers for its pieces come and go. The C allocator keeps what was freed
for later allocations, so without help the process stays at its peak (522 MB before a 4,096-token
prompt, 823 MB after, with a fixed 1 GB cache). When the engine has finished every request and holds
noticeably more than after the last time, `malloc_trim(0)` gives the free memory back to the system.
"""

import ctypes
import logging
import os
from collections.abc import Callable

logger = logging.getLogger(__name__)

TRIM_AFTER_GROWTH_MB = 32  # smaller growths are not worth a trim (it walks the whole heap)


def resident_mb() -> float:
    """This process's resident memory."""
    with open("/proc/self/statm", encoding="utf-8") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def malloc_trim() -> Callable[[], object] | None:
    """glibc's malloc_trim(0), or None where the C library has none (musl, macOS)."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None
    return lambda: trim(0)


class MemoryReturner:
    def __init__(
        self,
        *,
        trim: Callable[[], object] | None,
        resident: Callable[[], float] = resident_mb,
        growth_mb: float = TRIM_AFTER_GROWTH_MB,
    ) -> None:
        self._trim = trim
        self._resident = resident
        self._growth_mb = growth_mb
        self._settled = resident()  # MB held after the last trim (or at start)
        self.trims = 0

    def engine_idle(self) -> bool:
        """Called when the engine has no request left; True if memory was given back."""
        if self._trim is None:
            return False
        held = self._resident()
        if held - self._settled < self._growth_mb:
            return False
        self._trim()
        self._settled = self._resident()
        self.trims += 1
        logger.info("engine idle: memory returned, %.0f MB resident -> %.0f MB", held, self._settled)
        return True
