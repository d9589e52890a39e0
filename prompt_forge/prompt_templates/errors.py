"""Domain errors of templates; prompt_forge/edge/errors.py maps them to REST, /v1 and WebSocket replies."""


class TemplateNotFoundError(Exception):
    """No such template (or version, or label) of this user: 404. Another user's reads as missing."""

    def __init__(self, message: str = "template not found", param: str = "template") -> None:
        super().__init__(message)
        self.param = param


class InvalidTemplateError(Exception):
    """Bad template input (a name, content, a missing variable, an unsafe expression): 400."""

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


class TemplateConflictError(Exception):
    """A template of that name already exists: 409."""
