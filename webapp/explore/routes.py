"""Configurations as the graph holds them: a filterable list, each one with its provenance down to the
coded spans (who said it, when, in which source), and an interactive view of the graph around any
node, with the same content as a table for readers who do not use the drawing."""

from __future__ import annotations

from flask import abort, render_template, request

from graph.errors import GraphError
from graph.queries import QueryError, neighbourhood, provenance
from graph.store import NodeRef
from ontology.concepts import concept_index
from ontology.vocab import CONCEPT_LABELS, NodeLabel, RelType, Scheme
from webapp.explore import bp
from webapp.graph_access import synced_graph
from webapp.security import roles_required

VIEWERS = ("admin", "analyst", "facilitator")
PAGE_SIZE = 100
# Where the explorer starts when nothing is chosen, and what it may start from.
START = (NodeLabel.MECHANISM, "caseworker_intensity")
STARTING_SCHEMES = (Scheme.MECHANISM, Scheme.PROGRAMME_TYPE, Scheme.TARGET_GROUP, Scheme.OUTCOME_MEASURE,
                    Scheme.CONDITION_TYPE)
SHOWN_LABELS = list(NodeLabel)
MAX_DRAWN = 600


def _label(scheme: Scheme, code: str | None) -> str:
    return concept_index().label_of(scheme, code, missing="—")


@bp.route("/")
@roles_required(*VIEWERS)
def index():
    status = request.args.get("status", "validated")
    mechanism = request.args.get("mechanism", "")
    words = request.args.get("q", "").strip().casefold()[:200]
    try:
        store = synced_graph()
        configurations = store.nodes(NodeLabel.CONFIGURATION)
        texts = {}
        if words:
            for rel in store.relationships(RelType.DERIVED_FROM):
                if rel.end.label == NodeLabel.SEGMENT:
                    segment = store.node(rel.end.label, rel.end.key) or {}
                    texts.setdefault(rel.start.key, []).append(str(segment.get("text", "")).casefold())
    except GraphError as error:
        return render_template("explore/index.html", error=str(error), rows=[], status=status,
                               mechanism=mechanism, q=words, mechanisms=[], total=0), 503
    rows = [c for c in configurations
            if (status == "all" or c.get("status") == status)
            and (not mechanism or c.get("mechanism") == mechanism)
            and (not words or any(words in text for text in texts.get(c["key"], []))
                 or words in str(c.get("mechanism_note", "")).casefold())]
    mechanisms = sorted({c.get("mechanism") for c in configurations if c.get("mechanism")})
    return render_template("explore/index.html", rows=rows[:PAGE_SIZE], total=len(rows), status=status,
                           mechanism=mechanism, q=words, error=None, label=_label, Scheme=Scheme,
                           mechanisms=[(code, _label(Scheme.MECHANISM, code)) for code in mechanisms])


@bp.route("/configurations/<key>")
@roles_required(*VIEWERS)
def configuration(key: str):
    try:
        store = synced_graph()
        found = provenance(store, NodeRef(NodeLabel.CONFIGURATION, key))
        ref = NodeRef(NodeLabel.CONFIGURATION, key)
        outcomes = [store.node(rel.end.label, rel.end.key) for rel in store.relationships(RelType.HAS_OUTCOME,
                                                                                           start=ref)]
        conditions = []
        for rel in store.relationships(RelType.HAS_CONDITION, start=ref):
            node = store.node(rel.end.label, rel.end.key) or {}
            kinds = store.relationships(RelType.OF_CONDITION_TYPE, start=rel.end)
            conditions.append({**node, "type": kinds[0].end.key if kinds else None})
        targets = [rel.end.key for rel in store.relationships(RelType.FOR_TARGET_GROUP, start=ref)]
        regions = [rel.end.key for rel in store.relationships(RelType.IN_REGION, start=ref)]
    except QueryError:
        abort(404)
    except GraphError as error:
        return render_template("explore/configuration.html", error=str(error), found=None), 503
    return render_template("explore/configuration.html", error=None, found=found, outcomes=outcomes,
                           conditions=conditions, targets=targets, regions=regions, label=_label, Scheme=Scheme)


