"""`/healthz`: the state of the records database and of the graph backend, as JSON."""

from __future__ import annotations

from flask import jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from graph.errors import GraphError
from graph.projector import pending_events
from records.migrate import current_revision, head_revision
from webapp.database import engine, session_factory
from webapp.graph_access import graph_store
from webapp.health import bp
from webapp.security import csrf, limiter


def _database_state() -> dict:
    db_engine = engine()
    state = {"backend": db_engine.dialect.name}
    try:
        with db_engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        revision, head = current_revision(db_engine), head_revision(db_engine)
        state.update(ok=revision == head, revision=revision, expected_revision=head)
        if revision != head:
            state["message"] = "The schema is not up to date: run `almpo db upgrade`."
    except SQLAlchemyError as error:
        state.update(ok=False, message=f"Cannot reach the database: {type(error).__name__}")
    return state


def _graph_state(database_ok: bool) -> dict:
    try:
        store = graph_store()
        state = {"ok": True, **store.health()}
        if database_ok:
            state["pending_events"] = pending_events(session_factory(), store)
    except GraphError as error:
        state = {"ok": False, "message": str(error)}
    return state


@bp.route("/healthz")
@csrf.exempt
@limiter.exempt
def healthz():
    database = _database_state()
    graph = _graph_state(database["ok"])
    healthy = database["ok"] and graph["ok"]
    body = {"status": "ok" if healthy else "degraded", "database": database, "graph": graph}
    return jsonify(body), 200 if healthy else 503
