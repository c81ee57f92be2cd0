"""A read-only Cypher console for analysts, on the Neo4j backend.

The server enforces the read-only rule: every query runs in a READ transaction, which Neo4j refuses
to let write, with a server-side time limit. Before that, a few things a read transaction would
still allow are refused here: reading files or web addresses (LOAD CSV), switching database (USE),
administering the server (dbms.* procedures, SHOW SETTINGS, TERMINATE TRANSACTIONS and the like)
and batched transactions. Results are capped at a number of rows and turned into JSON-friendly
values.
"""

from __future__ import annotations

import base64
import math
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from neo4j import READ_ACCESS
from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired
from neo4j.graph import Node, Path, Relationship
from neo4j.spatial import Point

from graph.errors import GraphError, GraphUnavailable
from graph.neo4j_store import Neo4jStore
from graph.store import GraphStore

__all__ = ["MAX_QUERY_LENGTH", "ConsoleRefused", "ConsoleResult", "check_query", "json_value", "run_read_only"]

MAX_QUERY_LENGTH = 10_000
WRITE_REFUSED = "This console only reads: CREATE, MERGE, SET, DELETE and REMOVE are refused."
NEEDS_NEO4J = "The Cypher console needs the Neo4j backend (set ALMPO_NEO4J_URI)."

# Schema writes and admin commands that write to the system database end in the same error code.
_ACCESS_MODE = "Neo.ClientError.Statement.AccessMode"
_TIMED_OUT = ("TransactionTimedOut", "TransactionTimedOutClientConfiguration")

# SHOW commands that describe the graph's schema and the Cypher available; the others (users,
# roles, privileges, databases, servers, aliases, settings, transactions) administer the server.
_SHOWABLE = {"INDEX", "INDEXES", "CONSTRAINT", "CONSTRAINTS", "PROCEDURE", "PROCEDURES",
             "FUNCTION", "FUNCTIONS"}
_SHOW_ENDS = {"YIELD", "WHERE", "EXECUTABLE", "RETURN"}
_ADMIN_VERBS = {"GRANT", "DENY", "REVOKE", "START", "STOP", "ALTER", "RENAME", "ENABLE", "DEALLOCATE",
                "REALLOCATE", "DRYRUN", "TERMINATE"}
_ADMIN_OBJECTS = {"USER", "USERS", "ROLE", "ROLES", "DATABASE", "DATABASES", "ALIAS", "ALIASES",
                  "SERVER", "SERVERS", "COMPOSITE", "PRIVILEGE", "PRIVILEGES"}
_ADMIN_PROCEDURES = ("dbms.",)


class ConsoleRefused(GraphError):
    """A console query that was not run, or that Neo4j stopped; the message says why for the analyst.

    `reason` names the rule for callers that need to tell the cases apart: "backend", "empty",
    "too_long", "statements", "admin", "load_csv", "use", "in_transactions", "write", "timeout",
    "memory", "parameters" or "cypher" (Neo4j's own objection: syntax, types, a missing parameter).
    """

    def __init__(self, message: str, reason: str = "cypher") -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class ConsoleResult:
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool
    elapsed_ms: float
    summary: str


