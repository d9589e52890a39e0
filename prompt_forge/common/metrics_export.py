"""What /metrics serves, and who may read it.

With several worker processes (PROMETHEUS_MULTIPROC_DIR set), any one worker answers a scrape:
it merges every worker's files, and adds CPU and memory figures for each live worker read from
/proc (prometheus_client's own process collector only sees the answering process).
"""

import functools
import hmac
import ipaddress
import os
import re
from pathlib import Path

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from prometheus_client import REGISTRY, CollectorRegistry, ProcessCollector, generate_latest, multiprocess
from prometheus_client.core import Metric

from .metrics import THROTTLED_REQUESTS, WORKER_REQUESTS

_PID_IN_FILENAME = re.compile(r"_(\d+)\.db$")


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR")


def _parent_pid(proc: Path, pid: int) -> int | None:
    try:
        stat = (proc / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may contain spaces; the fields after its closing ')' are fixed.
    return int(stat.rsplit(")", 1)[1].split()[1])


class WorkerProcessCollector:
    """process_* metrics of every live sibling worker, labelled by pid."""

    def __init__(self, directory: str, proc: str = "/proc") -> None:
        self._directory = Path(directory)
        self._proc = Path(proc)

    def worker_pids(self) -> list[int]:
        pids = {int(m.group(1)) for f in self._directory.glob("*.db") if (m := _PID_IN_FILENAME.search(f.name))}
        pids.add(os.getpid())
        # Workers share a parent (the gunicorn master); a dead worker's pid may belong to anything now.
        siblings = os.getppid()
        return sorted(pid for pid in pids if pid == os.getpid() or _parent_pid(self._proc, pid) == siblings)

    def collect(self):
        families: dict[str, Metric] = {}
        for pid in self.worker_pids():
            collector = ProcessCollector(pid=lambda pid=pid: pid, proc=str(self._proc), registry=None)
            for family in collector.collect():
                merged = families.setdefault(family.name, Metric(family.name, family.documentation, family.type))
                for sample in family.samples:
                    merged.add_sample(sample.name, {**sample.labels, "pid": str(pid)}, sample.value)
        yield from families.values()


def scrape_registry():
    directory = multiprocess_dir()
    if not directory:
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=directory)
    registry.register(WorkerProcessCollector(directory))
    return registry


def _callbacks(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _callbacks(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            yield pattern.callback


def throttled_view_names() -> set[str]:
    """Views that may answer 429: DRF views with throttles, and plain views marked `throttled_view_name`."""
    names = set()
    for callback in _callbacks(get_resolver().url_patterns):
        view_class = getattr(callback, "cls", None)
        if view_class is not None and (view_class.throttle_classes or "get_throttles" in vars(view_class)):
            names.add(view_class.__name__)
        elif name := getattr(callback, "throttled_view_name", None):
            names.add(name)
    return names


@functools.cache
def start_known_series() -> None:
    """Labelled counters exist at 0 for every known label value, so dashboards show 0, not "No data"."""
    for name in throttled_view_names():
        THROTTLED_REQUESTS.labels(view=name)
    WORKER_REQUESTS.labels(worker=str(os.getpid()))


def render_metrics() -> bytes:
    start_known_series()
    return generate_latest(scrape_registry())


def metrics_access_allowed(*, remote_addr: str | None, authorization: str) -> bool:
    """Allowed with the configured bearer token, or from an allowed network (loopback by default)."""
    token = settings.METRICS_TOKEN
    if token and hmac.compare_digest(authorization.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(network, strict=False) for network in settings.METRICS_ALLOWED_NETWORKS)
