"""The agreement report of a session: per source, how far its coders agree, and where they do not."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template

from nlp.agreement import AgreementReport, CodedSpan, agreement, word_units
from records.annotations import annotations_of
from records.models import ANNOTATION_LABELS
from records.sessions import session_sources
from webapp.database import db_session
from webapp.security import roles_required
from webapp.sessions import bp
from webapp.sessions.forms import LABEL_NAMES
from webapp.sessions.routes import CODERS, _session_or_404

MAX_DISAGREEMENTS_SHOWN = 200


@dataclass
class SourceAgreement:
    key: str
    title: str
    text: str
    report: AgreementReport


@bp.route("/<key>/agreement")
@roles_required(*CODERS)
def agreement_report(key: str):
    record = _session_or_404(key)
    session = db_session()
    reports = []
    for source, text, _ in session_sources(session, record.source_session_key):
        codings: dict[str, list[CodedSpan]] = {}
        for annotation in annotations_of(session, source.key):
            codings.setdefault(annotation.coder, []).append(
                CodedSpan(annotation.start, annotation.end, annotation.label))
        report = agreement(len(text.text), codings, units=word_units(text.text), labels=ANNOTATION_LABELS)
        reports.append(SourceAgreement(source.key, source.title, text.text, report))
    return render_template("sessions/agreement.html", record=record, reports=reports, labels=LABEL_NAMES,
                           limit=MAX_DISAGREEMENTS_SHOWN)
