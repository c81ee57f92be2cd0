"""/healthz tells operators the state of the database and of the graph backend."""

import socket

import pytest

from tests import services


def test_healthy_embedded_default(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"].items() >= {"ok": True, "backend": "sqlite"}.items()
    assert body["graph"]["backend"] == "memory" and body["graph"]["pending_events"] == 0


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_graph_is_reported_as_degraded(make_app):
    application = make_app(NEO4J_URI=f"bolt://127.0.0.1:{_closed_port()}", GRAPH_RETRY_SECONDS=0.5)
    response = application.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "degraded" and body["database"]["ok"] is True
    assert body["graph"]["ok"] is False and "unreachable" in body["graph"]["message"]
    # The pages still work without the graph, and say what is missing.
    assert application.test_client().get("/auth/sign-in").status_code == 200


def test_a_database_without_its_migrations_is_reported(make_app):
    response = make_app(migrate=False).test_client().get("/healthz")
    assert response.status_code == 503
    assert "almpo db upgrade" in response.get_json()["database"]["message"]


@pytest.mark.postgres
@pytest.mark.neo4j
def test_healthy_on_postgresql_and_neo4j(make_app):
    if not services.POSTGRES_URL:
        services.missing("postgres")
    if not services.NEO4J_URI:
        services.missing("neo4j")
    from tests.conftest import _fresh_postgres_engine
    _fresh_postgres_engine().dispose()
    application = make_app(DATABASE_URL=services.POSTGRES_URL, NEO4J_URI=services.NEO4J_URI)
    body = application.test_client().get("/healthz").get_json()
    assert body["status"] == "ok"
    assert body["database"]["backend"] == "postgresql"
    assert body["graph"]["backend"] == "neo4j" and "5.26" in body["graph"]["server"]
