"""Choices made by measuring this machine, not by reading CPU flags: measured once at first start,
cached in MODEL_CACHE_DIR/tuning.json (DATA_DIR/models by default) beside the CPU they were measured
on, measured again when it changes.

A flag says what a CPU can do, not what is fastest on it: this project's 2-core machines have
AVX512-BF16, yet bfloat16 embeds 235 short texts/s there against float32's 370.
"""

import json
import logging
import os
import platform
import threading
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

FILE_NAME = "tuning.json"
_lock = threading.Lock()


def cpu_signature() -> str:
    """What a measurement depends on: the CPU model and how many of its CPUs this process may use."""
    model = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), model)
    except OSError:
        pass
    return f"{model}; {len(os.sched_getaffinity(0))} CPUs"


def _path() -> Path:
    return Path(settings.MODEL_CACHE_DIR) / FILE_NAME


def _read() -> dict:
    try:
        return json.loads(_path().read_text())
    except (OSError, ValueError):
        return {}  # missing or unreadable: measure again, never trust it


def measured(key: str, measure: Callable[[], dict]) -> dict:
    """`measure()`'s result for `key` on this CPU: from the cache, or measured now and cached."""
    cpu = cpu_signature()
    with _lock:
        entry = _read().get(key)
        if isinstance(entry, dict) and entry.get("cpu") == cpu and isinstance(entry.get("result"), dict):
            return entry["result"]
        result = measure()
        data = _read()
        data[key] = {"cpu": cpu, "result": result}
        path = _path()
        path.parent.mkdir(parents=True, exist_ok=True)
        scratch = path.with_name(f".{FILE_NAME}.{os.getpid()}")
        scratch.write_text(json.dumps(data, indent=1, sort_keys=True))
        os.replace(scratch, path)  # other processes read the old file or the new one, never half of one
        logger.info("measured %s on %s: %s (cached in %s)", key, cpu, result, path)
        return result
