"""Domain errors of conversations; prompt_forge/edge/errors.py maps them to REST, /v1 and WebSocket replies."""

from ..inputs import InvalidRequestError


class ConversationNotFoundError(Exception):
    """No such conversation of this user (another user's is indistinguishable from a missing one): 404."""

    def __init__(self, message: str = "conversation not found", param: str = "conversation") -> None:
        super().__init__(message)
        self.param = param


class TurnNotFoundError(ConversationNotFoundError):
    def __init__(self, message: str = "turn not found in this conversation") -> None:
        super().__init__(message, param="parent")


class InvalidConversationRequestError(InvalidRequestError):
    """Bad input about a conversation: 400 {"error": message} (an invalid request like any other)."""
