"""The production graph store: Neo4j over Bolt with the official driver.

Cypher lives in module constants next to the code that runs it. Labels and relationship types are
formatted in only from `ontology.vocab` enums (checked by `validate_change`); every value is a
`$parameter`. Writes of one `apply` run in one transaction, batched with UNWIND.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from neo4j import GraphDatabase, RoutingControl
from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired

from graph.errors import BrokenReference, GraphError, GraphUnavailable
from graph.store import (
    NO_CHECKPOINT,
    Checkpoint,
    DeleteNode,
    DeleteRelationship,
    GraphChange,
    GraphStore,
    MergeNode,
    MergeRelationship,
    NodeRef,
    Relationship,
    Subgraph,
    validate_change,
)
from ontology.vocab import CHECKPOINT_LABEL, KEY_PROPERTY, NodeLabel, RelType

__all__ = ["Neo4jStore"]

CREATE_KEY_CONSTRAINT = (
    "CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{label}) REQUIRE n.{key} IS UNIQUE")
MERGE_NODES = "UNWIND $rows AS row MERGE (n:{label} {{key: row.key}}) SET n += row.props"
MERGE_RELATIONSHIPS = """
UNWIND $rows AS row
MATCH (a:{start} {{key: row.start}})
MATCH (b:{end} {{key: row.end}})
MERGE (a)-[r:{type}]->(b)
SET r += row.props
RETURN count(r) AS merged
"""
DELETE_NODES = "UNWIND $keys AS k MATCH (n:{label} {{key: k}}) DETACH DELETE n"
DELETE_RELATIONSHIPS = """
UNWIND $rows AS row
MATCH (:{start} {{key: row.start}})-[r:{type}]->(:{end} {{key: row.end}})
DELETE r
"""
# The checkpoint only moves forward: (transaction, event) pairs compare transaction first.
SET_CHECKPOINT = f"""
MERGE (c:{CHECKPOINT_LABEL} {{name: 'outbox'}})
WITH c, coalesce(c.last_transaction_id, 0) AS t, coalesce(c.last_event_id, 0) AS e
WITH c, t > $transaction OR (t = $transaction AND e > $id) AS ahead
SET c.last_transaction_id = CASE WHEN ahead THEN c.last_transaction_id ELSE $transaction END,
    c.last_event_id = CASE WHEN ahead THEN c.last_event_id ELSE $id END
"""
GET_CHECKPOINT = (f"MATCH (c:{CHECKPOINT_LABEL} {{name: 'outbox'}}) "
                  "RETURN coalesce(c.last_transaction_id, 0) AS transaction, coalesce(c.last_event_id, 0) AS id")
# Every write moves the generation; a cleared graph starts a new epoch. Caches of the graph compare both.
BUMP_GENERATION = f"""
MERGE (c:{CHECKPOINT_LABEL} {{name: 'outbox'}})
ON CREATE SET c.epoch = randomUUID()
SET c.epoch = coalesce(c.epoch, randomUUID()), c.generation = coalesce(c.generation, 0) + 1
"""
GET_GENERATION = f"MATCH (c:{CHECKPOINT_LABEL} {{name: 'outbox'}}) RETURN c.epoch AS epoch, c.generation AS generation"
# In bulk: a few long lists decode many times faster than a record per configuration.
CONFIGURATIONS_IN_BULK = """
MATCH (c:Configuration)
RETURN collect(c.key) AS keys, collect(c.programme_type) AS programme_types, collect(c.mechanism) AS mechanisms,
       collect(c.status) AS statuses
"""
CONTEXT_LINKS = """
MATCH (c:Configuration)-[r:FOR_TARGET_GROUP|IN_REGION|IN_UNEMPLOYMENT_BAND|FOR_SKILL_LEVEL|IN_CYCLE_PHASE]->(n)
RETURN type(r) AS rel, n.key AS code, collect(c.key) AS keys
"""
GET_NODE = "MATCH (n:{label} {{key: $key}}) RETURN properties(n) AS props"
GET_NODES = "MATCH (n:{label}) RETURN properties(n) AS props ORDER BY n.key"
GET_RELATIONSHIPS = """
MATCH (a)-[r{type}]->(b)
WHERE ($start_label IS NULL OR $start_label IN labels(a)) AND ($start_key IS NULL OR a.key = $start_key)
  AND ($end_label IS NULL OR $end_label IN labels(b)) AND ($end_key IS NULL OR b.key = $end_key)
