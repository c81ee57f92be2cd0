"""The knowledge graph's named queries and the Design Wizard as JSON, described in the OpenAPI
document served at /api/openapi.json."""

from webapp.api import bp  # noqa: F401
