"""The analysts' Cypher console: reads only, within a time and a row limit; everything else is refused
with a clear message and leaves the graph as it was."""

import json
import socket
import time

import pytest

from graph.console import NEEDS_NEO4J, WRITE_REFUSED, ConsoleRefused, check_query, json_value, run_read_only
from graph.errors import GraphUnavailable
from graph.projector import initialise_graph
from ontology.concepts import concept_index
from ontology.vocab import CONCEPT_LABELS, NodeLabel, Scheme

# Tests that need Cypher run on the Neo4j store only; the memory store's answer is its own test.
ON_NEO4J = pytest.mark.parametrize("store", [pytest.param("neo4j", marks=pytest.mark.neo4j)], indirect=True)

RUNAWAY = "UNWIND range(1, 1000000000) AS x WITH x WHERE x % 7 = 3 RETURN count(*) AS n"
CONCEPT_COUNT = "MATCH (n) WHERE NOT n:AlmpoProjectorCheckpoint RETURN count(n) AS n"


@pytest.fixture
def concepts(store):
    initialise_graph(store)
    return store


def _snapshot(store) -> tuple:
    """What a write could change, read without the console."""
    return store.counts(), store.nodes(NodeLabel.MECHANISM)


def _concepts_in_vocabulary() -> int:
    index = concept_index()
    return sum(len(index.concepts(scheme)) for scheme in CONCEPT_LABELS)


def test_the_console_runs_only_on_neo4j(concepts):
    if concepts.backend == "memory":
        with pytest.raises(ConsoleRefused, match="needs the Neo4j backend") as refused:
            run_read_only(concepts, CONCEPT_COUNT)
        assert str(refused.value) == NEEDS_NEO4J and refused.value.reason == "backend"
    else:
        result = run_read_only(concepts, CONCEPT_COUNT)
        assert result.columns == ["n"] and result.rows == [[_concepts_in_vocabulary()]]


@ON_NEO4J
def test_a_read_returns_columns_and_rows(concepts):
    result = run_read_only(concepts, "MATCH (m:Mechanism) RETURN m.key AS key, m.label_en AS label ORDER BY key")
    mechanisms = concept_index().concepts(Scheme.MECHANISM)
    assert result.columns == ["key", "label"]
    assert [row[0] for row in result.rows] == sorted(c.code for c in mechanisms)
    assert not result.truncated and result.elapsed_ms > 0
    assert result.summary.startswith(f"{len(mechanisms)} rows in ")


@ON_NEO4J
def test_parameters_are_passed(concepts):
    result = run_read_only(concepts, "MATCH (m:Mechanism {key: $key}) RETURN m.key AS key",
                           params={"key": concept_index().concepts(Scheme.MECHANISM)[0].code})
    assert len(result.rows) == 1
    with pytest.raises(ConsoleRefused, match="Expected parameter"):
        run_read_only(concepts, "RETURN $missing AS x")
    for value in (2**70, {1, 2}, object()):
        with pytest.raises(ConsoleRefused, match="A parameter has a value Neo4j cannot take") as refused:
            run_read_only(concepts, "RETURN $x AS x", params={"x": value})
        assert refused.value.reason == "parameters"
    assert run_read_only(concepts, "RETURN $x AS x", params={"x": 2**62}).rows == [[2**62]]


@ON_NEO4J
@pytest.mark.parametrize("query", [
    "CREATE (n:Mechanism {key: 'invented'}) RETURN n",
    "MERGE (n:Mechanism {key: 'invented'})",
    "MATCH (m:Mechanism) SET m.label_en = 'changed'",
    "MATCH (m:Mechanism) REMOVE m.label_en",
    "MATCH (n) DETACH DELETE n",
    "MATCH ()-[r]->() DELETE r",
    "CREATE INDEX invented IF NOT EXISTS FOR (n:Mechanism) ON (n.label_en)",
    "CALL db.createLabel('Invented')",
])
def test_a_write_is_refused_and_changes_nothing(concepts, query):
    before = _snapshot(concepts)
    with pytest.raises(ConsoleRefused) as refused:
        run_read_only(concepts, query)
    assert str(refused.value) == WRITE_REFUSED and refused.value.reason == "write"
    assert _snapshot(concepts) == before


