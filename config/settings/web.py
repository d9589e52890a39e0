"""Browser UI settings: WhiteNoise serves static files straight from the apps (no collectstatic step)."""

from .base import STATIC_ROOT

WHITENOISE_USE_FINDERS = True
# WhiteNoise also serves STATIC_ROOT (filled by `manage.py collectstatic` if a deployment runs it).
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
