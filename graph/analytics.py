"""Analytics over the knowledge graph with networkx; they take the graph of either backend
(`GraphStore.to_networkx()`) and return plain dicts and lists.

>>> from graph.memory_store import MemoryStore
>>> context_mechanism_cooccurrence(MemoryStore().to_networkx())
{}
"""

from __future__ import annotations

from collections import Counter, defaultdict

import networkx as nx

from graph.store import NodeRef
from ontology.vocab import NodeLabel, RelType

__all__ = ["central_practices", "context_mechanism_cooccurrence", "contested_mechanisms"]

# The parts of a configuration's context that analytics compare, by relationship.
CONTEXT_RELATIONSHIPS = {
    RelType.FOR_TARGET_GROUP: "target_group",
    RelType.IN_UNEMPLOYMENT_BAND: "unemployment_band",
    RelType.IN_CYCLE_PHASE: "cycle_phase",
    RelType.FOR_SKILL_LEVEL: "skill_level",
    RelType.IN_REGION: "region",
}
FAVOURABLE = {"positive"}
UNFAVOURABLE = {"null", "negative"}


def _configurations(graph: nx.MultiDiGraph, validated_only: bool):
    for node, data in graph.nodes(data=True):
        if node.label == NodeLabel.CONFIGURATION and (not validated_only or data.get("status") == "validated"):
            yield node


def _out(graph: nx.MultiDiGraph, node: NodeRef, rel: RelType) -> list[NodeRef]:
    return [end for _, end, data in graph.out_edges(node, data=True) if data["type"] == rel]


def _contexts(graph: nx.MultiDiGraph, configuration: NodeRef) -> list[str]:
    contexts = []
    for rel, name in CONTEXT_RELATIONSHIPS.items():
        contexts += [f"{name}:{end.key}" for end in _out(graph, configuration, rel)]
    return contexts


def _mechanism(graph: nx.MultiDiGraph, configuration: NodeRef) -> str | None:
    found = _out(graph, configuration, RelType.HAS_MECHANISM)
    return found[0].key if found else None


def context_mechanism_cooccurrence(graph: nx.MultiDiGraph, *, validated_only: bool = True) -> dict[str, dict[str, int]]:
    """How often each mechanism appears with each context value: `{mechanism: {"target_group:youth_neet": n}}`."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for configuration in _configurations(graph, validated_only):
        mechanism = _mechanism(graph, configuration)
        if mechanism:
            counts[mechanism].update(_contexts(graph, configuration))
    return {m: dict(sorted(c.items())) for m, c in sorted(counts.items())}


def contested_mechanisms(graph: nx.MultiDiGraph, *, validated_only: bool = True,
                         dimensions: tuple[str, ...] = ("unemployment_band", "target_group")) -> list[dict]:
    """Mechanisms whose outcome direction flips between contexts.

    For each mechanism and context value (for example `unemployment_band:high`), outcomes are
    counted by direction; a mechanism is contested when, on the same outcome horizon, one context
    value is mostly favourable (positive) and another mostly unfavourable (null or negative).
    """
    tallies: dict[tuple[str, str], dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for configuration in _configurations(graph, validated_only):
        mechanism = _mechanism(graph, configuration)
        contexts = [c for c in _contexts(graph, configuration) if c.split(":", 1)[0] in dimensions]
        if not mechanism or not contexts:
            continue
        for outcome in _out(graph, configuration, RelType.HAS_OUTCOME):
            data = graph.nodes[outcome]
            for context in contexts:
                tallies[(mechanism, data["horizon"])][context][data["direction"]] += 1
    contested = []
    for (mechanism, horizon), by_context in sorted(tallies.items()):
        leaning = {}
        for context, directions in by_context.items():
            favourable = sum(directions[d] for d in FAVOURABLE)
            unfavourable = sum(directions[d] for d in UNFAVOURABLE)
            if favourable != unfavourable:
                leaning[context] = "favourable" if favourable > unfavourable else "unfavourable"
        if {"favourable", "unfavourable"} <= set(leaning.values()):
            contested.append({
                "mechanism": mechanism, "horizon": horizon,
                "favourable_in": sorted(c for c, lean in leaning.items() if lean == "favourable"),
                "unfavourable_in": sorted(c for c, lean in leaning.items() if lean == "unfavourable"),
                "directions": {c: dict(sorted(d.items())) for c, d in sorted(by_context.items())},
            })
    return contested


def central_practices(graph: nx.MultiDiGraph, *, top: int = 10) -> list[dict]:
    """Practices that bridge the evidence: betweenness centrality in the graph of practices,
    configurations, mechanisms and contexts (relationships read in either direction)."""
    keep = {NodeLabel.PRACTICE, NodeLabel.CONFIGURATION, NodeLabel.MECHANISM, NodeLabel.TARGET_GROUP,
            NodeLabel.PROGRAMME_TYPE, NodeLabel.UNEMPLOYMENT_BAND, NodeLabel.REGION}
    simple = nx.Graph()
    simple.add_nodes_from(n for n in graph.nodes if n.label in keep)
    simple.add_edges_from((a, b) for a, b in graph.edges() if a.label in keep and b.label in keep)
    practices = [n for n in simple.nodes if n.label == NodeLabel.PRACTICE]
    if not practices:
        return []
    # Exact on small graphs; sampled (with a fixed seed, so runs agree) on large ones.
    sample = None if simple.number_of_nodes() <= 2000 else 500
    scores = nx.betweenness_centrality(simple, k=sample, seed=7 if sample else None, normalized=True)
    ranked = sorted(practices, key=lambda p: (-scores[p], p.key))[:top]
    return [{"practice": p.key, "name": graph.nodes[p].get("name", ""), "score": round(scores[p], 6),
             "degree": simple.degree(p)} for p in ranked]
