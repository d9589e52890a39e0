"""Core Django settings: apps, database, REST framework, throttles."""

from pathlib import Path

from .env import BASE_DIR, env_bool, env_int, env_list, env_str
from .secret import check_key, is_loopback, stored_secret_key

# Everything the service writes (SQLite file, search index, model caches, the generated key) lives here.
DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "data"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

# Where the server listens: `make run` and gunicorn.conf.py set it (unknown counts as reachable).
SERVER_BIND = env_str("SERVER_BIND")
# DEBUG only in `make run`'s development mode on loopback, unless set.
DEBUG = env_bool("DEBUG", env_bool("DEVELOPMENT_SERVER", False) and is_loopback(SERVER_BIND))
SECRET_KEY = env_str("SECRET_KEY") or stored_secret_key(DATA_DIR)
check_key("SECRET_KEY", SECRET_KEY, debug=DEBUG, bind=SERVER_BIND)
# Older keys still accepted for sessions (the admin) while rotating SECRET_KEY; JWTs use JWT_SIGNING_KEY.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")

INSTALLED_APPS = [
    # daphne first: its runserver serves HTTP and WebSocket from `manage.py runserver`.
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "django_prometheus",
    "prompt_forge.common",
    "prompt_forge.accounts",
    "prompt_forge.ai",
    "prompt_forge.search",
    "prompt_forge.prompt_templates",
    "prompt_forge.prompts",
    "prompt_forge.usage",
    "prompt_forge.sharing",
    "prompt_forge.web",
]

MIDDLEWARE = [
    # First and last: django-prometheus measures everything in between.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "prompt_forge.common.request_log.RequestLogMiddleware",
    "prompt_forge.common.not_found.JSONNotFoundMiddleware",
    "prompt_forge.common.limits.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "prompt_forge.common.https.ProxiedHTTPSRedirectMiddleware",
    # Serves the browser UI's static files under any server (uvicorn, gunicorn, runserver).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "prompt_forge.common.exceptions.DatabaseErrorMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = "config.wsgi.application"
# Explicit routes exist with and without the trailing slash; never redirect a POST.
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Embedded default: SQLite under DATA_DIR. Setting DATABASE_HOST switches to PostgreSQL.
DATABASE_HOST = env_str("DATABASE_HOST")
if DATABASE_HOST:
    DATABASES = {
        "default": {
            # django-prometheus wrappers: Django's backends plus query counts and durations.
            "ENGINE": "django_prometheus.db.backends.postgresql",
            "NAME": env_str("DATABASE_NAME", "prompt_forge"),
            "USER": env_str("DATABASE_USER", "postgres"),
            "PASSWORD": env_str("DATABASE_PASSWORD", "postgres"),
            "HOST": DATABASE_HOST,
            "PORT": env_str("DATABASE_PORT", "5432"),
            "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 0),
            "OPTIONS": {"connect_timeout": env_int("DATABASE_CONNECT_TIMEOUT", 5)},
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django_prometheus.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(DATA_DIR / "db.sqlite3")),
            # WAL lets readers proceed while a prompt is being saved; wait rather than fail on a lock.
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where `manage.py collectstatic` puts files (the Docker image uses /app/staticfiles).
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "static")))

# Limits on what a client may send.
PROMPT_MAX_CHARS = env_int("PROMPT_MAX_CHARS", 4000)
SEARCH_QUERY_MAX_CHARS = env_int("SEARCH_QUERY_MAX_CHARS", 1000)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("MAX_REQUEST_BYTES", 64 * 1024)

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "prompt-forge",
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "prompt_forge.accounts.authentication.BearerAuthentication",
    ],
    # An API key reaches only what its scopes allow (a login: everything the user may).
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "prompt_forge.accounts.scopes.KeyScopes",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["prompt_forge.common.parsers.StrictJSONParser"],
    "EXCEPTION_HANDLER": "prompt_forge.edge.errors.json_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        "burst": env_str("THROTTLE_RATE_BURST", "1/second"),
        "sustained": env_str("THROTTLE_RATE_SUSTAINED", "10/minute"),
        "auth": env_str("THROTTLE_RATE_AUTH", "20/minute"),
    },
    # How many reverse proxies sit in front of the app; 0 ignores X-Forwarded-For entirely.
    "NUM_PROXIES": env_int("TRUSTED_PROXY_COUNT", 0),
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
