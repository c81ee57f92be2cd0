"""Configurations as the graph holds them: a filterable list, and each one with its provenance down
to the coded spans (who said it, when, in which source)."""

from __future__ import annotations

from flask import abort, render_template, request

from graph.errors import GraphError
from graph.queries import QueryError, provenance
from graph.store import NodeRef
from ontology.concepts import concept_index
from ontology.vocab import NodeLabel, RelType, Scheme
from webapp.explore import bp
from webapp.graph_access import synced_graph
from webapp.security import roles_required

VIEWERS = ("admin", "analyst", "facilitator")
PAGE_SIZE = 100


def _label(scheme: Scheme, code: str | None) -> str:
    index = concept_index()
    return index.get(scheme, code).label("en") if code and index.has(scheme, code) else (code or "—")


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
