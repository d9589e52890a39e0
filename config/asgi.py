"""ASGI entry point: HTTP through Django, WebSocket through Channels, on one port."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from prompt_forge.accounts.middleware import JWTAuthMiddleware  # noqa: E402
from prompt_forge.ai.warmup import start_background_warmup  # noqa: E402
from prompt_forge.common.limits import BodySizeLimit  # noqa: E402
from prompt_forge.common.origin import OptionalOriginValidator  # noqa: E402
from prompt_forge.common.request_log import WebSocketObserver  # noqa: E402
from prompt_forge.prompts.routing import websocket_urlpatterns  # noqa: E402
from prompt_forge.search.warmup import start_index_warmup  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": BodySizeLimit(django_asgi_app),
        "websocket": OptionalOriginValidator(JWTAuthMiddleware(WebSocketObserver(URLRouter(websocket_urlpatterns)))),
    }
)

start_background_warmup()
start_index_warmup()
