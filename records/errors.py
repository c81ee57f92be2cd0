"""Exceptions raised by the records package."""


class RecordsError(Exception):
    """Root of every error the records package raises on purpose."""


class ValidationError(RecordsError):
    """Input that a record refuses; the message is meant for the user."""


class NotFound(RecordsError):
    """A record that was asked for by key does not exist."""


class Conflict(RecordsError):
    """A change that would break a uniqueness rule (a taken user name, say)."""
