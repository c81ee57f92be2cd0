"""The concept schemes as graph nodes, and the changes that put them in a store.

Concept nodes are keyed by their code and carry their labels in every language, so that queries
and pages can name them without reading the Turtle files.
"""

from __future__ import annotations

from decimal import Decimal

from graph.store import GraphChange, MergeNode, MergeRelationship, NodeRef
from ontology.concepts import LANGUAGES, Concept, ConceptIndex, UnknownConcept, concept_index
from ontology.regions import band_for_rate, regional_rates
from ontology.vocab import CONCEPT_LABELS, NodeLabel, RelType, Scheme

__all__ = ["concept_changes", "concept_ref"]


def concept_ref(scheme: Scheme, code: str) -> NodeRef:
    """The node of a concept; raises `UnknownConcept` for a code the scheme lacks."""
    concept_index().get(scheme, code)
    return NodeRef(CONCEPT_LABELS[scheme], code)


def _properties(concept: Concept) -> dict:
    properties = {"scheme": str(concept.scheme), "uri": concept.uri, "definition": concept.definition}
    for lang in LANGUAGES:
        properties[f"label_{lang}"] = concept.label(lang)
    for name, value in concept.facts.items():
        # Graph stores hold numbers, not Decimals (the bounds of unemployment bands are decimals).
        properties[name] = float(value) if isinstance(value, Decimal) else value
    return properties


def concept_changes(index: ConceptIndex | None = None) -> list[GraphChange]:
    """Every concept node, its place in its scheme, and the regional unemployment figures."""
    index = index or concept_index()
    nodes: list[GraphChange] = []
    links: list[GraphChange] = []
    for scheme, label in CONCEPT_LABELS.items():
        for concept in index.concepts(scheme):
            nodes.append(MergeNode(label, concept.code, _properties(concept)))
            for broader in concept.broader:
                links.append(MergeRelationship(RelType.BROADER, NodeRef(label, concept.code),
                                               NodeRef(label, broader)))
            for match_scheme, code in concept.broad_match:
                if match_scheme in CONCEPT_LABELS and index.has(match_scheme, code):
                    links.append(MergeRelationship(RelType.MAPS_TO, NodeRef(label, concept.code),
                                                   NodeRef(CONCEPT_LABELS[match_scheme], code)))
    for rate in regional_rates().values():
        try:
            region = concept_ref(Scheme.NUTS2021, rate.region)
        except UnknownConcept:
            continue
        links.append(MergeRelationship(
            RelType.HAS_UNEMPLOYMENT_BAND, region,
            NodeRef(NodeLabel.UNEMPLOYMENT_BAND, band_for_rate(rate.rate)),
            {"rate": float(rate.rate), "year": rate.year, "source_url": rate.source_url,
             "dataset": "lfst_r_lfu3rt"}))
    return nodes + links
