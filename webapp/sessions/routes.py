"""Session pages: the list, a session with its sources, uploading and pasting, the coding page,
building configurations, the agreement report, REFI-QDA and CSV exchange, model cards."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from nlp.sources import SourceFileError, read_pasted, read_source
from ontology.concepts import concept_index
from ontology.vocab import Scheme
from records.errors import Conflict, NotFound, RecordsError
from records.models import PARTICIPANT_ROLES, Configuration, CopSession, Source, SourceText, User
from records.sessions import (
    TurnSpan,
    add_text_source,
    get_session,
    get_source_text,
    list_sessions,
    save_session,
    segments_of,
    session_sources,
    text_sha256,
)
from survey_forms.forms import country_choices, region_choices
from webapp.database import db_session
from webapp.security import roles_required
from webapp.sessions import bp
from webapp.sessions.forms import (
    LABEL_NAMES,
    LANGUAGE_NAMES,
    ROLE_NAMES,
    ImportForm,
    PasteForm,
    SessionForm,
    UploadForm,
)
from webapp.sessions.suggest import model_card, propose, sentences_of

CODERS = ("admin", "facilitator")
LIBRARY = "library"


@dataclass
class Library:
    """Sources that stand alone (evaluation reports, say), shown and coded like a session's: every
    facilitator may code them."""
    key: str = LIBRARY
    title: str = "Library: documents without a session"
    language: str = "en"
    facilitators: list = field(default_factory=list)
    participants: dict = field(default_factory=dict)
    held_on: None = None
    country: None = None
    region: None = None
    sector: str = ""
    notes: str = "Transcripts and documents that belong to no session."
    created_at: None = None
    is_library: bool = True
    source_session_key: None = None


def _session_or_404(key: str) -> CopSession | Library:
    if key == LIBRARY:
        return Library()
    try:
        return get_session(db_session(), key)
    except NotFound:
        abort(404)


def may_code(record: CopSession | Library) -> bool:
    """Admins and the session's own facilitators code its sources; every facilitator the library's."""
    return current_user.has_role("admin") or record.is_library or current_user.username in record.facilitators


def _coding_session(key: str) -> CopSession:
    record = _session_or_404(key)
    if not may_code(record):
        abort(403, "Only the session's facilitators code its sources.")
    return record


def source_in_session(record: CopSession, source_key: str) -> SourceText:
    try:
        source = get_source_text(db_session(), source_key)
    except NotFound:
        abort(404)
    if source.session_key != record.source_session_key:
        abort(404)
    return source


def _session_form(record: CopSession | None = None) -> SessionForm:
    form = SessionForm(obj=record) if record is not None and request.method == "GET" else SessionForm()
    form.country.choices = [SelectChoice("", "—")] + [SelectChoice(code, name) for code, name in country_choices("en")]
    form.region.choices = [SelectChoice("", "—")] + region_choices("en")
    facilitators = db_session().scalars(select(User).where(User.role.in_(CODERS), User.active)
                                        .order_by(User.username)).all()
    form.facilitators.choices = [SelectChoice(u.username, f"{u.display_name or u.username} ({u.username})")
                                 for u in facilitators]
    if request.method == "GET":
        if record is None:
            form.facilitators.data = [current_user.username]
            form.language.data = "en"
        else:
            for role in PARTICIPANT_ROLES:
                getattr(form, f"participants_{role}").data = record.participants.get(role, 0)
    return form


def _save_from(form: SessionForm, key: str | None):
    session = db_session()
    try:
        record = save_session(
            session, key=key, title=form.title.data, language=form.language.data,
            facilitators=form.facilitators.data, actor=current_user.username, held_on=form.held_on.data,
            country=form.country.data or None, region=form.region.data or None, sector=form.sector.data or "",
            participants={role: getattr(form, f"participants_{role}").data or 0 for role in PARTICIPANT_ROLES},
            notes=form.notes.data or "")
        session.commit()
    except RecordsError as error:
        session.rollback()
        form.title.errors = [*form.title.errors, str(error)]
        return None
    return record


@bp.route("/")
@roles_required(*CODERS)
def index():
    return index_page()


def index_page(status: int = 200):
    return render_template("sessions/index.html", sessions=list_sessions(db_session()),
                           import_form=ImportForm(), language_names=LANGUAGE_NAMES), status


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*CODERS)
def new():
    form = _session_form()
    if form.validate_on_submit():
        record = _save_from(form, None)
        if record is not None:
            flash(f"Session “{record.title}” created. Add its transcripts below.", "success")
            return redirect(url_for("sessions.show", key=record.key))
    return render_template("sessions/edit.html", form=form, record=None,
                           roles=PARTICIPANT_ROLES), 400 if form.is_submitted() else 200


@bp.route("/<key>/edit", methods=["GET", "POST"])
@roles_required(*CODERS)
def edit(key: str):
    record = _coding_session(key)
    if record.is_library:
        abort(404)
    form = _session_form(record)
    if form.validate_on_submit() and _save_from(form, key) is not None:
        flash("Session saved.", "success")
        return redirect(url_for("sessions.show", key=key))
    return render_template("sessions/edit.html", form=form, record=record,
                           roles=PARTICIPANT_ROLES), 400 if form.is_submitted() else 200


@bp.route("/<key>")
@roles_required(*CODERS)
def show(key: str):
    return _show_page(_session_or_404(key))


def _show_page(record: CopSession | Library, status: int = 200):
    session = db_session()
    sources = session_sources(session, record.source_session_key)
    configurations = session.scalars(select(Configuration).where(
        Configuration.source_key.in_([source.key for source, _, _ in sources])).order_by(Configuration.id)).all()
    return render_template(
        "sessions/show.html", record=record, sources=sources, configurations=configurations,
        upload_form=UploadForm(), paste_form=PasteForm(), may_code=may_code(record), role_names=ROLE_NAMES,
        language_names=LANGUAGE_NAMES,
        region_name=lambda code: concept_index().label_of(Scheme.NUTS2021, code)), status


def _store_source(record: CopSession, title: str, read, filename: str, digest: str):
    """Keep a source that was read, and propose suggestions for it; returns the source or an error."""
    session = db_session()
    turns = [TurnSpan(t.speaker, t.start, t.end, t.start_ms, t.end_ms) for t in read.turns]
    language = read.language or record.language
    try:
        source = add_text_source(
            session, title=title, text=read.text, format=read.format, filename=filename, turns=turns,
            sentences=sentences_of(read.text, language, turns), session_key=record.source_session_key,
            language=language,
            sha256=digest, warnings=list(read.warnings), actor=current_user.username,
            kind="document" if read.format == "pdf" else "session_transcript")
        propose(session, source.key, actor=current_user.username)
        session.commit()
    except RecordsError as error:
        session.rollback()
        return None, error
    return source, None


def _refuse_source(record: CopSession | Library, message: str, error: RecordsError | None = None):
    """The session's page again, with what was wrong; 409 when the source is there already."""
    flash(message, "error")
    return _show_page(record, 409 if isinstance(error, Conflict) else 400)


