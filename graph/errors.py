"""Exceptions raised by the graph package."""


class GraphError(Exception):
    """Root of every error the graph package raises on purpose."""


class GraphUnavailable(GraphError):
    """The graph backend cannot be reached or refused the work."""


class InvalidChange(GraphError):
    """A change that no store can apply (unknown label, a property value of the wrong type)."""


class BrokenReference(GraphError):
    """A relationship names a node that does not exist."""


class UnknownEvent(GraphError):
    """An outbox event the projector has no rule for."""
