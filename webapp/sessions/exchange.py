"""What sessions exchange with other tools: REFI-QDA projects (.qdpx) and codebooks (.qdc), and the
session's configurations as CSV.

The codebook is the five CMO labels; a concept linked to a span becomes a child code of its label
(its description holds `concept:<scheme>:<code>` so that an import finds the concept again). Each
annotation is one selection with one coding by its coder.
"""

from __future__ import annotations

import csv
import io
import re

from flask import Response, current_app, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from exports.refiqda import (
    QdaCode,
    QdaCoding,
    QdaProject,
    QdaSelection,
    QdaTextSource,
    QdaUser,
    RefiQdaError,
    read_qdpx,
    stable_guid,
    write_qdc,
    write_qdpx,
)
from nlp.languages import detect_language
from nlp.sources import SourceFileError, read_pasted
from ontology.concepts import concept_index
from ontology.vocab import Scheme
from records.annotations import annotate, annotations_of
from records.audit import record_action
from records.configurations import span_states
from records.errors import RecordsError
from records.models import ANNOTATION_LABELS, Configuration, CopSession, Source
from records.sessions import (
    SESSION_LANGUAGES,
    TurnSpan,
    add_text_source,
    list_sessions,
    save_session,
    session_sources,
)
from webapp.database import db_session
from webapp.security import roles_required
from webapp.sessions import bp
from webapp.sessions.forms import LABEL_NAMES, ImportForm
from webapp.sessions.routes import CODERS, _session_or_404, index_page
from webapp.sessions.suggest import sentences_of

LABEL_COLOURS = {"context": "#1D4ED8", "mechanism": "#B45309", "outcome": "#15803D", "enabling": "#7E22CE",
                 "hindering": "#B91C1C"}
CONCEPT_MARK = re.compile(r"concept:([a-z0-9-]+):(\S+)")
QDPX = "application/vnd.refi-qda.project+zip"


