"""/explore/cypher: the analysts' read-only Cypher console, as a page and as JSON.

On the embedded graph the page is there (200) and explains that the console needs Neo4j: nothing the
analyst did is wrong, so the page itself is not an error. Running a query there is refused with 400,
like every query the console does not run.
"""

import socket

import pytest
from markupsafe import escape

from graph.console import NEEDS_NEO4J, WRITE_REFUSED
from records.db import transaction
from records.users import create_user
from tests import services
from tests.conftest import ADMIN_PASSWORD, ANALYST_PASSWORD, FACILITATOR_PASSWORD, AuthActions, csrf_token_from

URL = "/explore/cypher"
JSON = {"Accept": "application/json"}
MECHANISMS = "MATCH (m:Mechanism) RETURN count(m) AS n"


def _with_accounts(application):
    with application.app_context():
        from webapp.database import session_factory
        with transaction(session_factory()) as session:
            create_user(session, "admin", "admin", ADMIN_PASSWORD)
            create_user(session, "analyst", "analyst", ANALYST_PASSWORD)
            create_user(session, "facilitator", "facilitator", FACILITATOR_PASSWORD)
    return application


def _post_form(client, query: str):
    token = csrf_token_from(client.get(URL).text)
    return client.post(URL, data={"query": query, "csrf_token": token})


def _post_json(client, auth, body, **headers):
    return client.post(URL, json=body, headers={**JSON, "X-CSRFToken": auth.csrf_token(), **headers})


# -- on the embedded graph ---------------------------------------------------------------------------

def test_on_the_embedded_graph_the_page_explains_it_needs_neo4j(client, auth):
    auth.login("analyst", ANALYST_PASSWORD)
    page = client.get(URL)
    assert page.status_code == 200
    assert NEEDS_NEO4J in page.text and "<textarea" not in page.text
    assert 'href="/explore/"' in page.text

    refused = _post_form(client, MECHANISMS)
    assert refused.status_code == 400
    assert 'role="alert"' in refused.text and NEEDS_NEO4J in refused.text

    as_json = _post_json(client, auth, {"query": MECHANISMS})
    assert as_json.status_code == 400
    assert as_json.get_json() == {"error": {"status": 400, "message": NEEDS_NEO4J}}


def test_only_admins_and_analysts_may_use_the_console(app, client, auth):
    response = client.get(URL)
    assert response.status_code == 302 and "/auth/sign-in" in response.headers["Location"]
    assert client.get(URL, headers=JSON).status_code == 401
    auth.login("facilitator", FACILITATOR_PASSWORD)
    assert client.get(URL).status_code == 403
    assert _post_json(client, auth, {"query": MECHANISMS}).status_code == 403
    auth.logout()
    for username, password in (("analyst", ANALYST_PASSWORD), ("admin", ADMIN_PASSWORD)):
        other = app.test_client()
        AuthActions(other).login(username, password)
        assert other.get(URL).status_code == 200


def test_a_post_needs_the_csrf_token(client, auth):
    auth.login("analyst", ANALYST_PASSWORD)
    form = client.post(URL, data={"query": MECHANISMS})
    assert form.status_code == 400 and "security token" in form.text
    for headers in ({}, {"X-CSRFToken": "forged"}):
        response = client.post(URL, json={"query": MECHANISMS}, headers={**JSON, **headers})
        assert response.status_code == 400
        assert "security token" in response.get_json()["error"]["message"]


@pytest.mark.parametrize("body, message", [
    ([MECHANISMS], "JSON object"),
    ({"text": MECHANISMS}, '"query" string'),
    ({"query": MECHANISMS, "params": [1]}, '"params"'),
])
def test_a_malformed_json_request_gets_a_json_400(client, auth, body, message):
    auth.login("analyst", ANALYST_PASSWORD)
    response = _post_json(client, auth, body)
    assert response.status_code == 400 and message in response.get_json()["error"]["message"]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_graph_is_a_503(make_app):
    application = _with_accounts(make_app(NEO4J_URI=f"bolt://127.0.0.1:{_closed_port()}", GRAPH_RETRY_SECONDS=0.5))
    client = application.test_client()
    auth = AuthActions(client)
    auth.login("analyst", ANALYST_PASSWORD)
    page = client.get(URL)
    assert page.status_code == 200 and "<textarea" in page.text  # the form needs no server
    response = _post_form(client, MECHANISMS)
    assert response.status_code == 503
    assert 'role="alert"' in response.text and "unreachable" in response.text
    as_json = _post_json(client, auth, {"query": MECHANISMS})
    assert as_json.status_code == 503 and as_json.get_json()["error"]["status"] == 503


# -- on Neo4j ------------------------------------------------------------------------------------------