@ON_NEO4J
def test_a_runaway_query_is_stopped_at_the_time_limit(concepts):
    started = time.monotonic()
    with pytest.raises(ConsoleRefused) as refused:
        run_read_only(concepts, RUNAWAY, timeout_seconds=1)
    assert str(refused.value) == "The query ran longer than 1 s and was stopped."
    assert refused.value.reason == "timeout"
    # The server checks transaction deadlines every couple of seconds.
    assert time.monotonic() - started < 8
    # The session is not left unusable.
    assert run_read_only(concepts, "RETURN 1 AS one").rows == [[1]]


@ON_NEO4J
def test_rows_beyond_the_limit_are_cut_off(concepts):
    cut = run_read_only(concepts, "UNWIND range(1, 25) AS x RETURN x", max_rows=10)
    assert cut.rows == [[x] for x in range(1, 11)] and cut.truncated
    assert cut.summary.startswith("The first 10 rows") and "found more" in cut.summary
    exact = run_read_only(concepts, "UNWIND range(1, 10) AS x RETURN x", max_rows=10)
    assert len(exact.rows) == 10 and not exact.truncated
    # A query that streams without end is cut off too, without waiting for it.
    endless = run_read_only(concepts, "UNWIND range(1, 1000000000) AS x RETURN x", max_rows=1000)
    assert len(endless.rows) == 1000 and endless.truncated


@ON_NEO4J
@pytest.mark.parametrize("query, reason", [
    ("RETURN 1; RETURN 2", "statements"),
    ("LOAD CSV FROM 'https://example.org/data.csv' AS line RETURN line", "load_csv"),
    ("CALL dbms.listConfig() YIELD name RETURN name", "admin"),
    ("CALL dbms.components()", "admin"),
    ("SHOW SETTINGS", "admin"),
    ("SHOW TRANSACTIONS", "admin"),
    ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", "admin"),
    ("CREATE USER intruder SET PASSWORD 'secret-password'", "admin"),
    ("USE system SHOW USERS", "use"),
    ("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10 ROWS", "in_transactions"),
    ("", "empty"),
    ("x" * 10_001, "too_long"),
])
def test_queries_outside_the_rules_are_refused_before_running(concepts, query, reason):
    before = _snapshot(concepts)
    with pytest.raises(ConsoleRefused) as refused:
        run_read_only(concepts, query)
    assert refused.value.reason == reason
    assert _snapshot(concepts) == before


@ON_NEO4J
def test_a_syntax_error_gives_neo4js_message(concepts):
    with pytest.raises(ConsoleRefused) as refused:
        run_read_only(concepts, "MATCH (n RETURN n")
    message = str(refused.value)
    assert message.startswith("Invalid input 'RETURN'") and "\n" not in message
    assert refused.value.reason == "cypher"


@ON_NEO4J
def test_graph_values_become_json(concepts):
    result = run_read_only(concepts, """
        MATCH p = (a:Region)-[r:BROADER]->(b:Region) WITH p, a, r LIMIT 1
        RETURN a, r, p, date('2024-03-01') AS day, datetime('2024-03-01T10:30:00Z') AS moment,
               duration('P1DT2H') AS span, point({x: 1.5, y: 2}) AS flat,
               point({longitude: 4.35, latitude: 50.85}) AS brussels, 0.0 / 0.0 AS nan, [1, {a: null}] AS nested
    """)
    node, rel, path, day, moment, span, flat, brussels, nan, nested = result.rows[0]
    assert node["labels"] == ["Region"] and node["properties"]["key"]
    assert set(node) == {"id", "labels", "properties"}
    assert rel["type"] == "BROADER" and rel["start"] == node["id"] and rel["properties"] == {}
    assert [n["id"] for n in path["nodes"]][0] == node["id"] and path["relationships"][0]["id"] == rel["id"]
    assert day == "2024-03-01" and moment.startswith("2024-03-01T10:30:00") and span == "P1DT2H"
    assert flat == {"type": "Point", "srid": 7203, "coordinates": [1.5, 2.0]}
    assert brussels["srid"] == 4326 and brussels["coordinates"] == [4.35, 50.85]
    assert nan == "NaN" and nested == [1, {"a": None}]
    json.dumps(result.rows, allow_nan=False)