def _filename(record: CopSession, extension: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", record.title).strip("-")[:60] or record.key
    return f"{stem}.{extension}"


def _label_code(label: str) -> QdaCode:
    return QdaCode(guid=stable_guid("label", label), name=LABEL_NAMES[label], color=LABEL_COLOURS[label],
                   description=f"EU-ALMPO CMO label “{label}”; see the CMO annotation guidelines.")


def _concept_code(label: str, scheme: str, code: str) -> QdaCode:
    name = concept_index().label_of(Scheme(scheme), code)
    return QdaCode(guid=stable_guid("concept", label, scheme, code), name=name,
                   description=f"concept:{scheme}:{code}")


def session_project(record: CopSession) -> QdaProject:
    return _project([record], record.title, record.notes, record.created_at)


def _project(records: list[CopSession], name: str, description: str, created) -> QdaProject:
    session = db_session()
    codes = {label: _label_code(label) for label in ANNOTATION_LABELS}
    children: dict[tuple[str, str, str], QdaCode] = {}
    users: dict[str, QdaUser] = {}
    sources = []
    everything = [found for record in records for found in session_sources(session, record.source_session_key)]
    for source, text, _ in everything:
        selections = []
        for annotation in annotations_of(session, source.key):
            user = users.setdefault(annotation.coder, QdaUser(stable_guid("user", annotation.coder),
                                                              annotation.coder))
            code = codes[annotation.label]
            if annotation.concept_code:
                concept = (annotation.label, annotation.concept_scheme, annotation.concept_code)
                if concept not in children:
                    children[concept] = _concept_code(*concept)
                    code.children.append(children[concept])
                code = children[concept]
            selections.append(QdaSelection(
                guid=stable_guid("annotation", annotation.key), start=annotation.start, end=annotation.end,
                name=annotation.quote[:60], user_guid=user.guid, created=annotation.created_at, memo=annotation.memo,
                codings=[QdaCoding(guid=stable_guid("coding", annotation.key), code_guid=code.guid,
                                   user_guid=user.guid, created=annotation.created_at)]))
        sources.append(QdaTextSource(guid=stable_guid("source", source.key), name=source.title, text=text.text,
                                     selections=selections, created=text.uploaded_at))
    return QdaProject(name=name, users=sorted(users.values(), key=lambda u: u.name),
                      codes=list(codes.values()), sources=sources, created=created, description=description)


@bp.route("/<key>/export.qdpx")
@roles_required(*CODERS)
def export_qdpx(key: str):
    record = _session_or_404(key)
    data = write_qdpx(session_project(record))
    return Response(data, mimetype=QDPX, headers={
        "Content-Disposition": f'attachment; filename="{_filename(record, "qdpx")}"'})


@bp.route("/export.qdpx")
@roles_required(*CODERS)
def export_all_qdpx():
    """Every session's sources and codings as one REFI-QDA project."""
    records = [record for record, _ in list_sessions(db_session())]
    data = write_qdpx(_project(records, "EU-ALMPO Communities of Practice sessions",
                               f"{len(records)} sessions exported from EU-ALMPO.", None))
    return Response(data, mimetype=QDPX, headers={
        "Content-Disposition": 'attachment; filename="eu-almpo-sessions.qdpx"'})


@bp.route("/<key>/codebook.qdc")
@roles_required(*CODERS)
def export_qdc(key: str):
    record = _session_or_404(key)
    return Response(write_qdc(session_project(record).codes), mimetype="application/xml", headers={
        "Content-Disposition": f'attachment; filename="{_filename(record, "qdc")}"'})


# -- import -----------------------------------------------------------------------------------------

def _label_names() -> dict[str, str]:
    names = {label: label for label in ANNOTATION_LABELS}
    names |= {name.casefold(): label for label, name in LABEL_NAMES.items()}
    names |= {"enabling": "enabling", "hindering": "hindering", "enabling conditions": "enabling",
              "hindering conditions": "hindering", "contexts": "context", "mechanisms": "mechanism",
              "outcomes": "outcome"}
    return names


def _code_meanings(codes: list[QdaCode]) -> dict[str, tuple[str, str | None, str | None]]:
    """Code GUID -> (label, concept scheme, concept code) for every code that is a CMO label or
    sits under one; other codes have no meaning here."""
    names = _label_names()
    meanings = {}

    def walk(code: QdaCode, label: str | None) -> None:
        own = names.get(code.name.strip().casefold())
        label = own or label
        if label:
            mark = CONCEPT_MARK.search(code.description or "")
            meanings[code.guid] = (label, *(mark.groups() if mark else (None, None)))
        for child in code.children:
            walk(child, label)

    for code in codes:
        walk(code, None)
    return meanings


def _turns_of(text: str) -> list[TurnSpan]:
    """Speaker turns of an imported text, only where reading it again keeps every character in place
    (codings point into the text exactly as the other tool had it)."""
    try:
        read = read_pasted(text)
    except SourceFileError:
        return [TurnSpan("", 0, len(text))]
    if read.text != text:
        return [TurnSpan("", 0, len(text))] if text.strip() else []
    return [TurnSpan(t.speaker, t.start, t.end, t.start_ms, t.end_ms) for t in read.turns]


def import_project(project: QdaProject, actor: str) -> tuple[CopSession, list[str]]:
    """A new session holding the project's texts and its CMO codings; returns it and what was left out."""
    session = db_session()
    sample = " ".join(source.text[:2000] for source in project.sources[:3])
    language = detect_language(sample)[0] if sample.strip() else None
    record = save_session(session, title=project.name or "Imported project", facilitators=[actor], actor=actor,
                          language=language if language in SESSION_LANGUAGES else "en",
                          notes=project.description or "")
    users = {user.guid: user.name for user in project.users}
    meanings = _code_meanings(project.codes)
    skipped = list(project.skipped)
    imported = 0
    for source in project.sources:
        if not source.text.strip():
            skipped.append(f"Source '{source.name}' has no text.")
            continue
        turns = _turns_of(source.text)
        source_language = detect_language(source.text[:5000])[0]
        added = add_text_source(session, title=source.name, text=source.text, format="qdpx", turns=turns,
                                sentences=sentences_of(source.text, source_language, turns),
                                session_key=record.key, filename=source.name, language=source_language, actor=actor)
        for selection in source.selections:
            for coding in selection.codings:
                meaning = meanings.get(coding.code_guid)
                if meaning is None:
                    skipped.append(f"A coding in '{source.name}' ({selection.start}–{selection.end}) uses a code "
                                   "that is not a CMO label (Context, Mechanism, Outcome, Enabling or Hindering "
                                   "condition).")
                    continue
                coder = users.get(coding.user_guid or selection.user_guid or "", actor)[:64] or actor
                label, scheme, code = meaning
                try:
                    with session.begin_nested():
                        annotate(session, source_key=added.key, coder=coder, label=label, start=selection.start,
                                 end=selection.end, concept_scheme=scheme, concept_code=code,
                                 memo=selection.memo, origin="import")
                    imported += 1
                except RecordsError as error:
                    skipped.append(f"A coding in '{source.name}' ({selection.start}–{selection.end}) by {coder}: "
                                   f"{error}")
    record_action(session, actor, "session.imported", "session", record.key, origin=project.origin,
                  sources=len(project.sources), codings=imported, skipped=len(skipped))
    return record, skipped


@bp.route("/import", methods=["POST"])
@roles_required(*CODERS)
def import_qdpx():
    form = ImportForm()
    upload = request.files.get("file")
    if not form.validate_on_submit() or upload is None or not upload.filename:
        flash("Choose a REFI-QDA project file (.qdpx) to import.", "error")
        return redirect(url_for("sessions.index")), 303
    if not upload.filename.lower().endswith(".qdpx"):
        flash(f"{upload.filename} is not a REFI-QDA project: the file name should end in .qdpx.", "error")
        return index_page(400)
    limit = current_app.config["QDPX_MAX_BYTES"]
    data = upload.stream.read(limit + 1)
    session = db_session()
    try:
        if len(data) > limit:
            raise RefiQdaError(f"The file is larger than {limit // (1024 * 1024)} MB.")
        project = read_qdpx(data, max_bytes=limit * 10)
        if not project.sources:
            raise RefiQdaError("The project holds no text source that can be imported.")
        record, skipped = import_project(project, current_user.username)
        session.commit()
    except (RefiQdaError, RecordsError) as error:
        session.rollback()
        flash(f"{upload.filename}: {error} Nothing was imported.", "error")
        return index_page(400)
    flash(f"Imported {upload.filename} as a new session.", "success")
    for line in skipped[:20]:
        flash(line, "error")
    if len(skipped) > 20:
        flash(f"… and {len(skipped) - 20} more things left out.", "error")
    return redirect(url_for("sessions.show", key=record.key))


# -- configurations as CSV -------------------------------------------------------------------------

CSV_COLUMNS = ("configuration", "status", "validated_by", "practice", "programme_type", "mechanism",
               "target_groups", "countries", "region", "outcomes", "conditions", "contexts_text",
               "mechanism_text", "outcomes_text", "conditions_text", "source", "session")


@bp.route("/<key>/configurations.csv")
@roles_required(*CODERS)
def export_configurations(key: str):
    record = _session_or_404(key)
    session = db_session()
    titles = dict(session.execute(select(Source.key, Source.title).where(
        Source.key.in_([s.key for s, _, _ in session_sources(session, record.source_session_key)]))).all())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for configuration in session.scalars(select(Configuration).where(Configuration.source_key.in_(titles))
                                         .order_by(Configuration.id)):
        spans = span_states(session, configuration.key)

        def texts(*roles, spans=spans):
            return " | ".join(s["text"] for s in spans if s["role"] in roles)

        writer.writerow([
            configuration.key, configuration.status, configuration.validated_by or "",
            configuration.practice_key or "", configuration.programme_type, configuration.mechanism,
            ";".join(configuration.target_groups), ";".join(configuration.countries), configuration.region or "",
            ";".join(f"{o['measure']}/{o['direction']}/{o['horizon']}" for o in configuration.outcomes),
            ";".join(f"{c['kind']}/{c['type']}" for c in configuration.conditions),
            texts("context"), texts("mechanism"), texts("outcome"), texts("enabling", "hindering"),
            titles.get(configuration.source_key, configuration.source_key), record.title])
    # A byte-order mark so that spreadsheet programs read the accents right.
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{_filename(record, "csv")}"'})