def run_read_only(store: GraphStore, query: str, *, params: dict | None = None, timeout_seconds: float = 10,
                  max_rows: int = 1000) -> ConsoleResult:
    """Run one analyst's Cypher query in a read transaction; at most `max_rows` rows come back.

    Raises `ConsoleRefused` for a query that breaks a rule, is refused by Neo4j (a write, bad syntax)
    or runs past `timeout_seconds`; `GraphUnavailable` when the server cannot be reached.
    """
    if not isinstance(store, Neo4jStore):
        raise ConsoleRefused(NEEDS_NEO4J, "backend")
    if timeout_seconds <= 0 or max_rows < 1:
        raise ValueError("timeout_seconds must be positive and max_rows at least 1")
    if params is not None and not isinstance(params, dict):
        raise ConsoleRefused("Parameters must be a map of names to values.", "parameters")
    text = check_query(query)
    # The store keeps its driver and database private: nothing else in the platform may run free
    # Cypher on it. The console is the one sanctioned exception and reads them directly rather than
    # widening the store's interface for every caller.
    driver, database = store._driver, store._database
    started = time.perf_counter()
    try:
        # A READ session makes the server refuse every write; fetching max_rows + 1 records in one
        # pull is enough to know whether there were more, without streaming the rest.
        with driver.session(database=database, default_access_mode=READ_ACCESS,
                            fetch_size=max_rows + 1) as session:
            # An explicit transaction, not a transaction function: a query that timed out must not be
            # retried by the driver.
            transaction = session.begin_transaction(timeout=timeout_seconds,
                                                    metadata={"app": "almpo-cypher-console"})
            try:
                try:
                    result = transaction.run(text, params or {})
                except (TypeError, ValueError, OverflowError) as error:
                    # The driver checks parameter values as it sends them.
                    raise ConsoleRefused(f"A parameter has a value Neo4j cannot take: {error}",
                                         "parameters") from error
                columns = list(result.keys())
                records = []
                for record in result:
                    records.append(record)
                    if len(records) > max_rows:
                        break
            finally:
                # Rolls back: a read transaction has nothing to keep, and any rows not fetched are
                # dropped on the server.
                transaction.close()
    except (ServiceUnavailable, SessionExpired, AuthError) as error:
        raise GraphUnavailable(f"Neo4j is unreachable: {error}") from error
    except Neo4jError as error:
        raise _translated(error, timeout_seconds) from error
    except DriverError as error:
        raise GraphUnavailable(f"Neo4j could not run the query: {error}") from error
    elapsed_ms = (time.perf_counter() - started) * 1000
    truncated = len(records) > max_rows
    rows = [[json_value(value) for value in record.values()] for record in records[:max_rows]]
    return ConsoleResult(columns=columns, rows=rows, truncated=truncated, elapsed_ms=round(elapsed_ms, 1),
                         summary=_summary(len(rows), truncated, elapsed_ms))


def _summary(count: int, truncated: bool, elapsed_ms: float) -> str:
    took = f"{elapsed_ms:.0f} ms"
    if truncated:
        return f"The first {count} rows, in {took}; the query found more."
    return f"{count} row{'' if count == 1 else 's'} in {took}."


def _seconds(value: float) -> str:
    return f"{value:g}"


def _first_line(message: str | None) -> str:
    lines = [line.strip() for line in (message or "").splitlines() if line.strip()]
    return lines[0] if lines else "Neo4j refused the query."


def _translated(error: Neo4jError, timeout_seconds: float) -> GraphError:
    code = error.code or ""
    name = code.rsplit(".", 1)[-1]
    if code == _ACCESS_MODE:
        return ConsoleRefused(WRITE_REFUSED, "write")
    if name in _TIMED_OUT:
        return ConsoleRefused(f"The query ran longer than {_seconds(timeout_seconds)} s and was stopped.", "timeout")
    if "Memory" in name:
        return ConsoleRefused("The query needed more memory than the server allows and was stopped.", "memory")
    if code.startswith("Neo.ClientError.Database.") or code.startswith("Neo.ClientError.Security."):
        # A missing database or a login problem is the platform's configuration, not the query.
        return GraphUnavailable(f"Neo4j cannot serve the console: {_first_line(error.message)}")
    if code.startswith("Neo.ClientError."):
        return ConsoleRefused(_first_line(error.message), "cypher")
    return GraphError(f"Neo4j could not run the query: {_first_line(error.message)}")


# -- checks before running -------------------------------------------------------------------------

@dataclass(frozen=True)
class _Token:
    kind: str  # "word", "name" (a `quoted` name), "string", "number", "param" or "symbol"
    text: str

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and self.text.upper() in words


