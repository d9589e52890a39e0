"""Pushes to a user's open WebSocket connections through the channel layer."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    return f"prompts.user.{user_id}"


def push_to_user(user_id: int, payload: dict) -> bool:
    """Send `payload` to every socket of this user (and nobody else). Never raises: a push is best effort."""
    layer = get_channel_layer()
    if layer is None:
        return False
    try:
        async_to_sync(layer.group_send)(user_group(user_id), {"type": "prompt.push", "payload": payload})
    except Exception:  # noqa: BLE001 - a broken channel layer must not fail the HTTP request
        logger.exception("WebSocket push to user %s failed", user_id)
        return False
    return True
