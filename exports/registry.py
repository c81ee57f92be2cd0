"""One registry of export formats: name -> (file suffix or folder, writer)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from exports import rdf, tables
from graph.store import GraphStore

__all__ = ["EXPORTS", "Export", "write_export"]


@dataclass(frozen=True)
class Export:
    name: str
    description: str
    # Returns {file name: text}; one entry for single-file formats.
    render: Callable[[GraphStore], dict[str, str]]


EXPORTS: dict[str, Export] = {
    "turtle": Export("turtle", "RDF in Turtle", lambda s: {"almpo-graph.ttl": rdf.serialise(s, "turtle")}),
    "json-ld": Export("json-ld", "RDF in JSON-LD",
                      lambda s: {"almpo-graph.jsonld": rdf.serialise(s, "json-ld")}),
    "nt": Export("nt", "RDF as N-Triples", lambda s: {"almpo-graph.nt": rdf.serialise(s, "nt")}),
    "graphml": Export("graphml", "GraphML for network tools",
                      lambda s: {"almpo-graph.graphml": tables.graph_to_graphml(s)}),
    "csv": Export("csv", "two CSV tables: nodes and edges", tables.graph_to_csv),
}


def write_export(store: GraphStore, name: str, out: Path) -> list[Path]:
    """Write the export to `out`: a file for one-file formats, a folder for CSV. Returns the files."""
    files = EXPORTS[name].render(store)
    if len(files) == 1:
        target = out if out.suffix else out / next(iter(files))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(next(iter(files.values())), encoding="utf-8")
        return [target]
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, text in files.items():
        (out / file_name).write_text(text, encoding="utf-8")
        written.append(out / file_name)
    return written
