"""Errors that carry a stable code and a message meant for the user."""


class LindungiError(Exception):
    """A refusal the user can act on. `code` is stable; `message` is already translated."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class InvalidInput(LindungiError):
    code = "invalid_input"


class InvalidTransition(LindungiError):
    code = "invalid_transition"
