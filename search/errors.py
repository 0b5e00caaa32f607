"""Errors the engine raises; messages are meant for the person who caused them."""

from __future__ import annotations


class QueryError(ValueError):
    """Bad user input; ``param`` names the offending parameter."""

    def __init__(self, message: str, param: str = "q"):
        super().__init__(message)
        self.param = param
        self.message = message
        # A search.messages.Message carries its Chinese twin; a plain string reads the same.
        self.zh = getattr(message, "zh", message)


class IndexMissing(RuntimeError):
    """No index at the configured directory."""


class IndexMismatch(RuntimeError):
    """The index was built with another analyzer or schema: it must be rebuilt."""
