"""The knowledge graph as two CSV tables (nodes, edges) and as GraphML, for spreadsheets and
network tools such as Gephi or Cytoscape."""

from __future__ import annotations

import csv
import io
import json

import networkx as nx

from graph.store import GraphStore, NodeRef

__all__ = ["graph_to_csv", "graph_to_graphml", "node_id"]


def node_id(ref: NodeRef) -> str:
    return f"{ref.label}:{ref.key}"


def _flat(value):
    # GraphML and CSV cells hold one value: lists become text, None an empty cell.
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return "" if value is None else value


def graph_to_csv(store: GraphStore) -> dict[str, str]:
    """`{"nodes.csv": text, "edges.csv": text}`; properties as one JSON column, sorted for diffs."""
    graph = store.to_networkx()
    nodes, edges = io.StringIO(), io.StringIO()
    node_writer = csv.writer(nodes, lineterminator="\n")
    node_writer.writerow(["id", "label", "key", "properties"])
    for ref in sorted(graph.nodes):
        properties = {k: v for k, v in graph.nodes[ref].items() if k not in ("label", "key")}
        node_writer.writerow([node_id(ref), ref.label, ref.key, json.dumps(properties, sort_keys=True,
                                                                          ensure_ascii=False)])
    edge_writer = csv.writer(edges, lineterminator="\n")
    edge_writer.writerow(["source", "target", "type", "properties"])
    for start, end, data in sorted(graph.edges(data=True), key=lambda e: (e[2]["type"], e[0], e[1])):
        properties = {k: v for k, v in data.items() if k != "type"}
        edge_writer.writerow([node_id(start), node_id(end), data["type"],
                              json.dumps(properties, sort_keys=True, ensure_ascii=False)])
    return {"nodes.csv": nodes.getvalue(), "edges.csv": edges.getvalue()}


def graph_to_graphml(store: GraphStore) -> str:
    graph = store.to_networkx()
    flat = nx.MultiDiGraph()
    for ref, data in graph.nodes(data=True):
        flat.add_node(node_id(ref), **{k: _flat(v) for k, v in data.items()})
    for start, end, data in graph.edges(data=True):
        flat.add_edge(node_id(start), node_id(end), **{k: _flat(v) for k, v in data.items()})
    return "\n".join(nx.generate_graphml(flat))
