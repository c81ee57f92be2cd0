"""The knowledge graph as RDF, in the platform's ontology, with PROV-O provenance.

Instances get URIs under `https://w3id.org/eu-almpo/id/`; concept nodes are written as the
concept URIs of the shipped schemes, typed with their class, so the export stands on its own and
validates against `ontology/shapes.ttl`.
"""

from __future__ import annotations

from importlib import resources

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from graph.store import GraphStore, NodeRef
from ontology.concepts import concept_index
from ontology.vocab import (
    ALMPO,
    CONCEPT_LABELS,
    NUTS,
    PREFIXES,
    NodeLabel,
    RelType,
    Scheme,
    concept_uri,
    instance_uri,
)

__all__ = ["FORMATS", "graph_to_rdf", "serialise", "shapes_graph", "ontology_graph"]

FORMATS = {"turtle": "turtle", "json-ld": "json-ld", "nt": "nt"}

_SCHEME_OF_LABEL = {label: scheme for scheme, label in CONCEPT_LABELS.items()}

_CLASS_OF_LABEL = {
    NodeLabel.PRACTICE: ALMPO.Practice, NodeLabel.CONFIGURATION: ALMPO.Configuration,
    NodeLabel.CONTEXT: ALMPO.Context, NodeLabel.OUTCOME: ALMPO.Outcome,
    NodeLabel.SEGMENT: ALMPO.Segment, NodeLabel.PROGRAMME_TYPE: ALMPO.ProgrammeType,
    NodeLabel.LMP_CATEGORY: ALMPO.LmpCategory, NodeLabel.TARGET_GROUP: ALMPO.TargetGroup,
    NodeLabel.MECHANISM: ALMPO.Mechanism, NodeLabel.OUTCOME_MEASURE: ALMPO.OutcomeMeasure,
    NodeLabel.CONDITION_TYPE: ALMPO.ConditionType, NodeLabel.SKILL_LEVEL: ALMPO.SkillLevel,
    NodeLabel.UNEMPLOYMENT_BAND: ALMPO.UnemploymentBand, NodeLabel.STUDY_DESIGN: ALMPO.StudyDesign,
    NodeLabel.CYCLE_PHASE: ALMPO.CyclePhase,
    NodeLabel.REGION: ALMPO.Region,
}
_SOURCE_CLASSES = {"document": ALMPO.Document, "survey_response": ALMPO.SurveyResponse,
                   "session_transcript": ALMPO.SessionTranscript}
_CONDITION_CLASSES = {"enabling": ALMPO.EnablingCondition, "hindering": ALMPO.HinderingCondition}

_PREDICATES = {
    RelType.OF_TYPE: ALMPO.programmeType, RelType.IMPLEMENTED_IN: ALMPO.implementedIn,
    RelType.DOCUMENTED_BY: ALMPO.documentedBy, RelType.CONFIGURATION_OF: ALMPO.configurationOf,
    RelType.ABOUT_PROGRAMME_TYPE: ALMPO.programmeType, RelType.HAS_CONTEXT: ALMPO.hasContext,
    RelType.FOR_TARGET_GROUP: ALMPO.targetGroup, RelType.IN_REGION: ALMPO.region,
    RelType.FOR_SKILL_LEVEL: ALMPO.skillLevel, RelType.IN_UNEMPLOYMENT_BAND: ALMPO.unemploymentBand,
    RelType.IN_CYCLE_PHASE: ALMPO.cyclePhase,
    RelType.HAS_MECHANISM: ALMPO.hasMechanism, RelType.HAS_OUTCOME: ALMPO.hasOutcome,
    RelType.MEASURED_AS: ALMPO.measuredAs, RelType.HAS_CONDITION: ALMPO.hasCondition,
    RelType.OF_CONDITION_TYPE: ALMPO.conditionType, RelType.DERIVED_FROM: PROV.wasDerivedFrom,
    RelType.PART_OF: ALMPO.partOf, RelType.USES_DESIGN: ALMPO.studyDesign,
    RelType.BROADER: SKOS.broader, RelType.MAPS_TO: SKOS.broadMatch,
    RelType.HAS_UNEMPLOYMENT_BAND: ALMPO.unemploymentBand,
}

# Node properties written as data, by predicate; the rest stay in the graph only.
_LITERALS = {
    "name": RDFS.label, "title": DCTERMS.title, "citation": DCTERMS.bibliographicCitation,
    "description": DCTERMS.description, "note": RDFS.comment, "mechanism_note": RDFS.comment,
    "status": ALMPO.validationStatus, "effect_size": ALMPO.effectSize, "text": ALMPO.text,
    "start": ALMPO.startOffset, "end": ALMPO.endOffset, "finding_id": ALMPO.findingId,
}


