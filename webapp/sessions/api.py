"""The coding page's JSON: the coder's annotations and pending suggestions, and every action on them.

Each action answers with the whole new state of the source for this coder, so the page never
drifts from the records. Refusals are 400/404/409 with {"error": {"status", "message"}}, as everywhere
on the platform; nothing is changed then.
"""

from __future__ import annotations

from flask import abort, jsonify, request
from flask_login import current_user

from ontology.concepts import concept_index
from ontology.vocab import Scheme
from records.annotations import (
    CONCEPT_SCHEMES,
    accept_suggestion,
    accept_suggestions_above,
    annotate,
    annotations_of,
    delete_annotation,
    edit_annotation,
    pending_suggestions,
    reject_suggestion,
)
from records.errors import Conflict, NotFound, RecordsError, ValidationError
from records.models import Annotation, Suggestion
from webapp.database import db_session
from webapp.security import roles_required
from webapp.sessions import bp
from webapp.sessions.routes import CODERS, _coding_session, source_in_session
from webapp.sessions.suggest import current_model_version

MAX_CONCEPT_RESULTS = 12


def _concept_json(scheme: str | None, code: str | None, language: str) -> dict | None:
    if not scheme or not code:
        return None
    index = concept_index()
    if not index.has(Scheme(scheme), code):
        return {"scheme": scheme, "code": code, "label": code}
    return {"scheme": scheme, "code": code, "label": index.get(Scheme(scheme), code).label(language)}


def _annotation_json(annotation: Annotation, language: str) -> dict:
    return {"key": annotation.key, "label": annotation.label, "start": annotation.start, "end": annotation.end,
            "quote": annotation.quote, "memo": annotation.memo, "origin": annotation.origin,
            "concept": _concept_json(annotation.concept_scheme, annotation.concept_code, language)}


def _suggestion_json(suggestion: Suggestion, text: str, language: str) -> dict:
    return {"id": suggestion.id, "label": suggestion.label, "start": suggestion.start, "end": suggestion.end,
            "quote": text[suggestion.start:suggestion.end], "score": round(suggestion.score, 3),
            "reason": suggestion.reason, "model": suggestion.model_version,
            "concept": _concept_json(suggestion.concept_scheme, suggestion.concept_code, language)}


def _state(source_key: str, text: str, language: str, status: int = 200):
    session = db_session()
    coder = current_user.username
    return jsonify(
        coder=coder, model=current_model_version(),
        annotations=[_annotation_json(a, language) for a in annotations_of(session, source_key, coder)],
        suggestions=[_suggestion_json(s, text, language) for s in pending_suggestions(session, source_key, coder)],
    ), status


def _source(key: str, source_key: str):
    record = _coding_session(key)
    return record, source_in_session(record, source_key)


class BadRequest(ValidationError):
    """A request the coding page's JSON cannot take; answered like every other refusal."""


def _body(required: bool = True) -> dict:
    body = request.get_json(silent=True)
    if body is None and not required:
        return {}
    if not isinstance(body, dict):
        raise BadRequest("Send a JSON object.")
    return body


def _refused(error: RecordsError):
    db_session().rollback()
    status = 404 if isinstance(error, NotFound) else 409 if isinstance(error, Conflict) else 400
    return jsonify(error={"status": status, "message": str(error)}), status


def _int_or_none(body: dict, name: str):
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest(f"{name} is a whole number.")
    return value


def _text_or_none(body: dict, name: str, limit: int = 20_000):
    value = body.get(name)
    if value is not None and (not isinstance(value, str) or len(value) > limit):
        raise BadRequest(f"{name} is a text of at most {limit} characters.")
    return value


@bp.route("/<key>/sources/<source_key>/state")
@roles_required(*CODERS)
def coding_state(key: str, source_key: str):
    record, source = _source(key, source_key)
    return _state(source_key, source.text, record.language)


@bp.route("/<key>/sources/<source_key>/annotations", methods=["POST"])
@roles_required(*CODERS)
def create_annotation(key: str, source_key: str):
    record, source = _source(key, source_key)
    try:
        body = _body()
        annotate(db_session(), source_key=source_key, coder=current_user.username,
                 label=_text_or_none(body, "label") or "", start=_int_or_none(body, "start"),
                 end=_int_or_none(body, "end"), concept_scheme=_text_or_none(body, "concept_scheme"),
                 concept_code=_text_or_none(body, "concept_code"), memo=_text_or_none(body, "memo") or "")
        db_session().commit()
    except RecordsError as error:
        return _refused(error)
    return _state(source_key, source.text, record.language, 201)


