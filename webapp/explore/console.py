"""A read-only Cypher console for analysts, on the Neo4j backend."""

from webapp.explore import bp  # noqa: F401