@pytest.fixture
def neo4j_app(make_app):
    """The app on Neo4j (an emptied database), with one account per role."""
    if not services.NEO4J_URI:
        services.missing("neo4j")
    from tests.conftest import _neo4j_store
    _neo4j_store().close()  # clears the graph, or skips (fails under CI=true) without a server
    return _with_accounts(make_app(NEO4J_URI=services.NEO4J_URI, CYPHER_CONSOLE_MAX_ROWS=5,
                                   CYPHER_CONSOLE_TIMEOUT_SECONDS=1))


@pytest.fixture
def analyst(neo4j_app):
    client = neo4j_app.test_client()
    auth = AuthActions(client)
    auth.login("analyst", ANALYST_PASSWORD)
    return client, auth


def _mechanism_count(client, auth) -> int:
    return _post_json(client, auth, {"query": MECHANISMS}).get_json()["rows"][0][0]


@pytest.mark.neo4j
def test_a_read_on_neo4j_as_a_page_and_as_json(analyst):
    from ontology.concepts import concept_index
    from ontology.vocab import Scheme
    client, auth = analyst
    expected = len(concept_index().concepts(Scheme.MECHANISM))

    page = _post_form(client, MECHANISMS)
    assert page.status_code == 200
    assert '<table class="data" id="console-results">' in page.text
    assert "<caption>1 row in " in page.text and f"<td>{expected}</td>" in page.text
    assert 'role="alert"' not in page.text

    response = _post_json(client, auth, {"query": "MATCH (m:Mechanism {key: $key}) RETURN m",
                                         "params": {"key": concept_index().concepts(Scheme.MECHANISM)[0].code}})
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"columns", "rows", "truncated", "elapsed_ms"}
    assert body["columns"] == ["m"] and body["truncated"] is False
    assert body["rows"][0][0]["labels"] == ["Mechanism"]


@pytest.mark.neo4j
def test_rows_past_the_limit_are_cut_off_with_a_note(analyst):
    client, auth = analyst
    page = _post_form(client, "UNWIND range(1, 20) AS x RETURN x")
    assert page.status_code == 200 and "<caption>The first 5 rows" in page.text
    body = _post_json(client, auth, {"query": "UNWIND range(1, 20) AS x RETURN x"}).get_json()
    assert body["rows"] == [[1], [2], [3], [4], [5]] and body["truncated"] is True


@pytest.mark.neo4j
@pytest.mark.parametrize("query", [
    "CREATE (m:Mechanism {key: 'invented'})",
    "MATCH (m:Mechanism) DETACH DELETE m",
    "MATCH (m:Mechanism) SET m.key = m.key + '-changed'",
])
def test_a_write_on_neo4j_is_refused_and_changes_nothing(analyst, query):
    client, auth = analyst
    before = _mechanism_count(client, auth)

    page = _post_form(client, query)
    assert page.status_code == 400
    assert 'role="alert"' in page.text and "This console only reads: CREATE, MERGE, SET, DELETE" in page.text
    assert f">{escape(query)}</textarea>" in page.text  # the query is kept for correcting

    response = _post_json(client, auth, {"query": query})
    assert response.status_code == 400
    assert response.get_json() == {"error": {"status": 400, "message": WRITE_REFUSED}}
    assert _mechanism_count(client, auth) == before
    changed = _post_json(client, auth, {"query": "MATCH (m:Mechanism) WHERE m.key ENDS WITH '-changed' "
                                                 "OR m.key = 'invented' RETURN count(m)"})
    assert changed.get_json()["rows"] == [[0]]


@pytest.mark.neo4j
def test_a_runaway_query_on_neo4j_is_stopped_with_a_message(analyst):
    client, auth = analyst
    response = _post_json(client, auth, {
        "query": "UNWIND range(1, 1000000000) AS x WITH x WHERE x % 7 = 3 RETURN count(*)"})
    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == "The query ran longer than 1 s and was stopped."


@pytest.mark.neo4j
def test_a_refused_or_broken_query_on_neo4j_is_a_400_with_the_reason(analyst):
    client, auth = analyst
    page = _post_form(client, "LOAD CSV FROM 'https://example.org/x.csv' AS line RETURN line")
    assert page.status_code == 400 and "LOAD CSV reads files" in page.text
    response = _post_json(client, auth, {"query": "MATCH (n RETURN n"})
    assert response.status_code == 400
    assert response.get_json()["error"]["message"].startswith("Invalid input")
    too_big = _post_json(client, auth, {"query": "RETURN $x AS x", "params": {"x": 2**70}})
    assert too_big.status_code == 400 and "cannot take" in too_big.get_json()["error"]["message"]
