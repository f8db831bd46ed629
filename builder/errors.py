class UserError(Exception):
    """A failure the user can cause and fix: reported as one sentence, never a traceback."""


class NotFound(UserError):
    """What was named does not exist (the console answers 404)."""


class Busy(UserError):
    """Another command holds what this one needs (the console answers 409); `holder` says who, if known."""

    def __init__(self, message: str, holder: str = ""):
        super().__init__(message)
        self.holder = holder


class ServerFull(UserError):
    """The server has no connection left to give (the console answers 503)."""
