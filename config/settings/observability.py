"""Metrics (/metrics access) and logging: one line per request, tokens never written to logs."""

import os
from pathlib import Path

from .env import env_list, env_str

# Prometheus multiprocess mode (several workers): gunicorn.conf.py sets and empties this directory.
# Commands run beside the server (migrate, shell) write their metrics there too, so it must exist.
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)

# /metrics answers requests from these networks, or bearing `Authorization: Bearer <METRICS_TOKEN>`.
METRICS_ALLOWED_NETWORKS = env_list("METRICS_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128")
METRICS_TOKEN = env_str("METRICS_TOKEN")

# Each handler redacts tokens; uvicorn's loggers are routed through it because they print
# WebSocket query strings (`?token=<JWT>`). Set when Django starts, after uvicorn/gunicorn's own setup.
_REDACTED_CONSOLE = {"handlers": ["console"], "propagate": False}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "prompt_forge.common.log_redaction.RedactTokensFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_tokens"]},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Replaces Django's default handlers, which repeat django.* records on stderr when DEBUG is on.
        "django": {**_REDACTED_CONSOLE, "level": "INFO"},
        "django.db.backends": {"level": "WARNING"},
        "uvicorn": {**_REDACTED_CONSOLE, "level": "INFO"},
        "uvicorn.error": {**_REDACTED_CONSOLE, "level": "INFO"},
        # prompt_forge.requests logs every request with its duration and user; this would repeat it.
        "uvicorn.access": {**_REDACTED_CONSOLE, "level": env_str("UVICORN_ACCESS_LOG_LEVEL", "WARNING")},
        "gunicorn.error": {**_REDACTED_CONSOLE, "level": "INFO"},
        "gunicorn.access": {**_REDACTED_CONSOLE, "level": "INFO"},
    },
}
