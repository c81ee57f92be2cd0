"""The analyst's view of the knowledge graph: configurations with their evidence and the text they
came from, and a read-only Cypher console on Neo4j."""

from flask import Blueprint

bp = Blueprint("explore", __name__, url_prefix="/explore")

from webapp.explore import console, routes  # noqa: E402,F401