@bp.route("/<key>/sources/<source_key>/annotations/<annotation_key>", methods=["PATCH", "DELETE"])
@roles_required(*CODERS)
def change_annotation(key: str, source_key: str, annotation_key: str):
    record, source = _source(key, source_key)
    session = db_session()
    try:
        if request.method == "DELETE":
            delete_annotation(session, annotation_key, coder=current_user.username, source_key=source_key)
        else:
            body = _body()
            changes = {}
            for name in ("concept_scheme", "concept_code"):
                if name in body:
                    changes[name] = _text_or_none(body, name)
            edit_annotation(session, annotation_key, coder=current_user.username,
                            label=_text_or_none(body, "label"), start=_int_or_none(body, "start"),
                            end=_int_or_none(body, "end"), memo=_text_or_none(body, "memo"), source_key=source_key,
                            **changes)
        session.commit()
    except RecordsError as error:
        return _refused(error)
    return _state(source_key, source.text, record.language)


@bp.route("/<key>/sources/<source_key>/suggestions/<int:suggestion_id>/<action>", methods=["POST"])
@roles_required(*CODERS)
def decide_suggestion(key: str, source_key: str, suggestion_id: int, action: str):
    record, source = _source(key, source_key)
    session = db_session()
    try:
        if action == "accept":
            body = _body(required=False)
            accept_suggestion(session, suggestion_id, coder=current_user.username, source_key=source_key,
                              label=_text_or_none(body, "label"), start=_int_or_none(body, "start"),
                              end=_int_or_none(body, "end"), concept_scheme=_text_or_none(body, "concept_scheme"),
                              concept_code=_text_or_none(body, "concept_code"))
        elif action == "reject":
            reject_suggestion(session, suggestion_id, coder=current_user.username, source_key=source_key)
        else:
            abort(404)
        session.commit()
    except RecordsError as error:
        return _refused(error)
    return _state(source_key, source.text, record.language)


@bp.route("/<key>/sources/<source_key>/suggestions/accept-above", methods=["POST"])
@roles_required(*CODERS)
def accept_above(key: str, source_key: str):
    record, source = _source(key, source_key)
    try:
        threshold = _body().get("threshold")
        if isinstance(threshold, bool) or not isinstance(threshold, int | float):
            raise BadRequest("The threshold is a number from 0 to 1.")
        accepted = accept_suggestions_above(db_session(), source_key, coder=current_user.username,
                                            threshold=float(threshold))
        db_session().commit()
    except RecordsError as error:
        return _refused(error)
    response, status = _state(source_key, source.text, record.language)
    response.headers["X-Accepted"] = str(len(accepted))
    return response, status


@bp.route("/concepts")
@roles_required(*CODERS, "analyst")
def concepts():
    """Search as you type: concepts a span of `label` may link to, matched in `lang` (and English)."""
    label = request.args.get("label", "")
    if label not in CONCEPT_SCHEMES:
        return jsonify(error={"status": 400, "message": "Give the label of the span (context, mechanism, outcome, "
                                                        "enabling or hindering)."}), 400
    language = request.args.get("lang", "en")[:8]
    query = request.args.get("q", "").strip().casefold()[:100]
    index = concept_index()
    found = []
    for scheme in CONCEPT_SCHEMES[label]:
        for concept in index.concepts(scheme):
            if scheme == Scheme.NUTS2021 and concept.facts.get("nuts_level") not in (0, 1, 2):
                continue
            names = [concept.label(language), concept.label("en"), concept.code,
                     *concept.alt_labels.get(language, ()), *concept.alt_labels.get("en", ())]
            rank = min((0 if name.casefold().startswith(query) else 1 if query in name.casefold() else 9)
                       for name in names)
            if rank < 9:
                found.append((rank, concept.label(language).casefold(), scheme, concept))
    found.sort(key=lambda item: item[:2])
    return jsonify(concepts=[{"scheme": scheme.value, "code": concept.code, "label": concept.label(language),
                              "definition": concept.definition[:200]}
                             for _, _, scheme, concept in found[:MAX_CONCEPT_RESULTS]])