RETURN type(r) AS type, labels(a)[0] AS start_label, a.key AS start_key,
       labels(b)[0] AS end_label, b.key AS end_key, properties(r) AS props
"""
NEIGHBOURS = """
UNWIND $frontier AS item
MATCH (a {key: item.key})-[]-(b)
WHERE item.label IN labels(a)
RETURN DISTINCT labels(b)[0] AS label, b.key AS key, properties(b) AS props
"""
RELATIONSHIPS_AMONG = """
UNWIND $refs AS item
MATCH (a {key: item.key})-[r]->(b)
WHERE item.label IN labels(a)
RETURN type(r) AS type, labels(a)[0] AS start_label, a.key AS start_key,
       labels(b)[0] AS end_label, b.key AS end_key, properties(r) AS props
"""
COUNT_NODES = f"""
MATCH (n) WHERE NOT n:{CHECKPOINT_LABEL}
RETURN labels(n)[0] AS label, count(*) AS n
"""
COUNT_RELATIONSHIPS = "MATCH ()-[r]->() RETURN count(r) AS n"
CONFIGURATIONS_IN_CONTEXT = """
CALL () {
  MATCH (t:TargetGroup)<-[:FOR_TARGET_GROUP]-(c:Configuration) WHERE t.key IN $target_groups
  RETURN c, 'target_group' AS dim
  UNION ALL
  MATCH (r:Region)<-[:IN_REGION]-(c:Configuration) WHERE r.key IN $region_codes
  RETURN c, 'region' AS dim
  UNION ALL
  MATCH (r:Region)<-[:IN_REGION]-(c:Configuration) WHERE r.key IN $country_codes
  RETURN c, 'country' AS dim
  UNION ALL
  MATCH (b:UnemploymentBand {key: $band})<-[:IN_UNEMPLOYMENT_BAND]-(c:Configuration)
  RETURN c, 'unemployment_band' AS dim
  UNION ALL
  MATCH (s:SkillLevel)<-[:FOR_SKILL_LEVEL]-(c:Configuration) WHERE s.key IN $skill_codes
  RETURN c, 'skill_level' AS dim
  UNION ALL
  MATCH (p:CyclePhase)<-[:IN_CYCLE_PHASE]-(c:Configuration) WHERE p.key IN $cycle_codes
  RETURN c, 'cycle_phase' AS dim
}
WITH c, collect(DISTINCT dim) AS dims
WHERE NOT $validated_only OR c.status = 'validated'
WITH c, dims, size([d IN dims WHERE NOT (d = 'country' AND 'region' IN dims)]) AS score
ORDER BY score DESC, c.key
LIMIT $limit
RETURN c.key AS key, c.programme_type AS programme_type, c.mechanism AS mechanism,
       c.status AS status, dims
