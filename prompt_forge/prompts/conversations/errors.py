"""Domain errors of conversations; the edges (REST, WebSocket, /v1) map them to their error shapes."""


class ConversationNotFoundError(Exception):
    """No such conversation of this user (another user's is indistinguishable from a missing one): 404."""

    def __init__(self, message: str = "conversation not found") -> None:
        super().__init__(message)


class TurnNotFoundError(ConversationNotFoundError):
    def __init__(self, message: str = "turn not found in this conversation") -> None:
        super().__init__(message)


class InvalidConversationRequestError(ValueError):
    """Bad input about a conversation (400 {"error": message})."""
