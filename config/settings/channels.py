"""Channel layer and cache: in-memory by default; Redis when REDIS_URL is set (needed for several workers).

With Redis, a push caused by a request on one worker reaches sockets held by any other, and the
throttle counters (Django's cache) are shared, so limits hold across workers.
"""

from .env import env_str

REDIS_URL = env_str("REDIS_URL")
# Keys and channel names start with this, so several deployments (or test runs) can share one Redis.
REDIS_KEY_PREFIX = env_str("REDIS_KEY_PREFIX", "prompt-forge")

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 reads with a 5 s socket timeout by default, which aborts the channel
                # layer's blocking receive on every idle socket: let the server-side timeout rule.
                "hosts": [{"address": REDIS_URL, "socket_timeout": None}],
                "prefix": f"{REDIS_KEY_PREFIX}:asgi",
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_KEY_PREFIX,
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
