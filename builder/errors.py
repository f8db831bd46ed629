class UserError(Exception):
    """A failure the user can cause and fix: reported as one sentence, never a traceback."""
