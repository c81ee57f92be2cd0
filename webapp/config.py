"""Configuration: defaults here, then `instance/config.py`, then `ALMPO_*` environment variables.

With no variable set the embedded default runs: SQLite in `instance/almpo.db` and the in-process
graph. `ALMPO_NEO4J_URI` switches the graph to Neo4j; `ALMPO_DATABASE_URL` the records to
PostgreSQL.
"""

from __future__ import annotations

import secrets
from pathlib import Path

DEFAULTS = {
    "DATABASE_URL": None,  # None: SQLite in the instance folder
    "NEO4J_URI": None,  # None: the embedded networkx graph
    "NEO4J_USER": None,
    "NEO4J_PASSWORD": None,
    "NEO4J_DATABASE": None,
    # How long to retry a Neo4j server that does not answer before reporting it down.
    "GRAPH_RETRY_SECONDS": 5.0,
    # Catch the graph up with the outbox before answering graph questions.
    "GRAPH_SYNC_ON_READ": True,
    "LOGIN_RATE_LIMIT": "10 per minute",
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_SECURE": True,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    "JSON_SORT_KEYS": False,
    # Largest transcript or document a facilitator may upload, and largest REFI-QDA project.
    "SOURCE_MAX_BYTES": 10 * 1024 * 1024,
    "QDPX_MAX_BYTES": 15 * 1024 * 1024,
    # Folder of trained extraction models (`almpo nlp train`); None: the rules alone suggest.
    "NLP_MODELS": None,
    # The analysts' read-only Cypher console (Neo4j only): how long a query may run, how many rows show.
    "CYPHER_CONSOLE_TIMEOUT_SECONDS": 10,
    "CYPHER_CONSOLE_MAX_ROWS": 1000,
}


def default_database_url(instance_path: str) -> str:
    return f"sqlite:///{Path(instance_path) / 'almpo.db'}"


def instance_secret_key(instance_path: str) -> str:
    """A random key kept in the instance folder, so sign-ins survive a restart of `make run`."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key
