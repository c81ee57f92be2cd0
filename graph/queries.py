"""Named queries for the Design Wizard and analysts; the same answers on every backend.

Each backend supplies raw facts (`GraphStore.configurations_in_context`, `configuration_facts`);
the shaping, ranking and counting happen here once, so both backends answer alike.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from graph.context_index import context_index_of
from graph.store import GraphStore, NodeRef, Subgraph
from ontology.concepts import UnknownConcept, concept_index
from ontology.vocab import NodeLabel, RelType, Scheme

__all__ = [
    "ContextMatch", "ContextQuery", "MechanismEvidence", "Provenance", "configurations_matching_context", "country_of",
    "evidence_for_mechanism", "neighbourhood", "provenance",
]


class QueryError(ValueError):
    """A query that cannot be answered as asked; the message says why."""


@dataclass(frozen=True)
class ContextQuery:
    """The context a policymaker describes. Every part is optional, but one must be given."""
    target_groups: tuple[str, ...] = ()
    region: str | None = None
    unemployment_band: str | None = None
    skill_level: str | None = None
    # A code of the cycle-phase scheme: one of the four phases, or a tight or slack market.
    cycle_phase: str | None = None
    validated_only: bool = True
    limit: int | None = 200


@dataclass(frozen=True)
class ContextMatch:
    configuration: str
    matched: tuple[str, ...]
    programme_type: str
    mechanism: str
    status: str

    @property
    def score(self) -> int:
        return len(self.matched)


@dataclass
class MechanismEvidence:
    mechanism: str
    label: str
    configurations: int
    validated: int
    sources: list[dict[str, Any]]
    countries: list[str]
    # horizon -> direction -> number of outcomes
    directions: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def validated_share(self) -> float:
        return self.validated / self.configurations if self.configurations else 0.0


@dataclass
class Provenance:
    """A fact and the path back to the text it came from."""
    node: NodeRef
    configuration: dict[str, Any] | None
    practice: dict[str, Any] | None
    segment: dict[str, Any] | None
    source: dict[str, Any] | None
    # Every coded span the configuration was built from (role, text, speaker, time), in text order.
    segments: list[dict[str, Any]] = field(default_factory=list)


@functools.lru_cache(maxsize=4096)
def _codes_within(scheme: Scheme, code: str) -> frozenset[str]:
    """The concept and every narrower one below it."""
    index = concept_index()
    found = {code}
    for concept in index.concepts(scheme):
        if code in index.ancestors(scheme, concept.code):
            found.add(concept.code)
    return frozenset(found)


def _place_codes(region: str) -> tuple[set[str], set[str]]:
    """Codes that count as the same place, and codes that share only the country."""
    index = concept_index()
    ancestors = index.ancestors(Scheme.NUTS2021, region)
    country = ancestors[-1] if ancestors else region
    same_place = _codes_within(Scheme.NUTS2021, region) | {a for a in ancestors if a != country}
    if region == country:
        return same_place, set()
    return same_place, _codes_within(Scheme.NUTS2021, country) - same_place


def configurations_matching_context(store: GraphStore, query: ContextQuery) -> list[ContextMatch]:
    """Configurations that share at least one part of the context, most parts first.

    Parts: `target_group`, `region` (the region, a region inside it, or its NUTS-1 area),
    `country` (elsewhere in the same country), `unemployment_band`, `skill_level`, `cycle_phase`.
    """
    index = concept_index()
    checks = [(Scheme.TARGET_GROUP, code, "target group") for code in query.target_groups]
    checks += [(Scheme.NUTS2021, query.region, "region"), (Scheme.UNEMPLOYMENT_BAND,
               query.unemployment_band, "unemployment band"), (Scheme.SKILL_LEVEL, query.skill_level,
                                                               "skill level"),
               (Scheme.CYCLE_PHASE, query.cycle_phase, "business-cycle phase")]
    for scheme, code, what in checks:
        if code is not None and not index.has(scheme, code):
            raise QueryError(f"Unknown {what} {code!r}.")
    if not (query.target_groups or query.region or query.unemployment_band or query.skill_level):
        raise QueryError("Describe the context with at least a target group, a region, an "
                         "unemployment band or a skill level.")
    same_place, same_country = _place_codes(query.region) if query.region else (set(), set())
    skill_codes = set()
    if query.skill_level:
        skill_codes = _codes_within(Scheme.SKILL_LEVEL, query.skill_level) | set(
            index.ancestors(Scheme.SKILL_LEVEL, query.skill_level))
    # A phase matches findings stated for it and for the market state it belongs to (a slowdown is
    # a slack market); a market state matches findings of any of its phases.
    cycle_codes = set()
    if query.cycle_phase:
        cycle_codes = _codes_within(Scheme.CYCLE_PHASE, query.cycle_phase) | set(
            index.ancestors(Scheme.CYCLE_PHASE, query.cycle_phase))
    rows = context_index_of(store).in_context(
        target_groups=sorted(query.target_groups), region_codes=sorted(same_place),
        country_codes=sorted(same_country), unemployment_band=query.unemployment_band,
        skill_codes=sorted(skill_codes), validated_only=query.validated_only, limit=query.limit,
        cycle_codes=sorted(cycle_codes))
    matches = []
    for row in rows:
        dims = set(row["dims"])
        if "region" in dims:
            dims.discard("country")
        matches.append(ContextMatch(row["key"], tuple(sorted(dims)), row["programme_type"],
                                    row["mechanism"], row["status"]))
    matches.sort(key=lambda m: (-m.score, m.configuration))
    return matches[: query.limit] if query.limit else matches


def country_of(region: str) -> str:
    try:
        ancestors = concept_index().ancestors(Scheme.NUTS2021, region)
    except UnknownConcept:
        return region
    return ancestors[-1] if ancestors else region


def evidence_for_mechanism(store: GraphStore, mechanism: str) -> MechanismEvidence:
    """How much evidence there is for a mechanism, from where, and which way its outcomes go."""
    try:
        concept = concept_index().get(Scheme.MECHANISM, mechanism)
    except UnknownConcept as error:
        raise QueryError(str(error)) from error
    facts = store.configuration_facts(mechanism)
    sources: dict[str, dict[str, Any]] = {}
    countries: set[str] = set()
    directions: dict[str, Counter] = defaultdict(Counter)
    for fact in facts:
        if fact["source"]:
            sources[fact["source"]["key"]] = fact["source"]
        countries.update(country_of(code) for code in fact["regions"])
        for outcome in fact["outcomes"]:
            directions[outcome["horizon"]][outcome["direction"]] += 1
    return MechanismEvidence(
        mechanism=mechanism, label=concept.label("en"), configurations=len(facts),
        validated=sum(1 for fact in facts if fact["status"] == "validated"),
        sources=[sources[key] for key in sorted(sources)], countries=sorted(countries),
        directions={h: dict(sorted(d.items())) for h, d in sorted(directions.items())})


def provenance(store: GraphStore, node: NodeRef) -> Provenance:
    """From a configuration, or a context, outcome or condition of one, back to its source text."""
    configuration_ref = node
    if node.label in (NodeLabel.CONTEXT, NodeLabel.OUTCOME, NodeLabel.CONDITION):
        owners = store.relationships(end=node)
        owner = next((rel.start for rel in owners if rel.start.label == NodeLabel.CONFIGURATION), None)
        if owner is None:
            raise QueryError(f"No configuration holds {node.label} {node.key!r}.")
        configuration_ref = owner
    if configuration_ref.label != NodeLabel.CONFIGURATION:
        raise QueryError(f"Provenance is kept for configurations and their parts, not for {node.label}.")
    configuration = store.node(configuration_ref.label, configuration_ref.key)
    if configuration is None:
        raise QueryError(f"No configuration {configuration_ref.key!r}.")
    practice = segment = source = None
    segments = []
    for rel in store.relationships(RelType.CONFIGURATION_OF, start=configuration_ref):
        practice = store.node(rel.end.label, rel.end.key)
    for rel in store.relationships(RelType.DERIVED_FROM, start=configuration_ref):
        if rel.end.label == NodeLabel.SEGMENT:
            segment = store.node(rel.end.label, rel.end.key)
            segments.append(segment)
            parent = store.relationships(RelType.PART_OF, start=rel.end)
            source = store.node(parent[0].end.label, parent[0].end.key) if parent else source
        elif source is None:
            source = store.node(rel.end.label, rel.end.key)
    segments.sort(key=lambda found: (found.get("start") is None, found.get("start") or 0))
    return Provenance(node=node, configuration=configuration, practice=practice,
                      segment=segments[0] if segments else segment, source=source, segments=segments)


def neighbourhood(store: GraphStore, node: NodeRef, depth: int = 1) -> Subgraph:
    if not 1 <= depth <= 3:
        raise QueryError("The neighbourhood depth is 1, 2 or 3.")
    return store.neighbourhood(node, depth)
