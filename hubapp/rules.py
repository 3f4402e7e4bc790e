"""The one family of errors a service raises when a rule is broken.

A service never sees a request: it raises one of these with a Chinese message for the user and,
when the message is about one form field, that field's name. The view turns it into a response
through ``hubapp.actions``: the message next to its field and a 422, a 409 for a change someone
else made first, a 403 for something this user may not do.
"""


class RuleError(ValueError):
    """A rule was broken; ``field`` names the form field the Chinese message belongs to."""

    #: The HTTP status a view answers with.
    status = 422

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(RuleError):
    """This user may not do this."""

    status = 403


class Conflict(RuleError):
    """Someone else changed the record first; the user should look again before acting."""

    status = 409


def clean_text(value: str | None) -> str | None:
    """A typed text without the blanks around it; None when nothing is left (an optional field
    left blank is stored as no value, not as an empty or all-blank text)."""
    value = (value or "").strip()
    return value or None
