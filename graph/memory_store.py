"""The embedded graph store: a networkx multigraph in the process's memory.

It is the default when no Neo4j server is configured. It forgets everything when the process ends
and is rebuilt from the outbox on start, which the projector does as soon as it is asked.
"""

from __future__ import annotations

import heapq
import threading
import uuid
from collections.abc import Sequence
from typing import Any

import networkx as nx

from graph.context_index import CONTEXT_RELATIONSHIPS
from graph.errors import BrokenReference
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
from ontology.vocab import KEY_PROPERTY, NodeLabel, RelType

__all__ = ["MemoryStore"]


class MemoryStore(GraphStore):
    backend = "memory"

    def __init__(self) -> None:
        self._graph = nx.MultiDiGraph()
        self._checkpoint: Checkpoint = NO_CHECKPOINT
        self._epoch, self._generation = uuid.uuid4().hex, 0
        # Web servers answer from several threads; changes must not interleave with reads.
        self._lock = threading.RLock()

    # -- changes -------------------------------------------------------------------------------

    def apply(self, changes: Sequence[GraphChange], *, checkpoint: Checkpoint | None = None) -> None:
        with self._lock:
            # Check the whole batch against the graph as it will be before touching anything,
            # so that a bad change leaves the store as it was.
            self._check_references(changes)
            for change in changes:
                self._apply_one(change)
            self._generation += 1
            if checkpoint is not None:
                self._checkpoint = max(self._checkpoint, tuple(checkpoint))

    def _check_references(self, changes: Sequence[GraphChange]) -> None:
        present: dict[NodeRef, bool] = {}

        def exists(ref: NodeRef) -> bool:
            return present.get(ref, self._graph.has_node(ref))

        for change in changes:
            validate_change(change)
            if isinstance(change, MergeNode):
                present[change.ref] = True
            elif isinstance(change, DeleteNode):
                present[change.ref] = False
            elif isinstance(change, MergeRelationship):
                for ref in (change.start, change.end):
                    if not exists(ref):
                        raise BrokenReference(
                            f"{change.type} refers to {ref.label} {ref.key!r}, which does not exist.")

    def _apply_one(self, change: GraphChange) -> None:
        graph = self._graph
        if isinstance(change, MergeNode):
            if not graph.has_node(change.ref):
                graph.add_node(change.ref, properties={KEY_PROPERTY: change.key})
            _update(graph.nodes[change.ref]["properties"], change.properties)
        elif isinstance(change, MergeRelationship):
            edge_key = str(change.type)
            if not graph.has_edge(change.start, change.end, key=edge_key):
                graph.add_edge(change.start, change.end, key=edge_key, properties={})
            _update(graph.edges[change.start, change.end, edge_key]["properties"], change.properties)
        elif isinstance(change, DeleteNode):
            if graph.has_node(change.ref):
                graph.remove_node(change.ref)
        elif isinstance(change, DeleteRelationship) and graph.has_edge(
                change.start, change.end, key=str(change.type)):
            graph.remove_edge(change.start, change.end, key=str(change.type))

    def clear(self) -> None:
        with self._lock:
            self._graph.clear()
            self._checkpoint = NO_CHECKPOINT
            self._epoch, self._generation = uuid.uuid4().hex, 0

    # -- reading -------------------------------------------------------------------------------

    def last_applied(self) -> Checkpoint:
        return self._checkpoint

    def node(self, label: NodeLabel, key: str) -> dict[str, Any] | None:
        with self._lock:
            ref = NodeRef(label, key)
            if not self._graph.has_node(ref):
                return None
            return dict(self._graph.nodes[ref]["properties"])

    def nodes(self, label: NodeLabel) -> list[dict[str, Any]]:
        with self._lock:
            refs = sorted(ref for ref in self._graph.nodes if ref.label == label)
            return [dict(self._graph.nodes[ref]["properties"]) for ref in refs]

    def relationships(self, type: RelType | None = None, *, start: NodeRef | None = None,
                      end: NodeRef | None = None) -> list[Relationship]:
        with self._lock:
            found = [
                Relationship(RelType(edge_key), a, b, dict(data["properties"]))
                for a, b, edge_key, data in self._graph.edges(keys=True, data=True)
                if (type is None or edge_key == type)
                and (start is None or a == start)
                and (end is None or b == end)
            ]
        return sorted(found, key=lambda rel: (rel.type, rel.start, rel.end))

    def neighbourhood(self, ref: NodeRef, depth: int = 1) -> Subgraph:
        with self._lock:
            if not self._graph.has_node(ref):
                return Subgraph(nodes={}, relationships=[])
            reached = nx.single_source_shortest_path_length(
                self._graph.to_undirected(as_view=True), ref, cutoff=depth)
            nodes = {node: dict(self._graph.nodes[node]["properties"]) for node in reached}
            relationships = [
                Relationship(RelType(edge_key), a, b, dict(data["properties"]))
                for a, b, edge_key, data in self._graph.subgraph(nodes).edges(keys=True, data=True)
            ]
        return Subgraph(nodes=nodes, relationships=sorted(
            relationships, key=lambda rel: (rel.type, rel.start, rel.end)))

    def counts(self) -> dict[str, int]:
        with self._lock:
            counts: dict[str, int] = {}
            for ref in self._graph.nodes:
                counts[str(ref.label)] = counts.get(str(ref.label), 0) + 1
            counts["relationships"] = self._graph.number_of_edges()
        return counts

    def health(self) -> dict[str, Any]:
        return {"backend": self.backend, "last_applied_event": self._checkpoint[1],
                "last_applied_transaction": self._checkpoint[0]}

    # -- raw facts for the named queries -------------------------------------------------------

    def _linked_configurations(self, label: NodeLabel, codes, rel: RelType):
        # The adjacency dicts, not networkx's edge views: these loops run over every configuration
        # linked to a concept, and the views cost more than the lookups.
        predecessors = self._graph._pred
        for code in codes:
            ref = NodeRef(label, code)
            if ref in predecessors:
                for start, keys in predecessors[ref].items():
                    if rel in keys and start.label == NodeLabel.CONFIGURATION:
                        yield start

    def configurations_in_context(self, *, target_groups, region_codes, country_codes, unemployment_band,
                                  skill_codes, validated_only, limit=None, cycle_codes=()) -> list[dict[str, Any]]:
        wanted = [
            ("target_group", NodeLabel.TARGET_GROUP, target_groups, RelType.FOR_TARGET_GROUP),
            ("region", NodeLabel.REGION, region_codes, RelType.IN_REGION),
            ("country", NodeLabel.REGION, country_codes, RelType.IN_REGION),
            ("unemployment_band", NodeLabel.UNEMPLOYMENT_BAND,
             [unemployment_band] if unemployment_band else [], RelType.IN_UNEMPLOYMENT_BAND),
            ("skill_level", NodeLabel.SKILL_LEVEL, skill_codes, RelType.FOR_SKILL_LEVEL),
            ("cycle_phase", NodeLabel.CYCLE_PHASE, list(cycle_codes), RelType.IN_CYCLE_PHASE),
        ]
        dims: dict[NodeRef, set[str]] = {}
        with self._lock:
            for dim, label, codes, rel in wanted:
                for configuration in self._linked_configurations(label, codes, rel):
                    dims.setdefault(configuration, set()).add(dim)
            # The same order and cut as the Neo4j store: most parts matched first, then by key. Only the
            # rows that make the cut are built.
            ranked = []
            nodes = self._graph._node  # the node dict itself: the view costs more than the lookup
            for configuration, matched in dims.items():
                properties = nodes[configuration]["properties"]
                if validated_only and properties.get("status") != "validated":
                    continue
                score = len(matched - ({"country"} if "region" in matched else set()))
                ranked.append((-score, configuration.key, configuration, matched))
            chosen = heapq.nsmallest(limit, ranked) if limit is not None else sorted(ranked)
            rows = []
            for _, key, configuration, matched in chosen:
                properties = nodes[configuration]["properties"]
                rows.append({"key": key, "programme_type": properties.get("programme_type"),
                             "mechanism": properties.get("mechanism"), "status": properties.get("status"),
                             "dims": sorted(matched)})
        return rows

    def _targets(self, start: NodeRef, rel: RelType) -> list[NodeRef]:
        # The adjacency dict itself, as in _linked_configurations.
        return [end for end, keys in self._graph._succ[start].items() if rel in keys]

    def generation(self) -> tuple[str | None, int]:
        with self._lock:
            return self._epoch, self._generation

    def configuration_contexts(self) -> dict[str, Any]:
        wanted = {str(rel) for rel in CONTEXT_RELATIONSHIPS}
        configurations, links = [], {}
        with self._lock:
            nodes, successors = self._graph._node, self._graph._succ
            for ref, data in nodes.items():
                if ref.label != NodeLabel.CONFIGURATION:
                    continue
                properties = data["properties"]
                configurations.append((ref.key, properties.get("programme_type"), properties.get("mechanism"),
                                       properties.get("status")))
                for end, keys in successors[ref].items():
                    for rel in keys:
                        if str(rel) in wanted:
                            links.setdefault((str(rel), end.key), []).append(ref.key)
        return {"configurations": configurations, "links": links}

    def configuration_details(self, keys: list[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        with self._lock:
            for key in keys:
                ref = NodeRef(NodeLabel.CONFIGURATION, key)
                if not self._graph.has_node(ref):
                    continue

                def props(node: NodeRef) -> dict[str, Any]:
                    return dict(self._graph.nodes[node]["properties"])

                conditions = []
                for node in self._targets(ref, RelType.HAS_CONDITION):
                    types = self._targets(node, RelType.OF_CONDITION_TYPE)
                    conditions.append(props(node) | {"type": types[0].key if types else None})
                practices = self._targets(ref, RelType.CONFIGURATION_OF)
                origins = self._targets(ref, RelType.DERIVED_FROM)
                spans = [node for node in origins if node.label == NodeLabel.SEGMENT]
                sources = [node for node in origins if node.label == NodeLabel.SOURCE]
                for span in spans:
                    sources += self._targets(span, RelType.PART_OF)
                found[key] = {
                    "outcomes": _by_key([props(n) for n in self._targets(ref, RelType.HAS_OUTCOME)]),
                    "conditions": _by_key(conditions),
                    "regions": sorted(n.key for n in self._targets(ref, RelType.IN_REGION)),
                    "practice": props(practices[0]) if practices else None,
                    "source": props(sources[0]) if sources else None,
                    "spans": _by_key([props(n) for n in spans]),
                    "contested_by": sorted(self._graph.nodes[ref]["properties"].get("contested_by") or []),
                }
        return found

    def configuration_facts(self, mechanism: str) -> list[dict[str, Any]]:
        with self._lock:
            mechanism_ref = NodeRef(NodeLabel.MECHANISM, mechanism)
            if not self._graph.has_node(mechanism_ref):
                return []
            facts = []
            for configuration in set(self._linked_configurations(
                    NodeLabel.MECHANISM, [mechanism], RelType.HAS_MECHANISM)):
                source = None
                for origin in self._targets(configuration, RelType.DERIVED_FROM):
                    if origin.label == NodeLabel.SEGMENT:
                        parents = self._targets(origin, RelType.PART_OF)
                        origin = parents[0] if parents else None
                    if origin is not None:
                        source = dict(self._graph.nodes[origin]["properties"])
                facts.append({
                    "key": configuration.key,
                    "status": self._graph.nodes[configuration]["properties"].get("status"),
                    "source": source,
                    "regions": sorted(r.key for r in self._targets(configuration, RelType.IN_REGION)),
                    "outcomes": [dict(self._graph.nodes[o]["properties"])
                                 for o in self._targets(configuration, RelType.HAS_OUTCOME)],
                })
        return facts


def _by_key(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(items, key=lambda item: str(item.get("key", "")))


def _update(properties: dict[str, Any], changes: dict[str, Any]) -> None:
    for name, value in changes.items():
        if value is None:
            properties.pop(name, None)
        else:
            properties[name] = list(value) if isinstance(value, list) else value
