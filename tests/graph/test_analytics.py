"""Analytics on a small graph whose answers can be worked out by hand."""

from graph import analytics
from graph.memory_store import MemoryStore
from graph.store import MergeNode, MergeRelationship, NodeRef
from ontology.vocab import NodeLabel, RelType


def configuration(key, mechanism, band, group, direction, practice=None):
    cfg = NodeRef(NodeLabel.CONFIGURATION, key)
    outcome = NodeRef(NodeLabel.OUTCOME, f"{key}.outcome.0")
    changes = [
        MergeNode(cfg.label, key, {"status": "validated"}),
        MergeNode(NodeLabel.MECHANISM, mechanism), MergeNode(NodeLabel.UNEMPLOYMENT_BAND, band),
        MergeNode(NodeLabel.TARGET_GROUP, group),
        MergeNode(outcome.label, outcome.key, {"direction": direction, "horizon": "short_run"}),
        MergeRelationship(RelType.HAS_MECHANISM, cfg, NodeRef(NodeLabel.MECHANISM, mechanism)),
        MergeRelationship(RelType.IN_UNEMPLOYMENT_BAND, cfg, NodeRef(NodeLabel.UNEMPLOYMENT_BAND, band)),
        MergeRelationship(RelType.FOR_TARGET_GROUP, cfg, NodeRef(NodeLabel.TARGET_GROUP, group)),
        MergeRelationship(RelType.HAS_OUTCOME, cfg, outcome),
    ]
    if practice:
        changes += [MergeNode(NodeLabel.PRACTICE, practice, {"name": practice.title()}),
                    MergeRelationship(RelType.CONFIGURATION_OF, cfg, NodeRef(NodeLabel.PRACTICE, practice))]
    return changes


def small_graph():
    store = MemoryStore()
    store.apply(
        configuration("c1", "human_capital", "high", "youth_neet", "positive", "bridge")
        + configuration("c2", "human_capital", "high", "low_skilled", "positive")
        + configuration("c3", "human_capital", "low", "youth_neet", "null", "bridge")
        + configuration("c4", "human_capital", "low", "low_skilled", "negative", "lonely")
        + configuration("c5", "job_matching", "low", "youth_neet", "positive"))
    return store.to_networkx()


def test_cooccurrence_counts_each_context_value_per_mechanism():
    counts = analytics.context_mechanism_cooccurrence(small_graph())
    assert counts["human_capital"] == {"target_group:low_skilled": 2, "target_group:youth_neet": 2,
                                       "unemployment_band:high": 2, "unemployment_band:low": 2}
    assert counts["job_matching"] == {"target_group:youth_neet": 1, "unemployment_band:low": 1}


def test_a_mechanism_whose_direction_flips_with_the_band_is_contested():
    contested = analytics.contested_mechanisms(small_graph(), dimensions=("unemployment_band",))
    assert [(c["mechanism"], c["horizon"]) for c in contested] == [("human_capital", "short_run")]
    assert contested[0]["favourable_in"] == ["unemployment_band:high"]
    assert contested[0]["unfavourable_in"] == ["unemployment_band:low"]
    assert analytics.contested_mechanisms(small_graph(), dimensions=("target_group",)) == []


def test_the_practice_that_links_most_evidence_is_most_central():
    ranked = analytics.central_practices(small_graph())
    assert [p["practice"] for p in ranked] == ["bridge", "lonely"]
    assert ranked[0]["score"] > ranked[1]["score"] and ranked[0]["name"] == "Bridge"
