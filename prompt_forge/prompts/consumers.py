"""WebSocket endpoint: pushes for the user's own prompts, and prompts answered token by token.

Thin: message rules live in socket_protocol, streaming in socket_stream, authentication in accounts.
"""

import asyncio
import json
import logging
import time

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from prompt_forge.accounts.api_keys import key_is_active
from prompt_forge.accounts.middleware import authenticate_token
from prompt_forge.accounts.scopes import PROMPTS_WRITE, MissingScopeError, key_id_of, require_scope
from prompt_forge.ai.base import SamplingParams
from prompt_forge.ai.catalog import UnknownModelError
from prompt_forge.edge.errors import reply_for
from prompt_forge.prompt_templates.errors import TemplateNotFoundError

from .conversations.errors import ConversationNotFoundError
from .conversations.rest_turns import socket_turn_options
from .inputs import InvalidRequestError, parse_prompt_request
from .notifications import user_group
from .socket_protocol import (
    CLOSE_UNAUTHENTICATED,
    CONNECTED_MESSAGE,
    ClientMessageError,
    error_message,
    new_rate_limit,
    read_client_message,
)
from .socket_stream import stream_payloads
from .throttles import prompt_throttle_wait

# What a {"type": "prompt"} message may carry: the prompt (or a template run) and its sampling parameters.
SOCKET_PROMPT_FIELDS = (
    "prompt",
    "temperature",
    "top_p",
    "max_new_tokens",
    "stop",
    "seed",
    *("template", "version", "label", "variables"),
    "model",
)
FINAL_MESSAGE_TYPES = {"prompt.done", "prompt.failed", "error"}
AUTH_HINT = 'authenticate first: send {"type": "auth", "token": "<access token>"}'
logger = logging.getLogger(__name__)


