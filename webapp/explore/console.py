"""A read-only Cypher console for analysts, on the Neo4j backend.

The page and a JSON form of it (`POST /explore/cypher` with `Accept: application/json` and a body
{"query": ..., "params": {...}}). A refused or failing query is a 400 with the reason, an unreachable
graph a 503. The time and row limits can be set with `CYPHER_CONSOLE_TIMEOUT_SECONDS` and
`CYPHER_CONSOLE_MAX_ROWS`.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from flask import abort, current_app, jsonify, render_template, request
from flask_login import current_user

from graph.errors import GraphError
from webapp.errors.handlers import error_response
from webapp.explore import bp
from webapp.graph_access import synced_graph
from webapp.security import roles_required, wants_json

if TYPE_CHECKING:
    from graph.console import ConsoleResult

log = logging.getLogger(__name__)

CONSOLE_ROLES = ("admin", "analyst")
DEFAULT_TIMEOUT_SECONDS = 10.0
DEFAULT_MAX_ROWS = 1000


def _limits() -> tuple[float, int]:
    config = current_app.config
    return (float(config.get("CYPHER_CONSOLE_TIMEOUT_SECONDS") or DEFAULT_TIMEOUT_SECONDS),
            int(config.get("CYPHER_CONSOLE_MAX_ROWS") or DEFAULT_MAX_ROWS))


def _on_neo4j() -> bool:
    # The same test `make_store` uses; the form is shown without reaching the server.
    return bool(current_app.config.get("NEO4J_URI"))


def cell_text(value) -> str:
    """A result value as the table shows it: Cypher's words for null and booleans, JSON for maps,
    lists, nodes and relationships."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _page(status: int = 200, *, query: str = "", result: ConsoleResult | None = None, error: str | None = None):
    from graph.console import NEEDS_NEO4J
    timeout_seconds, max_rows = _limits()
    return render_template("explore/console.html", query=query, result=result, error=error,
                           available=_on_neo4j(), needs_neo4j=NEEDS_NEO4J, timeout_seconds=f"{timeout_seconds:g}",
                           max_rows=max_rows, cell_text=cell_text), status


def _json_request() -> tuple[str, dict | None]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, 'Send a JSON object such as {"query": "MATCH (n) RETURN count(n)"}.')
    query, params = body.get("query"), body.get("params")
    if not isinstance(query, str):
        abort(400, 'The JSON object needs a "query" string.')
    if params is not None and not isinstance(params, dict):
        abort(400, '"params" must be a JSON object of parameter names to values.')
    return query, params


@bp.route("/cypher", methods=["GET", "POST"])
@roles_required(*CONSOLE_ROLES)
def console():
    # Imported here: the Neo4j driver is loaded only when the console is used, as `make_store` loads
    # it only for a Neo4j graph, so the app starts without it.
    from graph.console import ConsoleRefused, run_read_only

    if request.method == "GET":
        return _page()
    as_json = wants_json()
    if request.is_json:
        query, params = _json_request()
    else:
        query, params = request.form.get("query", ""), None
    timeout_seconds, max_rows = _limits()
    try:
        result = run_read_only(synced_graph(), query, params=params, timeout_seconds=timeout_seconds,
                               max_rows=max_rows)
    except ConsoleRefused as error:
        status, message = 400, str(error)
    except GraphError as error:
        # Unreachable, or failing on the server's side: either way not the analyst's query.
        status, message = 503, f"The graph cannot answer now: {error}"
    else:
        log.info("Cypher console: %s read %d rows in %.0f ms", current_user.username, len(result.rows),
                 result.elapsed_ms)
        if as_json:
            return jsonify(columns=result.columns, rows=result.rows, truncated=result.truncated,
                           elapsed_ms=result.elapsed_ms)
        return _page(query=query, result=result)
    if as_json:
        return error_response(status, message)
    return _page(status, query=query, error=message)
