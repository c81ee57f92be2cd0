"""Named queries and analytics: the same answers on both backends, and answers that make sense."""

import pytest

from graph import analytics
from graph.queries import (
    ContextQuery,
    QueryError,
    configurations_matching_context,
    evidence_for_mechanism,
    neighbourhood,
    provenance,
)
from graph.store import NodeRef
from ontology.vocab import NodeLabel

QUERIES = [
    ContextQuery(target_groups=("youth_neet",)),
    ContextQuery(target_groups=("long_term_unemployed",), region="DE21", unemployment_band="high"),
    ContextQuery(region="FRK2", unemployment_band="low", limit=None),
    ContextQuery(target_groups=("migrants_refugees", "low_skilled"), region="SE", validated_only=False),
]


@pytest.mark.parametrize("query", QUERIES)
def test_context_matching_is_identical_on_both_backends(evidence_graph, reference_graph, query):
    assert configurations_matching_context(evidence_graph, query) == \
        configurations_matching_context(reference_graph, query)


def test_context_matching_ranks_closer_contexts_first(evidence_graph):
    matches = configurations_matching_context(evidence_graph, ContextQuery(
        target_groups=("youth_neet",), region="FR10", unemployment_band="high", limit=None))
    assert matches and all(m.status == "validated" for m in matches)
    scores = [m.score for m in matches]
    assert scores == sorted(scores, reverse=True)
    top = matches[0]
    assert "target_group" in top.matched and ("country" in top.matched or "region" in top.matched)
    # Garantie jeunes (France, young NEETs) is among the evidence for a young person in Paris.
    assert any(m.configuration in ("finding-eu010", "finding-eu011") for m in matches)
    assert all("region" not in m.matched or "country" not in m.matched for m in matches)


@pytest.mark.parametrize("query, message", [
    (ContextQuery(), "at least a target group"),
    (ContextQuery(region="XX11"), "Unknown region 'XX11'"),
    (ContextQuery(target_groups=("aliens",)), "Unknown target group 'aliens'"),
    (ContextQuery(unemployment_band="extreme"), "Unknown unemployment band"),
])
def test_bad_context_queries_say_what_is_wrong(evidence_graph, query, message):
    with pytest.raises(QueryError, match=message):
        configurations_matching_context(evidence_graph, query)


def test_evidence_for_a_mechanism(evidence_graph, reference_graph):
    evidence = evidence_for_mechanism(evidence_graph, "lock_in")
    assert evidence == evidence_for_mechanism(reference_graph, "lock_in")
    assert evidence.configurations >= 10 and evidence.validated_share == 1.0
    assert len(evidence.sources) >= 5 and all(s["citation"] for s in evidence.sources)
    assert "short_run" in evidence.directions
    assert sum(evidence.directions["short_run"].values()) >= 1
    assert evidence.countries and all(len(c) == 2 for c in evidence.countries)
    with pytest.raises(QueryError, match="telepathy"):
        evidence_for_mechanism(evidence_graph, "telepathy")


def test_provenance_leads_from_an_outcome_to_its_study(evidence_graph):
    trail = provenance(evidence_graph, NodeRef(NodeLabel.OUTCOME, "finding-eu002.outcome.0"))
    assert trail.configuration["finding_id"] == "EU002"
    assert "Lechner & Wunsch 2009" in trail.source["citation"]
    assert trail.source["url"].startswith("http")
    assert trail.practice["name"].startswith("Training programmes for the unemployed")
    with pytest.raises(QueryError):
        provenance(evidence_graph, NodeRef(NodeLabel.CONFIGURATION, "no-such-configuration"))


def test_neighbourhood_of_a_mechanism(evidence_graph, reference_graph):
    ref = NodeRef(NodeLabel.MECHANISM, "threat_effect")
    around = neighbourhood(evidence_graph, ref, 1)
    assert around.nodes.keys() == neighbourhood(reference_graph, ref, 1).nodes.keys()
    assert {n.label for n in around.nodes} == {NodeLabel.MECHANISM, NodeLabel.CONFIGURATION}
    with pytest.raises(QueryError):
        neighbourhood(evidence_graph, ref, 9)


def test_analytics_agree_on_both_backends(evidence_graph, reference_graph):
    ours, theirs = evidence_graph.to_networkx(), reference_graph.to_networkx()
    assert analytics.context_mechanism_cooccurrence(ours) == analytics.context_mechanism_cooccurrence(theirs)
    assert analytics.contested_mechanisms(ours) == analytics.contested_mechanisms(theirs)
    assert analytics.central_practices(ours) == analytics.central_practices(theirs)
