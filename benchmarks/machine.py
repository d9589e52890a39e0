"""What every benchmark prints first: the CPU it ran on, so absolute figures always have their machine."""

import os
import platform


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def describe() -> str:
    cpus = len(os.sched_getaffinity(0))
    return f"CPU: {cpu_model()}, {cpus} CPUs available; load average {os.getloadavg()[0]:.2f}"


def rss_mb(pid: int | None = None) -> float:
    """A process's resident memory (this one by default)."""
    with open(f"/proc/{pid or 'self'}/statm", encoding="utf-8") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
