"""The uvicorn worker gunicorn runs (gunicorn.conf.py), with `make run`'s WebSocket settings.

uvicorn's default would accept 16 MiB WebSocket messages; the app's own limit (WS_MAX_MESSAGE_BYTES)
is far below, so a frame larger than WS_MAX_SIZE is refused by the protocol layer before it is buffered.
"""

from uvicorn_worker import UvicornWorker

# Keep equal to `--ws-max-size` in the Makefile's run target.
WS_MAX_SIZE = 65536


class PromptForgeWorker(UvicornWorker):
    CONFIG_KWARGS = {**UvicornWorker.CONFIG_KWARGS, "ws": "websockets", "ws_max_size": WS_MAX_SIZE}
