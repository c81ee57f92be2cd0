"""The contract every graph store keeps: the same changes give the same answers on both backends."""

import networkx as nx
import pytest

from graph.errors import BrokenReference, InvalidChange
from graph.store import DeleteNode, DeleteRelationship, MergeNode, MergeRelationship, NodeRef
from ontology.vocab import NodeLabel, RelType

P1 = NodeRef(NodeLabel.PRACTICE, "p1")
P2 = NodeRef(NodeLabel.PRACTICE, "p2")
TRAINING = NodeRef(NodeLabel.PROGRAMME_TYPE, "training")
DE = NodeRef(NodeLabel.REGION, "DE")
FR = NodeRef(NodeLabel.REGION, "FR")


def node(ref, **props):
    return MergeNode(ref.label, ref.key, props)


def small_graph():
    return [
        node(P1, name="Vocational training", countries=["DE"]),
        node(P2, name="Job search course"),
        node(TRAINING),
        node(DE, level=0),
        node(FR, level=0),
        MergeRelationship(RelType.OF_TYPE, P1, TRAINING),
        MergeRelationship(RelType.IMPLEMENTED_IN, P1, DE, {"since": 2009}),
        MergeRelationship(RelType.IMPLEMENTED_IN, P2, FR),
    ]


def test_merged_nodes_can_be_read_back(store):
    store.apply(small_graph())
    assert store.node(NodeLabel.PRACTICE, "p1") == {
        "key": "p1", "name": "Vocational training", "countries": ["DE"]}
    assert store.node(NodeLabel.PRACTICE, "absent") is None
    assert [n["key"] for n in store.nodes(NodeLabel.PRACTICE)] == ["p1", "p2"]
    assert store.counts() == {"Practice": 2, "ProgrammeType": 1, "Region": 2, "relationships": 3}


def test_merging_again_updates_in_place(store):
    store.apply(small_graph())
    store.apply(small_graph())
    store.apply([node(P1, name="Renamed", countries=None, year=2009)])
    assert store.node(NodeLabel.PRACTICE, "p1") == {"key": "p1", "name": "Renamed", "year": 2009}
    assert store.counts()["relationships"] == 3
    assert store.counts()["Practice"] == 2


def test_relationships_are_filtered_and_ordered(store):
    store.apply(small_graph())
    everything = store.relationships()
    assert [(r.type, r.start.key, r.end.key) for r in everything] == [
        ("IMPLEMENTED_IN", "p1", "DE"), ("IMPLEMENTED_IN", "p2", "FR"), ("OF_TYPE", "p1", "training")]
    from_p1 = store.relationships(RelType.IMPLEMENTED_IN, start=P1)
    assert len(from_p1) == 1 and from_p1[0].end == DE and from_p1[0].properties == {"since": 2009}
    assert [r.start for r in store.relationships(end=FR)] == [P2]


def test_a_broken_reference_changes_nothing(store):
    store.apply([node(P1)], checkpoint=(0, 3))
    ghost = NodeRef(NodeLabel.REGION, "XX")
    with pytest.raises(BrokenReference, match="XX"):
        store.apply([node(P2), node(TRAINING), MergeRelationship(RelType.OF_TYPE, P2, TRAINING),
                     MergeRelationship(RelType.IMPLEMENTED_IN, P2, ghost)], checkpoint=(0, 4))
    assert store.node(NodeLabel.PRACTICE, "p2") is None
    assert store.counts() == {"Practice": 1, "relationships": 0}
    assert store.last_applied() == (0, 3)


@pytest.mark.parametrize("change, message", [
    (MergeNode("NotALabel", "x", {}), "Unknown node label"),
    (MergeNode(NodeLabel.PRACTICE, "", {}), "non-empty"),
    (MergeNode(NodeLabel.PRACTICE, "x", {"nested": {"a": 1}}), "text, a number"),
    (MergeNode(NodeLabel.PRACTICE, "x", {"key": "other"}), "address"),
    (MergeRelationship("LIKES", P1, P2), "Unknown relationship type"),
])
def test_invalid_changes_are_refused_before_anything_is_written(store, change, message):
    with pytest.raises(InvalidChange, match=message):
        store.apply([node(P1), change])
    assert store.node(NodeLabel.PRACTICE, "p1") is None


def test_deleting_a_node_removes_its_relationships(store):
    store.apply(small_graph())
    store.apply([DeleteNode(P1.label, P1.key), DeleteNode(NodeLabel.PRACTICE, "never-there")])
    assert store.node(NodeLabel.PRACTICE, "p1") is None
    assert [(r.start.key, r.end.key) for r in store.relationships()] == [("p2", "FR")]
    store.apply([DeleteRelationship(RelType.IMPLEMENTED_IN, P2, FR)])
    assert store.relationships() == []
    assert store.node(NodeLabel.REGION, "FR") == {"key": "FR", "level": 0}


def test_the_checkpoint_only_moves_forward_and_clear_resets_it(store):
    assert store.last_applied() == (0, 0)
    store.apply([node(P1)], checkpoint=(0, 7))
    store.apply([], checkpoint=(0, 5))
    assert store.last_applied() == (0, 7)
    # A later transaction comes after, even with a smaller event id; an earlier one never moves it back.
    store.apply([], checkpoint=(12, 3))
    store.apply([], checkpoint=(11, 99))
    assert store.last_applied() == (12, 3)
    store.clear()
    assert store.last_applied() == (0, 0)
    assert store.counts() == {"relationships": 0}


def test_neighbourhood_by_depth(store):
    store.apply(small_graph())
    one = store.neighbourhood(DE, depth=1)
    assert set(one.nodes) == {DE, P1}
    assert [(r.type, r.start, r.end) for r in one.relationships] == [(RelType.IMPLEMENTED_IN, P1, DE)]
    two = store.neighbourhood(DE, depth=2)
    assert set(two.nodes) == {DE, P1, TRAINING}
    assert len(two.relationships) == 2
    assert two.nodes[P1]["name"] == "Vocational training"
    assert store.neighbourhood(NodeRef(NodeLabel.REGION, "ZZ")).nodes == {}


def test_both_backends_export_the_same_networkx_graph(store, make_store):
    store.apply(small_graph())
    reference = make_store("memory")
    reference.apply(small_graph())
    exported, expected = store.to_networkx(), reference.to_networkx()
    assert nx.utils.graphs_equal(exported, expected)
    assert exported.nodes[P1]["name"] == "Vocational training"


def test_health_names_the_backend(store):
    store.apply([], checkpoint=(0, 2))
    health = store.health()
    assert health["backend"] == store.backend
    assert health["last_applied_event"] == 2


def test_configuration_details_are_read_in_one_call(session_factory, store):
    """What the Design Wizard reads of many configurations at once; both backends alike."""
    from graph.projector import initialise_graph, project_pending
    from records.demo import load_demo_content

    load_demo_content(session_factory)
    initialise_graph(store)
    project_pending(session_factory, store)
    keys = ["finding-eu010", "finding-rev001", "no-such-configuration"]
    found = store.configuration_details(keys)
    assert set(found) == {"finding-eu010", "finding-rev001"}
    detail = found["finding-eu010"]
    assert detail["outcomes"] and all({"measure", "direction", "horizon"} <= set(o) for o in detail["outcomes"])
    assert detail["source"]["citation"] and detail["regions"] == sorted(detail["regions"])
    assert detail["practice"] is None or detail["practice"]["name"]
    assert detail["spans"] == []
