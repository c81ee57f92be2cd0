"""Exports: RDF that validates against the shapes and matches across backends and formats,
GraphML and CSV that other tools read back."""

import csv
import io

import networkx as nx
import pytest
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from exports import rdf, tables
from exports.registry import EXPORTS, write_export
from graph.projector import initialise_graph, project_pending
from ontology.vocab import ALMPO, NodeLabel, instance_uri


def conforms(data: Graph) -> tuple[bool, str]:
    ok, _, text = validate(data, shacl_graph=rdf.shapes_graph(), ont_graph=rdf.ontology_graph(),
                           inference="rdfs", allow_warnings=True)
    return ok, text


def test_the_rdf_export_of_the_demo_content_validates(evidence_graph):
    exported = rdf.graph_to_rdf(evidence_graph)
    ok, report = conforms(exported)
    assert ok, report[:2000]
    configuration = instance_uri(NodeLabel.CONFIGURATION, "finding-eu002")
    assert (configuration, RDF.type, ALMPO.Configuration) in exported
    assert (configuration, ALMPO.findingId, Literal("EU002")) in exported


def test_a_configuration_without_mechanism_or_provenance_fails_validation(evidence_graph):
    exported = rdf.graph_to_rdf(evidence_graph)
    configuration = instance_uri(NodeLabel.CONFIGURATION, "finding-eu002")
    exported.remove((configuration, ALMPO.hasMechanism, None))
    exported.remove((configuration, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), None))
    ok, report = conforms(exported)
    assert not ok
    assert "exactly one mechanism" in report and "traceable" in report


def test_rdf_is_the_same_graph_in_every_format_and_on_both_backends(evidence_graph, make_store, session_factory):
    turtle = Graph().parse(data=rdf.serialise(evidence_graph, "turtle"), format="turtle")
    json_ld = Graph().parse(data=rdf.serialise(evidence_graph, "json-ld"), format="json-ld")
    triples = Graph().parse(data=rdf.serialise(evidence_graph, "nt"), format="nt")
    assert isomorphic(turtle, json_ld) and isomorphic(turtle, triples)
    reference = make_store("memory")
    initialise_graph(reference)
    project_pending(session_factory, reference)
    assert isomorphic(turtle, rdf.graph_to_rdf(reference))


def test_graphml_and_csv_read_back(evidence_graph, tmp_path):
    graph = evidence_graph.to_networkx()
    graphml = nx.read_graphml(io.BytesIO(tables.graph_to_graphml(evidence_graph).encode()))
    assert graphml.number_of_nodes() == graph.number_of_nodes()
    assert graphml.number_of_edges() == graph.number_of_edges()
    assert graphml.nodes["Configuration:finding-eu002"]["status"] == "validated"

    written = write_export(evidence_graph, "csv", tmp_path / "csv")
    nodes = list(csv.DictReader(io.StringIO((tmp_path / "csv" / "nodes.csv").read_text("utf-8"))))
    edges = list(csv.DictReader(io.StringIO((tmp_path / "csv" / "edges.csv").read_text("utf-8"))))
    assert len(written) == 2 and len(nodes) == graph.number_of_nodes() and len(edges) == graph.number_of_edges()
    assert {"Configuration:finding-eu002", "Region:DE21"} <= {row["id"] for row in nodes}


def test_every_format_is_registered_with_a_description():
    assert set(EXPORTS) == {"turtle", "json-ld", "nt", "graphml", "csv"}
    assert all(export.description for export in EXPORTS.values())
    with pytest.raises(ValueError, match="Unknown RDF format"):
        rdf.serialise(None, "rdfxml")