def uri_of(ref: NodeRef) -> URIRef:
    scheme = _SCHEME_OF_LABEL.get(ref.label)
    if scheme is Scheme.NUTS2021:
        return concept_uri(scheme, ref.key)
    return concept_uri(scheme, ref.key) if scheme else instance_uri(ref.label, ref.key)


def _plain_concept(rdf: Graph, scheme: Scheme, code: str) -> None:
    """A concept that is no graph node (an outcome's direction or horizon), so the export names it."""
    concept = concept_index().get(scheme, code)
    subject = URIRef(concept.uri)
    rdf.add((subject, RDF.type, SKOS.Concept))
    rdf.add((subject, SKOS.notation, Literal(code)))
    for language, label in concept.labels.items():
        rdf.add((subject, SKOS.prefLabel, Literal(label, lang=language or None)))


def _node_triples(rdf: Graph, ref: NodeRef, properties: dict) -> None:
    subject = uri_of(ref)
    if ref.label == NodeLabel.SOURCE:
        rdf.add((subject, RDF.type, _SOURCE_CLASSES.get(properties.get("kind"), ALMPO.Source)))
        if properties.get("url"):
            rdf.add((subject, ALMPO.sourceUrl, Literal(properties["url"], datatype=XSD.anyURI)))
        if properties.get("year"):
            rdf.add((subject, DCTERMS.date, Literal(str(properties["year"]), datatype=XSD.gYear)))
    elif ref.label == NodeLabel.CONDITION:
        rdf.add((subject, RDF.type, _CONDITION_CLASSES[properties["kind"]]))
    else:
        rdf.add((subject, RDF.type, _CLASS_OF_LABEL[ref.label]))
    if ref.label in _SCHEME_OF_LABEL:
        rdf.add((subject, RDF.type, SKOS.Concept))
        rdf.add((subject, SKOS.notation, Literal(ref.key)))
        labels = {name.removeprefix("label_"): value for name, value in properties.items()
                  if name.startswith("label_") and value}
        if len(set(labels.values())) == 1:
            # One name in every language: a region's official name, written without a language tag.
            rdf.add((subject, SKOS.prefLabel, Literal(next(iter(labels.values())))))
        else:
            for language, value in labels.items():
                rdf.add((subject, SKOS.prefLabel, Literal(value, lang=language)))
        if ref.label == NodeLabel.REGION:
            rdf.add((subject, SKOS.exactMatch, NUTS[ref.key]))
        return
    if ref.label == NodeLabel.OUTCOME:
        for predicate, scheme, code in ((ALMPO.direction, Scheme.OUTCOME_DIRECTION, properties["direction"]),
                                        (ALMPO.horizon, Scheme.HORIZON, properties["horizon"])):
            rdf.add((subject, predicate, concept_uri(scheme, code)))
            _plain_concept(rdf, scheme, code)
    for name, predicate in _LITERALS.items():
        value = properties.get(name)
        if value not in (None, ""):
            rdf.add((subject, predicate, Literal(value)))


def graph_to_rdf(store: GraphStore) -> Graph:
    """The whole graph as RDF triples."""
    rdf = Graph()
    for prefix, namespace in PREFIXES.items():
        rdf.bind(prefix, namespace)
    graph: nx.MultiDiGraph = store.to_networkx()
    for ref, data in graph.nodes(data=True):
        _node_triples(rdf, ref, {k: v for k, v in data.items() if k != "label"})
    for start, end, data in graph.edges(data=True):
        rel = RelType(data["type"])
        predicate = _PREDICATES[rel]
        if rel == RelType.HAS_UNEMPLOYMENT_BAND:
            # A figure, not a plain link: the band is kept with the rate and year it rests on.
            rdf.add((uri_of(start), predicate, uri_of(end)))
            rdf.add((uri_of(start), ALMPO.unemploymentRate, Literal(str(data["rate"]), datatype=XSD.decimal)))
            continue
        rdf.add((uri_of(start), predicate, uri_of(end)))
    return rdf


def serialise(store: GraphStore, format: str) -> str:
    if format not in FORMATS:
        raise ValueError(f"Unknown RDF format {format!r}; choose one of {', '.join(FORMATS)}.")
    return graph_to_rdf(store).serialize(format=FORMATS[format])


def _packaged(name: str) -> Graph:
    graph = Graph()
    graph.parse(data=resources.files("ontology").joinpath(name).read_text("utf-8"), format="turtle")
    return graph


def shapes_graph() -> Graph:
    return _packaged("shapes.ttl")


def ontology_graph() -> Graph:
    return _packaged("almpo.ttl")
