"""Gunicorn settings for production: uvicorn workers (HTTP + WebSocket), Prometheus multiprocess mode.

gunicorn reads this file from the working directory:
    gunicorn config.asgi:application
Every value can be overridden on the command line or with the environment variables below.
"""

import glob
import os
import shutil
import tempfile

from dotenv import load_dotenv

# Like the app's settings: a .env file beside this one, real environment variables winning.
load_dotenv(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".env"), override=False)

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# uvicorn workers with `make run`'s WebSocket message size limit (config/gunicorn_worker.py).
worker_class = "config.gunicorn_worker.PromptForgeWorker"
# A generated answer can take minutes on a CPU; the worker heartbeat is independent of requests.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "300"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Worker logs go to stderr; uvicorn's access log is replaced by prompt_forge.requests lines.
errorlog = "-"
accesslog = None

# Metrics from all workers are merged through files in this directory. It must be set before
# any worker imports prometheus_client, so it is decided here, in the master.
_metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
_own_metrics_dir = not _metrics_dir
if _own_metrics_dir:
    _metrics_dir = tempfile.mkdtemp(prefix="prompt-forge-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_dir


def on_starting(server):
    # Workers import the settings, which refuse a weak SECRET_KEY when any address is beyond loopback.
    os.environ["SERVER_BIND"] = ",".join(server.cfg.bind)
    # Files from a previous run would add old counts to the new ones.
    os.makedirs(_metrics_dir, exist_ok=True)
    for path in glob.glob(os.path.join(_metrics_dir, "*.db")):
        os.remove(path)


def on_exit(server):
    if _own_metrics_dir:
        shutil.rmtree(_metrics_dir, ignore_errors=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    # Drops the dead worker's live gauges (open WebSockets, index size); its counters stay counted.
    multiprocess.mark_process_dead(worker.pid, _metrics_dir)
