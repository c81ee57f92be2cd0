"""The knowledge graph for the web app: one store for the app's lifetime, caught up on demand."""

from __future__ import annotations

import threading

from flask import Flask, current_app

from graph.memory_store import MemoryStore
from graph.projector import initialise_graph, project_pending
from graph.store import GraphStore
from webapp.database import session_factory

__all__ = ["close_store", "graph_store", "init_app", "make_store", "synced_graph"]

_EXTENSION = "almpo.graph"


def make_store(config) -> GraphStore:
    """A Neo4j store when `NEO4J_URI` is set, otherwise the embedded networkx store."""
    if config.get("NEO4J_URI"):
        from graph.neo4j_store import Neo4jStore
        return Neo4jStore(config["NEO4J_URI"], config.get("NEO4J_USER"),
                          config.get("NEO4J_PASSWORD"), config.get("NEO4J_DATABASE"),
                          retry_seconds=float(config["GRAPH_RETRY_SECONDS"]))
    return MemoryStore()


def init_app(app: Flask) -> None:
    # The store is made on first use: a Neo4j server that is down must not stop the app starting.
    app.extensions[_EXTENSION] = {"store": None, "lock": threading.Lock()}


def graph_store() -> GraphStore:
    state = current_app.extensions[_EXTENSION]
    with state["lock"]:
        if state["store"] is None:
            store = make_store(current_app.config)
            try:
                initialise_graph(store)
            except Exception:
                store.close()
                raise
            state["store"] = store
        return state["store"]


def synced_graph() -> GraphStore:
    """The store, after applying every outbox event it has not seen yet."""
    store = graph_store()
    if current_app.config["GRAPH_SYNC_ON_READ"]:
        with current_app.extensions[_EXTENSION]["lock"]:
            project_pending(session_factory(), store)
    return store


def close_store(app: Flask) -> None:
    """Release the graph store's connections (at shutdown, and after each test)."""
    state = app.extensions[_EXTENSION]
    with state["lock"]:
        if state["store"] is not None:
            state["store"].close()
            state["store"] = None