_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<line_comment>//[^\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]*)
  | (?P<block_comment>/\*.*?(?:\*/|\Z))
  | (?P<string>'(?:[^'\\]|\\.)*(?:'|\Z)|"(?:[^"\\]|\\.)*(?:"|\Z))
  | (?P<name>`(?:[^`]|``)*(?:`|\Z))
  | (?P<param>\$(?:\w+|`(?:[^`]|``)*`))
  | (?P<number>\d[\w.]*)
  | (?P<word>\w+)
  | (?P<symbol>.)
""", re.VERBOSE | re.DOTALL)


def _tokens(query: str) -> Iterator[_Token]:
    """Cypher's tokens, without whitespace and comments. Only as precise as the checks need: strings,
    quoted names and comments must not be read as keywords, and keywords must not hide in them."""
    for match in _TOKEN.finditer(query):
        kind = match.lastgroup
        if kind in ("space", "line_comment", "block_comment"):
            continue
        text = match.group()
        if kind == "name":
            text = text[1:-1].replace("``", "`") if len(text) > 1 and text.endswith("`") else text[1:]
        yield _Token(kind, text)


def check_query(query: str) -> str:
    """The query to send, or `ConsoleRefused` saying which rule it breaks."""
    if not isinstance(query, str) or not query.strip():
        raise ConsoleRefused("Type a Cypher query to run.", "empty")
    if len(query) > MAX_QUERY_LENGTH:
        raise ConsoleRefused(f"The query is longer than {MAX_QUERY_LENGTH:,} characters; shorten it.", "too_long")
    tokens = list(_tokens(query))
    if not tokens:
        raise ConsoleRefused("Type a Cypher query to run.", "empty")
    text = query.strip()
    for n, token in enumerate(tokens):
        if token.kind == "symbol" and token.text == ";":
            if n < len(tokens) - 1:
                raise ConsoleRefused("Run one statement at a time: the console takes a single query "
                                     "(a final semicolon is fine).", "statements")
            # Neo4j takes one final semicolon, but not after a trailing comment: send the text before it.
            text = query[:_semicolon_offset(query)].strip()
    start = _statement_start(tokens)
    _check_admin(tokens[start:])
    for n, token in enumerate(tokens):
        after = tokens[n + 1:n + 6]
        if token.is_word("LOAD") and after and after[0].is_word("CSV"):
            raise ConsoleRefused("LOAD CSV reads files and web addresses; the console only reads the graph.",
                                 "load_csv")
        if token.is_word("CALL") and _procedure_name(after).lower().startswith(_ADMIN_PROCEDURES):
            raise ConsoleRefused("The dbms.* procedures administer the server; the console does not run them.",
                                 "admin")
        if token.is_word("USE") and _at_clause_start(tokens, n, start) and after and after[0].kind in ("word", "name"):
            raise ConsoleRefused("USE picks another database; the console reads only the platform's graph, "
                                 "so leave USE out.", "use")
        # `} IN TRANSACTIONS` or `IN [n] CONCURRENT TRANSACTIONS`; a list named `transactions` is fine.
        after_brace = n > 0 and tokens[n - 1].kind == "symbol" and tokens[n - 1].text == "}"
        if after and after[0].is_word("TRANSACTIONS") and (
                token.is_word("CONCURRENT") or token.is_word("IN") and after_brace):
            raise ConsoleRefused("CALL { ... } IN TRANSACTIONS is for batched writes; the console does not run it.",
                                 "in_transactions")
        if token.is_word("TERMINATE") and after and after[0].is_word("TRANSACTION", "TRANSACTIONS"):
            raise _admin_refusal()
    return text


def _semicolon_offset(query: str) -> int:
    offset = 0
    for match in _TOKEN.finditer(query):
        if match.lastgroup == "symbol" and match.group() == ";":
            offset = match.start()
    return offset


def _admin_refusal() -> ConsoleRefused:
    return ConsoleRefused("Administration commands (users, roles, privileges, databases, servers, settings, "
                          "transactions) are not run from this console.", "admin")


def _statement_start(tokens: list[_Token]) -> int:
    """Where the statement begins after its prefixes: EXPLAIN, PROFILE and `CYPHER [version] [option=value ...]`."""
    n = 0
    while n < len(tokens):
        if tokens[n].is_word("EXPLAIN", "PROFILE"):
            n += 1
        elif tokens[n].is_word("CYPHER"):
            n += 1
            if n < len(tokens) and tokens[n].kind == "number":
                n += 1
            while n + 2 < len(tokens) and tokens[n].kind == "word" and tokens[n + 1].text == "=":
                n += 3
        else:
            break
    return n


def _check_admin(tokens: list[_Token]) -> None:
    # Administration commands stand alone, so their first word tells them apart (USE before one is
    # refused on its own).
    if not tokens:
        return
    first = tokens[0]
    rest = tokens[1:]
    if first.is_word(*_ADMIN_VERBS):
        raise _admin_refusal()
    if first.is_word("CREATE", "DROP"):
        words = []
        for token in rest[:3]:
            if token.kind != "word":
                break
            words.append(token.text.upper())
        if words[:1] == ["OR"]:
            words = words[2:]
        if words and words[0] in _ADMIN_OBJECTS:
            raise _admin_refusal()
    if first.is_word("SHOW"):
        subject = []
        for token in rest:
            if token.kind != "word" or token.text.upper() in _SHOW_ENDS:
                break
            subject.append(token.text.upper())
        if not subject or subject[-1] not in _SHOWABLE:
            raise _admin_refusal()


def _procedure_name(tokens: list[_Token]) -> str:
    """The dotted name after CALL (empty for a subquery `CALL {` or `CALL (x) {`)."""
    parts = []
    for token in tokens:
        if token.kind in ("word", "name") and (not parts or parts[-1] == "."):
            parts.append(token.text)
        elif token.kind == "symbol" and token.text == "." and parts and parts[-1] != ".":
            parts.append(".")
        else:
            break
    return "".join(parts)


def _at_clause_start(tokens: list[_Token], n: int, start: int) -> bool:
    """USE is a clause only at the start of a query (after its prefixes), of a subquery or of a UNION part."""
    if n <= start:
        return True
    previous = tokens[n - 1]
    if previous.kind == "symbol" and previous.text == "{":
        return True
    if previous.is_word("UNION"):
        return True
    return previous.is_word("ALL", "DISTINCT") and n > 1 and tokens[n - 2].is_word("UNION")


# -- values ----------------------------------------------------------------------------------------

def json_value(value: Any) -> Any:
    """A value from Neo4j as JSON can carry it.

    Nodes become {"id", "labels", "properties"}, relationships {"id", "type", "start", "end",
    "properties"} with the element ids of their nodes (Neo4j sends a relationship's end nodes as ids
    only unless the query returns them too), paths {"nodes", "relationships"}; temporal values
    their ISO 8601 text, points {"type": "Point", "srid", "coordinates"}, bytes base64 text, and
    floats that JSON lacks ("NaN", "Infinity", "-Infinity") text.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, Node):
        return {"id": value.element_id, "labels": sorted(value.labels),
                "properties": {key: json_value(item) for key, item in sorted(value.items())}}
    if isinstance(value, Relationship):
        return {"id": value.element_id, "type": value.type,
                "start": value.start_node.element_id if value.start_node is not None else None,
                "end": value.end_node.element_id if value.end_node is not None else None,
                "properties": {key: json_value(item) for key, item in sorted(value.items())}}
    if isinstance(value, Path):
        return {"nodes": [json_value(node) for node in value.nodes],
                "relationships": [json_value(rel) for rel in value.relationships]}
    if isinstance(value, Point):
        return {"type": "Point", "srid": value.srid, "coordinates": [json_value(c) for c in value]}
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    # Before lists: neo4j.time's Duration is a tuple. Date, Time, DateTime and Duration all have it.
    iso_format = getattr(value, "iso_format", None)
    if callable(iso_format):
        return iso_format()
    if isinstance(value, dict):
        return {str(key): json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