"""
CONFIGURATION_FACTS = """
MATCH (:Mechanism {key: $mechanism})<-[:HAS_MECHANISM]-(c:Configuration)
CALL (c) {
  OPTIONAL MATCH (c)-[:DERIVED_FROM]->(origin)
  OPTIONAL MATCH (origin)-[:PART_OF]->(parent:Source)
  RETURN properties(coalesce(parent, origin)) AS source LIMIT 1
}
CALL (c) { OPTIONAL MATCH (c)-[:IN_REGION]->(r:Region) RETURN collect(r.key) AS regions }
CALL (c) { OPTIONAL MATCH (c)-[:HAS_OUTCOME]->(o:Outcome) RETURN collect(properties(o)) AS outcomes }
RETURN c.key AS key, c.status AS status, source, regions, outcomes
"""
CONFIGURATION_DETAILS = """
UNWIND $keys AS key
MATCH (c:Configuration {key: key})
CALL (c) { OPTIONAL MATCH (c)-[:HAS_OUTCOME]->(o:Outcome) RETURN collect(properties(o)) AS outcomes }
CALL (c) {
  OPTIONAL MATCH (c)-[:HAS_CONDITION]->(k:Condition)
  OPTIONAL MATCH (k)-[:OF_CONDITION_TYPE]->(t:ConditionType)
  RETURN collect(CASE WHEN k IS NULL THEN NULL ELSE k{.*, type: t.key} END) AS conditions
}
CALL (c) { OPTIONAL MATCH (c)-[:IN_REGION]->(r:Region) RETURN collect(r.key) AS regions }
CALL (c) { OPTIONAL MATCH (c)-[:CONFIGURATION_OF]->(p:Practice) RETURN properties(p) AS practice LIMIT 1 }
CALL (c) { OPTIONAL MATCH (c)-[:DERIVED_FROM]->(g:Segment) RETURN collect(properties(g)) AS spans }
CALL (c) {
  OPTIONAL MATCH (c)-[:DERIVED_FROM]->(origin)
  OPTIONAL MATCH (origin)-[:PART_OF]->(parent:Source)
  WITH coalesce(parent, CASE WHEN origin:Source THEN origin END) AS source WHERE source IS NOT NULL
  RETURN properties(source) AS source LIMIT 1
}
RETURN key, outcomes, conditions, regions, practice, source, spans, coalesce(c.contested_by, []) AS contested_by
"""
# Relationships first, in batches: a concept node may hold tens of thousands of them, too many to
# delete with the node in one transaction.
CLEAR_RELATIONSHIPS = "MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS"
CLEAR_NODES = "MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS"
SERVER_INFO = "CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition"


class Neo4jStore(GraphStore):
    backend = "neo4j"

    def __init__(self, uri: str, user: str | None = None, password: str | None = None,
                 database: str | None = None, *, retry_seconds: float = 5.0) -> None:
        auth = (user, password) if user else None
        self._database = database or None
        try:
            # Transient failures are retried for a few seconds, not the driver's default 30: a
            # page must say the graph is down rather than hang. The named queries mention every
            # relationship type they may follow; a graph that holds none of one yet (no session
            # transcripts, say) is normal, not worth a server notice in the log on every query.
            self._driver = GraphDatabase.driver(
                uri, auth=auth, connection_timeout=retry_seconds,
                max_transaction_retry_time=retry_seconds,
                notifications_disabled_classifications=["UNRECOGNIZED"])
        except (DriverError, ValueError) as error:
            raise GraphUnavailable(f"Cannot use the Neo4j address {uri!r}: {error}") from error
        self.uri = uri

    # -- set-up --------------------------------------------------------------------------------

    def create_schema(self) -> None:
        """Uniqueness constraints on every label's key; safe to run at every start."""
        labels = [str(label) for label in NodeLabel]
        statements = [CREATE_KEY_CONSTRAINT.format(name=f"{label.lower()}_key", label=label,
                                                   key=KEY_PROPERTY) for label in labels]
        statements.append(CREATE_KEY_CONSTRAINT.format(
            name="checkpoint_name", label=CHECKPOINT_LABEL, key="name"))
        for statement in statements:
            self._run(statement)

    def close(self) -> None:
        self._driver.close()

    # -- changes -------------------------------------------------------------------------------

    def apply(self, changes: Sequence[GraphChange], *, checkpoint: Checkpoint | None = None) -> None:
        for change in changes:
            validate_change(change)
        batches = _statement_batches(changes)
        try:
            with self._driver.session(database=self._database) as session:
                session.execute_write(_write_batches, batches, checkpoint)
        except (ServiceUnavailable, SessionExpired, AuthError) as error:
            raise GraphUnavailable(f"Neo4j is unreachable: {error}") from error
        except Neo4jError as error:
            raise GraphError(f"Neo4j refused the changes: {error.message}") from error

    def clear(self) -> None:
        try:
            with self._driver.session(database=self._database) as session:
                session.run(CLEAR_RELATIONSHIPS).consume()
                session.run(CLEAR_NODES).consume()
        except (ServiceUnavailable, SessionExpired, AuthError) as error:
            raise GraphUnavailable(f"Neo4j is unreachable: {error}") from error

    # -- reading -------------------------------------------------------------------------------

    def _run(self, query: str, read: bool = False, **params) -> list[dict[str, Any]]:
        try:
            records, _, _ = self._driver.execute_query(
                query, params, database_=self._database,
                routing_=RoutingControl.READ if read else RoutingControl.WRITE)
        except (ServiceUnavailable, SessionExpired, AuthError) as error:
            raise GraphUnavailable(f"Neo4j is unreachable: {error}") from error
        except Neo4jError as error:
            raise GraphError(f"Neo4j refused the query: {error.message}") from error
        return [record.data() for record in records]

    def last_applied(self) -> Checkpoint:
        rows = self._run(GET_CHECKPOINT, read=True)
        return (int(rows[0]["transaction"]), int(rows[0]["id"])) if rows else NO_CHECKPOINT

    def generation(self) -> tuple[str | None, int]:
        rows = self._run(GET_GENERATION, read=True)
        return (rows[0]["epoch"], int(rows[0]["generation"] or 0)) if rows else (None, 0)

    def configuration_contexts(self) -> dict[str, Any]:
        # Both reads in one transaction, so that they see the same graph.
        def read(tx):
            bulk = tx.run(CONFIGURATIONS_IN_BULK).single()
            links = {(row["rel"], row["code"]): row["keys"] for row in tx.run(CONTEXT_LINKS)}
            return bulk, links

        try:
            with self._driver.session(database=self._database) as session:
                bulk, links = session.execute_read(read)
        except (ServiceUnavailable, SessionExpired, AuthError) as error:
            raise GraphUnavailable(f"Neo4j is unreachable: {error}") from error
        except Neo4jError as error:
            raise GraphError(f"Neo4j refused the query: {error.message}") from error
        configurations = list(zip(bulk["keys"], bulk["programme_types"], bulk["mechanisms"], bulk["statuses"],
                                  strict=True))
        return {"configurations": configurations, "links": links}

    def node(self, label: NodeLabel, key: str) -> dict[str, Any] | None:
        rows = self._run(GET_NODE.format(label=NodeLabel(label)), read=True, key=key)
        return rows[0]["props"] if rows else None

    def nodes(self, label: NodeLabel) -> list[dict[str, Any]]:
        return [row["props"] for row in self._run(GET_NODES.format(label=NodeLabel(label)), read=True)]

    def relationships(self, type: RelType | None = None, *, start: NodeRef | None = None,
                      end: NodeRef | None = None) -> list[Relationship]:
        query = GET_RELATIONSHIPS.format(type=f":{RelType(type)}" if type else "")
        rows = self._run(
            query, read=True,
            start_label=str(start.label) if start else None, start_key=start.key if start else None,
            end_label=str(end.label) if end else None, end_key=end.key if end else None)
        return _sorted_relationships(rows)

    def neighbourhood(self, ref: NodeRef, depth: int = 1) -> Subgraph:
        found = self.node(ref.label, ref.key)
        if found is None:
            return Subgraph(nodes={}, relationships=[])
        nodes = {ref: found}
        frontier = [ref]
        for _ in range(max(0, int(depth))):
            rows = self._run(NEIGHBOURS, read=True, frontier=_ref_params(frontier))
            frontier = []
            for row in rows:
                neighbour = NodeRef(NodeLabel(row["label"]), row["key"])
                if neighbour not in nodes:
                    nodes[neighbour] = row["props"]
                    frontier.append(neighbour)
            if not frontier:
                break
        rows = self._run(RELATIONSHIPS_AMONG, read=True, refs=_ref_params(list(nodes)))
        inside = [row for row in rows
                  if NodeRef(NodeLabel(row["end_label"]), row["end_key"]) in nodes]
        return Subgraph(nodes=nodes, relationships=_sorted_relationships(inside))

    def counts(self) -> dict[str, int]:
        counts = {row["label"]: row["n"] for row in self._run(COUNT_NODES, read=True)}
        counts["relationships"] = self._run(COUNT_RELATIONSHIPS, read=True)[0]["n"]
        return counts

    def configurations_in_context(self, *, target_groups, region_codes, country_codes, unemployment_band,
                                  skill_codes, validated_only, limit=None, cycle_codes=()) -> list[dict[str, Any]]:
        return self._run(CONFIGURATIONS_IN_CONTEXT, read=True, target_groups=target_groups,
                         region_codes=region_codes, country_codes=country_codes,
                         band=unemployment_band, skill_codes=skill_codes, validated_only=validated_only,
                         cycle_codes=list(cycle_codes),
                         limit=limit if limit is not None else 2**62)

    def configuration_details(self, keys: list[str]) -> dict[str, dict[str, Any]]:
        def by_key(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return sorted(items, key=lambda item: str(item.get("key", "")))

        found = {}
        for row in self._run(CONFIGURATION_DETAILS, read=True, keys=list(keys)):
            found[row["key"]] = {"outcomes": by_key(row["outcomes"]), "conditions": by_key(row["conditions"]),
                                 "regions": sorted(row["regions"]), "practice": row["practice"],
                                 "source": row["source"], "spans": by_key(row["spans"]),
                                 "contested_by": sorted(row["contested_by"])}
        return found

    def configuration_facts(self, mechanism: str) -> list[dict[str, Any]]:
        rows = self._run(CONFIGURATION_FACTS, read=True, mechanism=mechanism)
        for row in rows:
            row["regions"] = sorted(row["regions"])
        return rows

    def health(self) -> dict[str, Any]:
        try:
            self._driver.verify_connectivity()
        except (DriverError, Neo4jError) as error:
            raise GraphUnavailable(f"Neo4j at {self.uri} is unreachable: {error}") from error
        component = self._run(SERVER_INFO, read=True)[0]
        return {
            "backend": self.backend,
            "server": f"{component['name']} {component['versions'][0]} {component['edition']}",
            "last_applied_event": self.last_applied()[1],
            "last_applied_transaction": self.last_applied()[0],
        }


def _batch_shape(change: GraphChange) -> tuple:
    if isinstance(change, MergeNode | DeleteNode):
        return (type(change).__name__, str(change.label))
    return (type(change).__name__, str(change.type), str(change.start.label), str(change.end.label))


def _statement_batches(changes: Sequence[GraphChange]) -> list[list[GraphChange]]:
    """Changes grouped into as few UNWIND statements as keeps the result the same.

    Between two deletions, merges commute except that a relationship needs its nodes: node merges
    go first, then relationship merges, each grouped by shape (a stable sort keeps repeated merges
    of one node in order). Runs of deletions are grouped likewise. A merge never moves across a
    deletion, so "create, then erase" still ends erased.
    """
    batches: list[list[GraphChange]] = []
    runs = itertools.groupby(changes, key=lambda c: isinstance(c, DeleteNode | DeleteRelationship))
    for _, run in runs:
        ordered = sorted(run, key=lambda c: (isinstance(c, MergeRelationship | DeleteNode), _batch_shape(c)))
        batches += [list(group) for _, group in itertools.groupby(ordered, key=_batch_shape)]
    return batches


def _write_batches(tx, batches: list[list[GraphChange]], checkpoint: Checkpoint | None) -> None:
    # A transaction function: the driver may retry it, so it only depends on its arguments.
    for batch in batches:
        first = batch[0]
        if isinstance(first, MergeNode):
            rows = [{"key": c.key, "props": c.properties} for c in batch]
            tx.run(MERGE_NODES.format(label=first.label), rows=rows).consume()
        elif isinstance(first, DeleteNode):
            tx.run(DELETE_NODES.format(label=first.label), keys=[c.key for c in batch]).consume()
        else:
            rows = [{"start": c.start.key, "end": c.end.key,
                     "props": getattr(c, "properties", {})} for c in batch]
            shape = {"type": first.type, "start": first.start.label, "end": first.end.label}
            if isinstance(first, DeleteRelationship):
                tx.run(DELETE_RELATIONSHIPS.format(**shape), rows=rows).consume()
                continue
            merged = tx.run(MERGE_RELATIONSHIPS.format(**shape), rows=rows).single()["merged"]
            if merged != len(rows):
                missing = _first_missing_endpoint(tx, batch)
                # Raising inside the transaction function rolls the whole apply back.
                raise BrokenReference(
                    f"{first.type} refers to {missing.label} {missing.key!r}, which does not exist.")
    if checkpoint is not None:
        tx.run(SET_CHECKPOINT, transaction=checkpoint[0], id=checkpoint[1]).consume()
    tx.run(BUMP_GENERATION).consume()


def _first_missing_endpoint(tx, batch: list[MergeRelationship]) -> NodeRef:
    for change in batch:
        for ref in (change.start, change.end):
            if tx.run(GET_NODE.format(label=ref.label), key=ref.key).single() is None:
                return ref
    return batch[0].start


def _ref_params(refs: list[NodeRef]) -> list[dict[str, str]]:
    return [{"label": str(ref.label), "key": ref.key} for ref in refs]


def _sorted_relationships(rows: list[dict[str, Any]]) -> list[Relationship]:
    relationships = [
        Relationship(RelType(row["type"]),
                     NodeRef(NodeLabel(row["start_label"]), row["start_key"]),
                     NodeRef(NodeLabel(row["end_label"]), row["end_key"]),
                     row["props"])
        for row in rows
    ]
    return sorted(relationships, key=lambda rel: (rel.type, rel.start, rel.end))
