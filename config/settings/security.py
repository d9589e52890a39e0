"""Production safety. With DEBUG off: refuse the example SECRET_KEY, and default to HTTPS-only settings.

`manage.py check --deploy` reports no issues with these defaults. Serving plain HTTP on purpose
(e.g. the Docker stack on a laptop without TLS)? Set SECURE_SSL_REDIRECT=False and the
*_COOKIE_SECURE variables to False, or keep DEBUG=True.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import DEBUG, REST_FRAMEWORK, SECRET_KEY
from .env import env_bool, env_int

# The value shipped in .env.example and used by default in development: public, so never secret.
EXAMPLE_SECRET_KEYS = {"", "my_super_secret_key"}

if not DEBUG and SECRET_KEY in EXAMPLE_SECRET_KEYS:
    raise ImproperlyConfigured(
        "SECRET_KEY is empty or the public example value, and DEBUG is off: refusing to start. Set SECRET_KEY "
        "to a long random value, e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Probes and the metrics scraper talk plain HTTP inside the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$", r"^readyz/?$", r"^metrics/?$"]
# Behind a reverse proxy that terminates TLS (nginx/promptforge.conf sets this header), trust it.
if REST_FRAMEWORK["NUM_PROXIES"] > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Sent only on HTTPS responses. Start small if you are unsure every subdomain serves HTTPS.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
# Only declares consent to browsers' preload lists; nothing is submitted anywhere.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)

SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