def _node_name(ref: NodeRef, properties: dict) -> str:
    scheme = next((s for s, label in CONCEPT_LABELS.items() if label == ref.label), None)
    if scheme is not None:
        return _label(scheme, ref.key)
    for name in ("name", "title", "text", "measure", "description"):
        if properties.get(name):
            value = str(properties[name])
            return value if len(value) <= 60 else value[:57] + "…"
    return ref.key


def _keep(ref: NodeRef, properties: dict, labels: set[str], status: str, countries: dict, country: str) -> bool:
    if str(ref.label) not in labels:
        return False
    if ref.label == NodeLabel.CONFIGURATION:
        if status != "all" and properties.get("status") != status:
            return False
        if country and not any(code.startswith(country) for code in countries.get(ref.key, ())):
            return False
    return True


@bp.route("/graph")
@roles_required(*VIEWERS)
def graph_view():
    """The graph around one node: drawn, and listed as a table with the same content."""
    args = request.args
    chosen = args.get("node", f"{START[0]}:{START[1]}")
    label_name, _, key = chosen.partition(":")
    try:
        depth = int(args.get("depth", "1"))
        start = NodeRef(NodeLabel(label_name), key)
    except ValueError:
        abort(400, "Choose a node as Label:key (for example Mechanism:caseworker_intensity) and a depth of 1 or 2.")
    if depth not in (1, 2) or not key:
        abort(400, "Choose a node as Label:key (for example Mechanism:caseworker_intensity) and a depth of 1 or 2.")
    labels = set(args.getlist("label")) or {str(label) for label in SHOWN_LABELS}
    status = args.get("status", "validated")
    if status not in ("validated", "draft", "all"):
        abort(400, "The state is validated, draft or all.")
    country = args.get("country", "").upper()[:2]
    try:
        store = synced_graph()
        if store.node(start.label, start.key) is None:
            abort(404, f"No {start.label} {start.key!r} in the graph.")
        around = neighbourhood(store, start, depth)
        countries: dict[str, list[str]] = {}
        if country:
            for rel in store.relationships(RelType.IN_REGION):
                countries.setdefault(rel.start.key, []).append(rel.end.key)
    except QueryError as error:
        abort(400, str(error))
    except GraphError as error:
        return render_template("explore/graph.html", error=str(error), elements=[], nodes=[], edges=[],
                               start=start, depth=depth, **_graph_form(labels, status, country)), 503
    kept = {ref: props for ref, props in around.nodes.items()
            if ref == start or _keep(ref, props, labels, status, countries, country)}
    if len(kept) > MAX_DRAWN:
        # The closest nodes first: the start, then by label, so the drawing stays readable.
        kept = dict(sorted(kept.items(), key=lambda item: (item[0] != start, str(item[0].label)))[:MAX_DRAWN])
    edges = [rel for rel in around.relationships if rel.start in kept and rel.end in kept]
    nodes = [{"id": f"{ref.label}:{ref.key}", "label": str(ref.label), "key": ref.key,
              "name": _node_name(ref, props), "properties": props, "start": ref == start}
             for ref, props in sorted(kept.items(), key=lambda item: (str(item[0].label), item[0].key))]
    edge_rows = [{"id": f"e{n}", "source": f"{rel.start.label}:{rel.start.key}",
                  "target": f"{rel.end.label}:{rel.end.key}", "type": str(rel.type)} for n, rel in enumerate(edges)]
    elements = [{"data": node} for node in nodes] + [{"data": edge} for edge in edge_rows]
    names = {node["id"]: node["name"] for node in nodes}
    return render_template("explore/graph.html", error=None, elements=elements, nodes=nodes, edges=edge_rows,
                           names=names, start=start, depth=depth, **_graph_form(labels, status, country))


def _graph_form(labels: set[str], status: str, country: str) -> dict:
    index = concept_index()
    starts = [(str(CONCEPT_LABELS[scheme]), scheme, sorted(((c.code, c.label("en")) for c in index.concepts(scheme)),
                                                           key=lambda c: c[1])) for scheme in STARTING_SCHEMES]
    countries = sorted((c.code, c.label("en")) for c in index.concepts(Scheme.NUTS2021)
                       if c.facts.get("nuts_level") == 0)
    return {"labels": labels, "all_labels": [str(label) for label in SHOWN_LABELS], "status": status,
            "country": country, "starts": starts, "countries": countries}

