"""Production safety: HTTPS-only where TLS is actually in front, HSTS, secure cookies.

The key checks live in config/settings/secret.py. The plain API port (no TLS proxy in front) keeps
working with DEBUG off: a request is redirected to https:// only when the TLS proxy (nginx, which sets
X-Forwarded-Proto) says it came over plain HTTP, or everywhere if SECURE_SSL_REDIRECT=True.
"""

from .base import DEBUG
from .env import env_bool, env_int

# Forces the redirect on every request, proxy or not (only right when every client reaches TLS).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# Probes and the metrics scraper talk plain HTTP inside the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$", r"^readyz/?$", r"^metrics/?$"]
# nginx/promptforge.conf sets X-Forwarded-Proto. A client sending it itself to the plain port only changes
# its own response (HSTS, cookie flags), never what another client gets.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# prompt_forge.common.https.ProxiedHTTPSRedirectMiddleware redirects what came through TLS's proxy over
# plain HTTP, which is what Django's check W008 asks for.
SILENCED_SYSTEM_CHECKS = ["security.W008"]

# Sent only on HTTPS responses. Start small if you are unsure every subdomain serves HTTPS.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
# Only declares consent to browsers' preload lists; nothing is submitted anywhere.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)

SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
