"""The `GraphStore` interface and the changes it applies.

A store holds nodes, each addressed by a label from `ontology.vocab.NodeLabel` and a key unique per
label, and directed relationships typed by `ontology.vocab.RelType`. Stores change only through
`apply`, which takes a list of changes and applies all of them or none, and can remember in the
same step the last outbox event those changes came from.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph.errors import InvalidChange
from ontology.vocab import KEY_PROPERTY, NodeLabel, RelType

__all__ = [
    "DeleteNode", "DeleteRelationship", "GraphChange", "GraphStore", "MergeNode",
    "MergeRelationship", "NodeRef", "Relationship", "Subgraph", "validate_change",
]

_SCALARS = (str, int, float, bool)


@dataclass(frozen=True, order=True)
class NodeRef:
    label: NodeLabel
    key: str


@dataclass(frozen=True)
class MergeNode:
    """Create the node if missing, then set the given properties (None removes one)."""
    label: NodeLabel
    key: str
    properties: dict[str, Any] = field(default_factory=dict)

    @property
    def ref(self) -> NodeRef:
        return NodeRef(self.label, self.key)


@dataclass(frozen=True)
class MergeRelationship:
    """Create the relationship between two existing nodes if missing, then set its properties."""
    type: RelType
    start: NodeRef
    end: NodeRef
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DeleteNode:
    """Remove a node and its relationships; nothing happens if it is absent."""
    label: NodeLabel
    key: str

    @property
    def ref(self) -> NodeRef:
        return NodeRef(self.label, self.key)


@dataclass(frozen=True)
class DeleteRelationship:
    type: RelType
    start: NodeRef
    end: NodeRef


GraphChange = MergeNode | MergeRelationship | DeleteNode | DeleteRelationship


@dataclass(frozen=True)
class Relationship:
    type: RelType
    start: NodeRef
    end: NodeRef
    properties: dict[str, Any]


@dataclass
class Subgraph:
    nodes: dict[NodeRef, dict[str, Any]]
    relationships: list[Relationship]


def _check_ref(ref: NodeRef) -> None:
    if not isinstance(ref.label, NodeLabel):
        raise InvalidChange(f"Unknown node label {ref.label!r}.")
    if not isinstance(ref.key, str) or not ref.key:
        raise InvalidChange(f"A {ref.label} node needs a non-empty text key.")


def _check_properties(properties: dict[str, Any]) -> None:
    for name, value in properties.items():
        if name == KEY_PROPERTY:
            raise InvalidChange(f"'{KEY_PROPERTY}' is the node's address; it cannot be set.")
        values = value if isinstance(value, list) else [value]
        if not all(v is None or isinstance(v, _SCALARS) for v in values):
            raise InvalidChange(
                f"Property {name!r} must be text, a number, a boolean or a list of those.")


def validate_change(change: GraphChange) -> None:
    """Raise `InvalidChange` for a change that no backend could store the same way."""
    if isinstance(change, MergeNode | DeleteNode):
        _check_ref(change.ref)
    elif isinstance(change, MergeRelationship | DeleteRelationship):
        if not isinstance(change.type, RelType):
            raise InvalidChange(f"Unknown relationship type {change.type!r}.")
        _check_ref(change.start)
        _check_ref(change.end)
    else:
        raise InvalidChange(f"Not a graph change: {change!r}.")
    if isinstance(change, MergeNode | MergeRelationship):
        _check_properties(change.properties)


# Where the projector stands in the outbox: (transaction id, event id) of the last event applied,
# the order events are applied in (see records.outbox).
Checkpoint = tuple[int, int]
NO_CHECKPOINT: Checkpoint = (0, 0)


class GraphStore(abc.ABC):
    """What every graph backend offers; one contract test suite holds each to it."""

    backend: str

    @abc.abstractmethod
    def apply(self, changes: Sequence[GraphChange], *, checkpoint: Checkpoint | None = None) -> None:
        """Apply every change in order, or none; then remember `checkpoint` if given (it only ever
        moves forward).

        Raises `InvalidChange` or `BrokenReference` (and changes nothing) for a bad change.
        """

    @abc.abstractmethod
    def last_applied(self) -> Checkpoint:
        """The position of the last outbox event whose changes are in the store; (0, 0) for none."""

    @abc.abstractmethod
    def node(self, label: NodeLabel, key: str) -> dict[str, Any] | None:
        """The node's properties (its key included), or None."""

    @abc.abstractmethod
    def nodes(self, label: NodeLabel) -> list[dict[str, Any]]:
        """Every node with this label, as property dicts, ordered by key."""

    @abc.abstractmethod
    def relationships(self, type: RelType | None = None, *, start: NodeRef | None = None,
                      end: NodeRef | None = None) -> list[Relationship]:
        """Relationships matching the filters, ordered by type, start and end."""

    @abc.abstractmethod
    def neighbourhood(self, ref: NodeRef, depth: int = 1) -> Subgraph:
        """The node and everything within `depth` hops of it, either direction."""

    @abc.abstractmethod
    def counts(self) -> dict[str, int]:
        """Node count per label present and the total of relationships under 'relationships'."""

    @abc.abstractmethod
    def clear(self) -> None:
        """Remove everything, checkpoint included."""

    # -- raw facts for the named queries of graph.queries -------------------------------------------

    @abc.abstractmethod
    def configurations_in_context(self, *, target_groups: list[str], region_codes: list[str],
                                  country_codes: list[str], unemployment_band: str | None,
                                  skill_codes: list[str], validated_only: bool,
                                  limit: int | None = None, cycle_codes: list[str] = ()) -> list[dict[str, Any]]:
        """Configurations linked to any of the given concepts, one row each:
        `{key, programme_type, mechanism, status, dims}`, `dims` naming the parts that matched
        (`target_group`, `region`, `country`, `unemployment_band`, `skill_level`, `cycle_phase`). Ordered by the
        number of parts matched (`country` not counted beside `region`), then key; at most `limit`."""

    @abc.abstractmethod
    def configuration_contexts(self) -> dict[str, Any]:
        """Every configuration and the context concepts it links to, in bulk:
        `{"configurations": [(key, programme_type, mechanism, status)], "links": {(relationship type,
        concept key): [configuration keys]}}` over graph.context_index.CONTEXT_RELATIONSHIPS. Bulk
        rather than a row per configuration, because a graph may hold a hundred thousand."""

    @abc.abstractmethod
    def generation(self) -> tuple[str | None, int]:
        """A value that changes whenever the graph does (every apply, every clear): caches of the
        graph compare it to know they are current."""

    @abc.abstractmethod
    def configuration_facts(self, mechanism: str) -> list[dict[str, Any]]:
        """Every configuration with this mechanism: `{key, status, source, regions, outcomes}`, with
        `source` the Source node's properties (through its segment if any) or None. Any order."""

    @abc.abstractmethod
    def configuration_details(self, keys: list[str]) -> dict[str, dict[str, Any]]:
        """What the Design Wizard reads of each configuration, in one call for many:
        `{key: {outcomes, conditions, regions, practice, source, spans, contested_by}}` with outcomes, conditions
        (their `type` the condition-type code) and spans (Segment nodes) as property dicts sorted by
        key, regions as sorted codes, practice and source as property dicts or None (the source
        through a span when the configuration came from one), contested_by the sorted keys of the
        configurations whose findings contradict this one's. Unknown keys are left out."""

    @abc.abstractmethod
    def health(self) -> dict[str, Any]:
        """A JSON-ready description of the backend's state; raises `GraphUnavailable` when down."""

    def close(self) -> None:  # noqa: B027  (most stores hold nothing to release)
        """Release connections."""

    def to_networkx(self) -> nx.MultiDiGraph:
        """The whole graph in networkx, nodes keyed by `NodeRef`, for analytics."""
        graph = nx.MultiDiGraph()
        for label in NodeLabel:
            for properties in self.nodes(label):
                graph.add_node(NodeRef(label, properties[KEY_PROPERTY]), label=str(label), **properties)
        for rel in self.relationships():
            graph.add_edge(rel.start, rel.end, key=str(rel.type), type=str(rel.type), **rel.properties)
        return graph
