"""Fixtures shared by every test: records on each backend, graph stores, the app and its users."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from graph.memory_store import MemoryStore
from records.db import make_engine, make_session_factory, transaction
from records.migrate import upgrade
from records.users import create_user
from tests import services

# -- records -------------------------------------------------------------------------------------


def _fresh_postgres_engine():
    if not services.POSTGRES_URL:
        services.missing("postgres")
    engine = make_engine(services.POSTGRES_URL)
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    except Exception as error:  # noqa: BLE001  (any failure to connect means the service is missing)
        engine.dispose()
        services.missing("postgres", str(error).splitlines()[0])
    return engine


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def bare_engine(request, tmp_path):
    """An empty database on each backend."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'records.db'}")
    else:
        engine = _fresh_postgres_engine()
    yield engine
    engine.dispose()


@pytest.fixture
def engine(bare_engine):
    """A migrated database on each backend."""
    upgrade(bare_engine)
    return bare_engine


@pytest.fixture
def session_factory(engine):
    return make_session_factory(engine)


# -- graph ---------------------------------------------------------------------------------------


def _neo4j_store():
    from graph.errors import GraphError
    from graph.neo4j_store import Neo4jStore

    if not services.NEO4J_URI:
        services.missing("neo4j")
    store = Neo4jStore(services.NEO4J_URI)
    try:
        store.create_schema()
        store.clear()
    except GraphError as error:
        store.close()
        services.missing("neo4j", str(error).splitlines()[0])
    return store


@pytest.fixture(params=["memory", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request):
    """An empty graph store on each backend; the contract tests run on both."""
    graph_store = MemoryStore() if request.param == "memory" else _neo4j_store()
    yield graph_store
    graph_store.close()


@pytest.fixture
def make_store(request):
    """A factory for further empty stores of the same backend as `store` (for comparisons)."""
    made = []

    def factory(backend: str):
        graph_store = MemoryStore() if backend == "memory" else _neo4j_store()
        made.append(graph_store)
        return graph_store

    yield factory
    for graph_store in made:
        graph_store.close()


@pytest.fixture
def evidence_graph(session_factory, store):
    """The demo content (practices and the evidence base) projected into each backend."""
    from graph.projector import initialise_graph, project_pending
    from records.demo import load_demo_content

    load_demo_content(session_factory)
    initialise_graph(store)
    project_pending(session_factory, store)
    return store


@pytest.fixture
def reference_graph(session_factory, evidence_graph, make_store):
    """The same evidence in the embedded store, to compare the answers of each backend with."""
    from graph.projector import initialise_graph, project_pending

    reference = make_store("memory")
    initialise_graph(reference)
    project_pending(session_factory, reference)
    return reference


# -- web app -------------------------------------------------------------------------------------

ADMIN_PASSWORD = "admin-password-for-tests"
ANALYST_PASSWORD = "analyst-password-for-tests"
FACILITATOR_PASSWORD = "facilitator-password-for-tests"


@pytest.fixture
def app_config(tmp_path):
    """The configuration of the app under test; tests may change it before `app` is built."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
        "NEO4J_URI": None,
        "RATELIMIT_ENABLED": False,
    }


@pytest.fixture
def make_app(app_config):
    """Builds apps from `app_config` plus overrides, migrated unless told not to; closes them after."""
    from webapp import create_app
    from webapp.graph_access import close_store

    made = []

    def factory(migrate: bool = True, **overrides):
        application = create_app(app_config | overrides)
        if migrate:
            with application.app_context():
                from webapp.database import engine
                upgrade(engine())
        made.append(application)
        return application

    yield factory
    for application in made:
        close_store(application)
        with application.app_context():
            from webapp.database import engine
            engine().dispose()


@pytest.fixture
def app(make_app):
    """The app on the embedded default, with one account per role."""
    application = make_app()
    with application.app_context():
        from webapp.database import session_factory
        with transaction(session_factory()) as session:
            create_user(session, "admin", "admin", ADMIN_PASSWORD, display_name="Ada Admin")
            create_user(session, "analyst", "analyst", ANALYST_PASSWORD)
            create_user(session, "facilitator", "facilitator", FACILITATOR_PASSWORD)
    return application


def csrf_token_from(html: str) -> str:
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', html)
    match = re.search(r'value="([^"]+)"', tag.group(0)) if tag else re.search(
        r'name="csrf-token" content="([^"]+)"', html)
    assert match, "the page carries no CSRF token"
    return match.group(1)


class AuthActions:
    def __init__(self, client) -> None:
        self._client = client

    def login(self, username: str = "admin", password: str = ADMIN_PASSWORD):
        page = self._client.get("/auth/sign-in")
        return self._client.post("/auth/sign-in", data={
            "username": username, "password": password, "csrf_token": csrf_token_from(page.text)})

    def logout(self):
        page = self._client.get("/")
        return self._client.post("/auth/sign-out", data={"csrf_token": csrf_token_from(page.text)})

    def csrf_token(self) -> str:
        return self._client.get("/api/session").get_json()["csrf_token"]


@pytest.fixture
def client(app):
    """A browser-like client. pytest-flask's own keeps its last request context pushed, so a
    second client in the same test would share it (and its signed-in user)."""
    return app.test_client()


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture(autouse=True)
def _push_request_context():
    """Replaces pytest-flask's fixture of this name, which holds one request context open for the
    whole test: every request would then share `g`, so a sign-out or a deactivation would not be
    seen by the next request as it is in a real browser session."""
    yield
