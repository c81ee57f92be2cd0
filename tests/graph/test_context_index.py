"""The in-process context index ranks exactly as the graph query it replaces, on both backends, and
is never stale: any change to the graph makes the next question read the graph again."""

from __future__ import annotations

import random

import pytest

from graph.context_index import context_index_of
from graph.projector import _configuration_nodes, initialise_graph
from graph.store import DeleteNode, MergeNode
from ontology.concepts import concept_index
from ontology.vocab import NodeLabel, Scheme

SOURCE = "index-test-source"


def configurations(count: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    index = concept_index()
    codes = {scheme: [c.code for c in index.concepts(scheme)] for scheme in Scheme}
    regions = [c.code for c in index.concepts(Scheme.NUTS2021) if c.facts.get("nuts_level") == 2]
    states = []
    for n in range(count):
        region = rng.choice(regions)
        states.append({
            "key": f"cfg-{n:04d}", "status": rng.choice(["validated", "draft"]), "source_key": SOURCE,
            "programme_type": rng.choice(codes[Scheme.PROGRAMME_TYPE]),
            "mechanism": rng.choice(codes[Scheme.MECHANISM]),
            "target_groups": rng.sample(codes[Scheme.TARGET_GROUP], rng.randint(0, 2)),
            "countries": [region[:2]] if rng.random() < 0.8 else [], "region": region if rng.random() < 0.5 else None,
            "skill_level": rng.choice(codes[Scheme.SKILL_LEVEL] + [None]),
            "unemployment_band": rng.choice(codes[Scheme.UNEMPLOYMENT_BAND] + [None]),
            "cycle_phase": rng.choice(codes[Scheme.CYCLE_PHASE] + [None, None]),
            "outcomes": [{"measure": "employment", "direction": "positive", "horizon": "short_run"}],
            "conditions": [],
        })
    return states


@pytest.fixture
def filled(store):
    initialise_graph(store)
    store.apply([MergeNode(NodeLabel.SOURCE, SOURCE, {"kind": "document"})])
    for state in configurations(400):
        store.apply(_configuration_nodes(state))
    return store


def questions(count: int, seed: int = 3) -> list[dict]:
    rng = random.Random(seed)
    index = concept_index()
    groups = [c.code for c in index.concepts(Scheme.TARGET_GROUP)]
    regions = [c.code for c in index.concepts(Scheme.NUTS2021) if c.facts.get("nuts_level") == 2]
    found = []
    for _ in range(count):
        region = rng.choice(regions)
        found.append({
            "target_groups": rng.sample(groups, rng.randint(0, 2)), "region_codes": [region, region[:3]],
            "country_codes": [region[:2]] if rng.random() < 0.7 else [],
            "unemployment_band": rng.choice(["low", "medium", "high", None]),
            "skill_codes": rng.choice([[], ["low", "1", "2"], ["3"]]),
            "cycle_codes": rng.choice([(), ("below_trend", "slowdown"), ("expansion",)]),
            "validated_only": rng.random() < 0.5, "limit": rng.choice([None, 5, 50]),
        })
    return found


def test_the_index_ranks_exactly_as_the_graph_query(filled):
    index = context_index_of(filled)
    assert len(index) == 400
    for question in questions(60):
        reference = [row | {"dims": sorted(row["dims"])} for row in filled.configurations_in_context(**question)]
        assert index.in_context(**question) == reference, question


def test_any_change_to_the_graph_is_seen_by_the_next_question(filled):
    question = {"target_groups": [], "region_codes": [], "country_codes": [], "unemployment_band": "high",
                "skill_codes": [], "validated_only": False, "limit": None}
    before = context_index_of(filled)
    assert context_index_of(filled) is before  # nothing changed: the same index
    first = before.in_context(**question)[0]["key"]
    filled.apply([DeleteNode(NodeLabel.CONFIGURATION, first)])
    after = context_index_of(filled)
    assert after is not before and first not in {row["key"] for row in after.in_context(**question)}
    filled.clear()
    assert len(context_index_of(filled)) == 0
