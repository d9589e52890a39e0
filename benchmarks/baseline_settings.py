"""The product's settings plus the baseline endpoint (benchmarks only)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.baseline"
