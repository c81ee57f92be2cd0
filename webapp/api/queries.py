"""The knowledge graph's named queries and the Design Wizard as JSON, described in the OpenAPI
document served at /api/openapi.json.

Everything here only reads. The wizard and the context and mechanism queries answer from validated
evidence and are open to everyone, as the wizard's pages are. Provenance and neighbourhoods reach
drafts, reviewers' and coders' names and what was said in sessions, so they are for the same roles
as the explore pages.
"""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import asdict
from importlib import resources
from typing import Any, NoReturn

import yaml
from flask import abort, jsonify, make_response, request

from graph.errors import GraphError
from graph.queries import (
    ContextMatch,
    ContextQuery,
    QueryError,
    configurations_matching_context,
    evidence_for_mechanism,
    neighbourhood,
    provenance,
)
from graph.store import NodeRef
from ontology.vocab import KEY_PROPERTY, NodeLabel
from webapp.api import bp
from webapp.explore.routes import VIEWERS
from webapp.graph_access import synced_graph
from webapp.security import roles_required
from webapp.wizard.routes import MAX_TARGET_GROUPS
from webapp.wizard.routes import answer_json as wizard_answer_json

MAX_LIMIT = 1000
DEFAULT_LIMIT = 200
MAX_DEPTH = 3
# Parameters that take one value: a second one is refused rather than silently dropped.
WIZARD_SINGLE = ("region", "band", "skill", "phase", "objective", "horizon", "lang")
CONTEXT_SINGLE = ("region", "band", "skill", "limit")
LABELS = frozenset(NodeLabel)


@functools.cache
def _document() -> dict[str, Any]:
    text = resources.files("webapp.api").joinpath("openapi.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def _graph_unavailable(error: GraphError) -> NoReturn:
    abort(503, f"The knowledge graph cannot answer now: {error}")


def _once(*names: str) -> None:
    for name in names:
        if len(request.args.getlist(name)) > 1:
            abort(400, f"Give {name} at most once.")


def _whole_number(name: str, default: int, low: int, high: int) -> int:
    value = request.args.get(name, "")
    if value == "":
        return default
    # Digits only: int() would also take " 5", "5_0" and other scripts' digits.
    if not re.fullmatch(r"[0-9]{1,9}", value) or not low <= int(value) <= high:
        abort(400, f"{name} must be a whole number from {low} to {high}.")
    return int(value)


def _ref(ref: NodeRef) -> dict[str, str]:
    return {"label": str(ref.label), "key": ref.key}


def _match_json(match: ContextMatch) -> dict[str, Any]:
    return {"configuration": match.configuration, "matched": list(match.matched),
            "programme_type": match.programme_type, "mechanism": match.mechanism, "status": match.status,
            "score": match.score}


@bp.route("/openapi.json")
def openapi_document():
    """This API described in OpenAPI 3.1."""
    document = copy.deepcopy(_document())
    # Relative to the host, so it holds wherever the app is mounted.
    document["servers"] = [{"url": f"{request.script_root}{bp.url_prefix}",
                            "description": "This platform"}]
    return jsonify(document)


@bp.route("/wizard")
def wizard():
    """The Design Wizard's answer, exactly as /wizard/answer.json gives it."""
    _once(*WIZARD_SINGLE)
    response = make_response(wizard_answer_json())
    # The wizard's export names a file to save; an API answer is not a download.
    response.headers.pop("Content-Disposition", None)
    return response


@bp.route("/context-matches")
def context_matches():
    """Validated configurations that share part of a context, most shared parts first."""
    _once(*CONTEXT_SINGLE)
    groups = tuple(dict.fromkeys(code for code in request.args.getlist("group") if code))
    if len(groups) > MAX_TARGET_GROUPS:
        abort(400, f"Choose at most {MAX_TARGET_GROUPS} target groups.")
    query = ContextQuery(target_groups=groups, region=request.args.get("region") or None,
                         unemployment_band=request.args.get("band") or None,
                         skill_level=request.args.get("skill") or None, validated_only=True,
                         limit=_whole_number("limit", DEFAULT_LIMIT, 1, MAX_LIMIT))
    try:
        matches = configurations_matching_context(synced_graph(), query)
    except QueryError as error:
        abort(400, str(error))
    except GraphError as error:
        _graph_unavailable(error)
    return jsonify(query={"target_groups": list(query.target_groups), "region": query.region,
                          "unemployment_band": query.unemployment_band, "skill_level": query.skill_level,
                          "limit": query.limit},
                   count=len(matches), matches=[_match_json(match) for match in matches])


@bp.route("/mechanisms/<code>/evidence")
def mechanism_evidence(code: str):
    """How much evidence there is for a mechanism, from where, and which way its outcomes go."""
    try:
        evidence = evidence_for_mechanism(synced_graph(), code)
    except QueryError as error:
        abort(400, str(error))
    except GraphError as error:
        _graph_unavailable(error)
    return jsonify({**asdict(evidence), "validated_share": round(evidence.validated_share, 3)})


@bp.route("/configurations/<key>/provenance")
@roles_required(*VIEWERS)
def configuration_provenance(key: str):
    """A configuration and the path back to the source and the words it came from."""
    ref = NodeRef(NodeLabel.CONFIGURATION, key)
    try:
        found = provenance(synced_graph(), ref)
    except QueryError:
        abort(404, f"There is no configuration {key!r}.")
    except GraphError as error:
        _graph_unavailable(error)
    return jsonify(node=_ref(ref), configuration=found.configuration, practice=found.practice,
                   segment=found.segment, source=found.source, segments=found.segments)


@bp.route("/nodes/<label>/<key>/neighbourhood")
@roles_required(*VIEWERS)
def node_neighbourhood(label: str, key: str):
    """A node and everything within `depth` hops of it, in either direction."""
    if label not in LABELS:
        abort(404, f"Unknown node label {label!r}: use one of {', '.join(NodeLabel)}.")
    _once("depth")
    depth = _whole_number("depth", 1, 1, MAX_DEPTH)
    ref = NodeRef(NodeLabel(label), key)
    try:
        store = synced_graph()
        if store.node(ref.label, ref.key) is None:
            abort(404, f"There is no {label} {key!r} in the graph.")
        found = neighbourhood(store, ref, depth)
    except QueryError as error:
        abort(400, str(error))
    except GraphError as error:
        _graph_unavailable(error)
    nodes = [{**_ref(node), "properties": {name: value for name, value in properties.items()
                                           if name != KEY_PROPERTY}}
             for node, properties in sorted(found.nodes.items())]
    relationships = [{"type": str(rel.type), "start": _ref(rel.start), "end": _ref(rel.end),
                      "properties": rel.properties} for rel in found.relationships]
    return jsonify(node=_ref(ref), depth=depth, nodes=nodes, relationships=relationships)
