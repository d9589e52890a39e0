"""WebSocket endpoint: each authenticated user receives pushes for their own prompts only."""

import json

from channels.generic.websocket import AsyncWebsocketConsumer

from .notifications import user_group

CONNECTED_MESSAGE = {"message": "WebSocket connection established"}
MAX_FRAME_BYTES = 16 * 1024


class PromptConsumer(AsyncWebsocketConsumer):
    group_name: str | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close()  # before accept: the handshake is refused (HTTP 403)
            return
        self.group_name = user_group(user.pk)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()
        await self.send(text_data=json.dumps(CONNECTED_MESSAGE))

    async def disconnect(self, code: int) -> None:
        if self.group_name:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        size = len(text_data.encode()) if text_data is not None else len(bytes_data or b"")
        if size > MAX_FRAME_BYTES:
            await self.send(text_data=json.dumps({"error": f"message larger than {MAX_FRAME_BYTES} bytes"}))
            await self.close(code=1009)
            return
        try:
            message = json.loads(text_data or "")
        except ValueError:
            await self.send(text_data=json.dumps({"error": "messages must be JSON"}))
            return
        # Clients may send anything (the seed's example sends a greeting); acknowledge it.
        await self.send(text_data=json.dumps({"message": "received", "echo": message}))

    async def prompt_push(self, event: dict) -> None:
        await self.send(text_data=json.dumps(event["payload"]))
