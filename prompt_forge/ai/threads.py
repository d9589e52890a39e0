"""torch's CPU threads: a setting of each calling thread, and costly when two thread teams coexist.

Under OpenMP, `torch.set_num_threads` applies to the thread that calls it, and every thread that runs
a parallel operation with more than one thread starts its own team of helper threads. On a 2-core
machine a step of the engine took twice as long once a second team existed in the process (libgomp
documents that its helpers stop spinning, and sleep between operations, once it manages more
threads than there are CPUs). So models load on one thread and queries embed on one thread unless
this machine measured a clear gain from more (sentence_embedder.py). The generation engine is
OpenVINO's, with threads of its own.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager

import torch


def cpu_count() -> int:
    """CPUs this process may run on."""
    return len(os.sched_getaffinity(0))


@contextmanager
def one_thread() -> Iterator[None]:
    """torch work in this block runs on the calling thread alone, starting no team of helpers."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)
