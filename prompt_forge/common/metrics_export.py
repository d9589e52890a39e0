"""What /metrics serves, and who may read it.

With several worker processes (PROMETHEUS_MULTIPROC_DIR set), any one worker answers a scrape:
it merges every worker's files, and adds CPU and memory figures for each live worker read from
/proc (prometheus_client's own process collector only sees the answering process).
"""

import hmac
import ipaddress
import os
import re
from pathlib import Path

from django.conf import settings
from prometheus_client import REGISTRY, CollectorRegistry, ProcessCollector, generate_latest, multiprocess
from prometheus_client.core import Metric

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


def render_metrics() -> bytes:
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