def test_values_without_a_server():
    assert json_value(b"\x00\xff") == "AP8="
    assert json_value(float("-inf")) == "-Infinity"
    assert json_value((1, "a", None, True)) == [1, "a", None, True]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_server_is_reported_as_unavailable():
    from graph.neo4j_store import Neo4jStore
    store = Neo4jStore(f"bolt://127.0.0.1:{_closed_port()}", retry_seconds=0.5)
    try:
        with pytest.raises(GraphUnavailable, match="unreachable"):
            run_read_only(store, "RETURN 1")
    finally:
        store.close()


# -- the checks made before a query runs (no server needed) ---------------------------------------

@pytest.mark.parametrize("query, reason", [
    ("   \n ", "empty"),
    ("// only a comment\n/* and another */", "empty"),
    ("MATCH (n) RETURN n; MATCH (m) RETURN m", "statements"),
    ("RETURN 1;;", "statements"),
    ("load /* hidden */ csv from 'file:///etc/passwd' as line return line", "load_csv"),
    ("MATCH (n) // a comment\u2028LOAD CSV FROM 'https://example.org' AS l RETURN l", "load_csv"),
    ("CALL `dbms`.`listConfig`()", "admin"),
    ("call DBMS.security.listUsers()", "admin"),
    ("MATCH (n) CALL { CALL dbms.listConfig() YIELD name RETURN name } RETURN name", "admin"),
    ("SHOW CURRENT USER", "admin"),
    ("SHOW DATABASES", "admin"),
    ("SHOW TRANSACTIONS YIELD transactionId TERMINATE TRANSACTIONS transactionId", "admin"),
    ("GRANT ROLE reader TO analyst", "admin"),
    ("CREATE OR REPLACE DATABASE other", "admin"),
    ("ALTER CURRENT USER SET PASSWORD FROM 'a' TO 'b'", "admin"),
    ("STOP DATABASE neo4j", "admin"),
    ("USE `other` MATCH (n) RETURN n", "use"),
    ("EXPLAIN USE other MATCH (n) RETURN n", "use"),
    ("CYPHER 5 runtime=slotted PROFILE USE other MATCH (n) RETURN n", "use"),
    ("CYPHER 5 SHOW SETTINGS", "admin"),
    ("CALL { USE other MATCH (n) RETURN n } RETURN n", "use"),
    ("MATCH (n) RETURN n UNION ALL USE other MATCH (n) RETURN n", "use"),
    ("CALL { MATCH (n) RETURN n } IN TRANSACTIONS RETURN n", "in_transactions"),
    ("CALL (x) { RETURN 1 AS y } IN 4 CONCURRENT TRANSACTIONS OF 10 ROWS RETURN y", "in_transactions"),
])
def test_the_rules(query, reason):
    with pytest.raises(ConsoleRefused) as refused:
        check_query(query)
    assert refused.value.reason == reason


@pytest.mark.parametrize("query, sent", [
    ("RETURN 1;", "RETURN 1"),
    ("RETURN 1; // done", "RETURN 1"),
    ("RETURN 'LOAD CSV; USE other' AS text", None),
    ("RETURN 'it\\'s; fine' AS text", None),
    ("MATCH (n) RETURN n // ; RETURN 2", None),
    ("MATCH (use) RETURN use", None),
    ("WITH 1 AS use RETURN DISTINCT use", None),
    ("WITH [1] AS transactions UNWIND transactions AS t WITH t WHERE t IN transactions RETURN t", None),
    ("MATCH (user:Practice) RETURN user", None),
    ("CREATE (user:Practice)", None),
    ("CALL db.labels()", None),
    ("CALL (n) { RETURN 1 AS one } RETURN one", None),
    ("SHOW INDEXES", None),
    ("SHOW ALL CONSTRAINTS YIELD *", None),
    ("SHOW PROCEDURES EXECUTABLE BY CURRENT USER", None),
    ("SHOW USER DEFINED FUNCTIONS", None),
    ("CYPHER 5 EXPLAIN MATCH (n) RETURN n", None),
])
def test_queries_within_the_rules_are_sent(query, sent):
    # A write such as CREATE passes here: the read transaction is what refuses it.
    assert check_query(query) == (sent if sent is not None else query)