class PromptConsumer(AsyncWebsocketConsumer):
    user = None
    identity = None  # accounts.authentication.Identity: an API key's scopes limit what may be sent
    group_name: str | None = None
    closer: asyncio.Task | None = None  # closes the socket when the token expires (or auth never came)
    stream_task: asyncio.Task | None = None
    streaming = False  # until the stream's last message is sent, not until its task has wound down

    async def connect(self) -> None:
        self.rate = new_rate_limit()
        user = self.scope.get("user")
        if user is not None and user.is_authenticated:
            await self.accept()
            await self._authenticated(self.scope["identity"])
        elif self.scope.get("token_in_query"):
            await self.close()  # a bad token in the URL: the handshake is refused (HTTP 403)
        else:
            await self.accept()  # the token is expected in the first message
            self._close_after(settings.WS_AUTH_TIMEOUT_SECONDS, "authentication timed out")

    async def disconnect(self, code: int) -> None:
        for task in (self.closer, self.stream_task):
            if task is not None:
                task.cancel()  # cancelling the stream cancels its generation
        if self.group_name:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            message = read_client_message(text_data, bytes_data, self.rate)
        except ClientMessageError as exc:
            self._log_refused(exc.message)
            await self.send_json(error_message(exc.message))
            if exc.close_code:
                await self.close(code=exc.close_code)
            return
        kind = message.get("type")
        if kind == "auth":
            await self._auth(message.get("token"))
        elif self.user is None:
            self._log_refused("not authenticated")
            await self.send_json(error_message(AUTH_HINT))
            await self.close(code=CLOSE_UNAUTHENTICATED)
        elif kind == "prompt":
            await self._submit(message)
        else:
            # The seed's example sends a greeting; anything else is acknowledged as before.
            await self.send_json({"message": "received", "echo": message})

    async def prompt_push(self, event: dict) -> None:
        await self.send_json(event["payload"])

    async def send_json(self, payload: dict) -> None:
        await self.send(text_data=json.dumps(payload))

    async def _auth(self, raw_token) -> None:
        identity = await authenticate_token(raw_token) if isinstance(raw_token, str) else None
        if identity is None or (self.user is not None and identity.user.pk != self.user.pk):
            self._log_refused("invalid or expired token")
            await self.send_json(error_message("invalid or expired token"))
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        renewed = self.user is not None
        await self._authenticated(identity)
        if renewed:  # a fresh token for the same user pushes the expiry back
            await self.send_json({"type": "auth.renewed", "expires_at": identity.expires_at})

    async def _authenticated(self, identity) -> None:
        user, expires_at = identity.user, identity.expires_at
        self.identity = identity
        if self.user is None:
            self.user = user
            if "request_log" in self.scope:  # the connection's log line names the user
                self.scope["request_log"]["user"] = user
            self.group_name = user_group(user.pk)
            await self.channel_layer.group_add(self.group_name, self.channel_name)
            await self.send_json(CONNECTED_MESSAGE)
        if expires_at is not None:
            self._close_after(max(0.0, expires_at - time.time()), "token expired")

    def _close_after(self, delay: float, reason: str) -> None:
        if self.closer is not None:
            self.closer.cancel()

        async def close_later() -> None:
            await asyncio.sleep(delay)
            await self.send_json(error_message(reason))
            await self.close(code=CLOSE_UNAUTHENTICATED)

        self.closer = asyncio.create_task(close_later())

    async def _submit(self, message: dict) -> None:
        if self.streaming:
            self._log_refused("a prompt is already streaming on this socket")
            await self.send_json(error_message("a prompt is already streaming on this socket"))
            return
        if not await self._key_still_valid():
            return
        fields = {name: message[name] for name in SOCKET_PROMPT_FIELDS if name in message}
        try:
            require_scope(self.identity, PROMPTS_WRITE)
            body = await sync_to_async(parse_prompt_request)(fields, user_id=self.user.pk)
        except (InvalidRequestError, TemplateNotFoundError, MissingScopeError, UnknownModelError) as exc:
            self._log_refused(str(exc))
            await self.send_json(reply_for(exc).socket)
            return
        wait = await sync_to_async(prompt_throttle_wait)(self.user)
        if wait is not None:
            self._log_refused("throttled")
            await self.send_json(error_message("Request was throttled.", retry_after=round(wait, 1)))
            return
        try:  # "conversation" / "parent": a turn of one of the user's conversations
            turn = await sync_to_async(socket_turn_options)(
                user_id=self.user.pk,
                message=message,
                text=body.text,
                params=body.params,
                template=body.template,
                model=body.model,
            )
        except (ConversationNotFoundError, InvalidRequestError) as exc:
            await self.send_json(reply_for(exc).socket)
            return
        turn["template"] = body.template
        turn["key_id"] = key_id_of(self.identity)
        self.streaming = True
        self.stream_task = asyncio.create_task(self._stream(body.text, body.params, turn))

    async def _stream(self, text: str, params: SamplingParams, turn: dict) -> None:
        source = {"source": "websocket", **turn.pop("source", {})}
        stream = stream_payloads(user_id=self.user.pk, text=text, params=params, source=source, **turn)
        try:
            async for payload in stream:
                if payload.get("type") in FINAL_MESSAGE_TYPES:
                    # A client may send its next prompt the moment it reads this message.
                    self.streaming = False
                await self.send_json(payload)
        except Exception:  # noqa: BLE001 - a task's error would otherwise vanish unseen and unanswered
            logger.exception("websocket prompt failed (user_id=%s)", self.user.pk)
            self.streaming = False
            await self.send_json(error_message("the prompt could not be answered"))
        finally:
            self.streaming = False

    async def _key_still_valid(self) -> bool:
        """A socket opened with an API key that has been revoked since is closed at its next prompt."""
        key_id = key_id_of(self.identity)
        if key_id is None or await database_sync_to_async(key_is_active)(key_id=key_id):
            return True
        self._log_refused("API key revoked")
        await self.send_json(error_message("API key is invalid, expired or revoked"))
        await self.close(code=CLOSE_UNAUTHENTICATED)
        return False

    def _log_refused(self, reason: str) -> None:
        user_id = self.user.pk if self.user is not None else "-"
        logger.warning("websocket message refused (user_id=%s): %s", user_id, reason)