@bp.route("/<key>/sources", methods=["POST"])
@roles_required(*CODERS)
def upload(key: str):
    record = _coding_session(key)
    form = UploadForm()
    if not form.validate_on_submit():
        return _refuse_source(record, "The form expired; please choose the file again.")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _refuse_source(record, "Choose a file to upload.")
    limit = current_app.config["SOURCE_MAX_BYTES"]
    data = upload.stream.read(limit + 1)
    try:
        read = read_source(upload.filename, data, max_bytes=limit)
    except SourceFileError as error:
        return _refuse_source(record, f"{upload.filename}: {error}")
    source, problem = _store_source(record, form.title.data or upload.filename, read, upload.filename,
                                    text_sha256(data))
    if problem:
        return _refuse_source(record, f"{upload.filename}: {problem}", problem)
    notes = "; ".join(read.warnings)
    flash(f"{upload.filename} added: {len(read.turns)} turns"
          f"{', language ' + read.language if read.language else ''}.{' ' + notes if notes else ''}", "success")
    return redirect(url_for("sessions.code", key=key, source_key=source.key))


@bp.route("/<key>/paste", methods=["POST"])
@roles_required(*CODERS)
def paste(key: str):
    record = _coding_session(key)
    form = PasteForm()
    if not form.validate_on_submit():
        return _refuse_source(record, "Give the pasted text a title and some text.")
    try:
        read = read_pasted(form.text.data)
    except SourceFileError as error:
        return _refuse_source(record, str(error))
    source, problem = _store_source(record, form.title.data, read, "", text_sha256(read.text))
    if problem:
        return _refuse_source(record, str(problem), problem)
    flash(f"“{form.title.data}” added.", "success")
    return redirect(url_for("sessions.code", key=key, source_key=source.key))


@bp.route("/<key>/sources/<source_key>")
@roles_required(*CODERS)
def code(key: str, source_key: str):
    record = _coding_session(key)
    source = source_in_session(record, source_key)
    session = db_session()
    heading = session.scalar(select(Source.title).where(Source.key == source_key)) or source.filename
    configurations = session.scalars(select(Configuration).where(Configuration.source_key == source_key)
                                     .order_by(Configuration.id)).all()
    return render_template("sessions/code.html", record=record, source=source, heading=heading,
                           segments=segments_of(session, source_key), labels=LABEL_NAMES,
                           configurations=configurations)


@bp.route("/models/<version>")
@roles_required(*CODERS, "analyst")
def card(version: str):
    found = model_card(version)
    if found is None:
        abort(404)
    return render_template("sessions/model_card.html", card=found)
