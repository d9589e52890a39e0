"""Waiting for something another thread or process does, without fixed sleeps."""

import time


def wait_for(condition, timeout_s: float = 60, interval_s: float = 0.05) -> bool:
    """True as soon as `condition()` is; False if it still is not after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval_s)
    return False
