"""Surveys and responses: starting, saving page by page, submitting once, withdrawing, retention.

A respondent is known only by a random resume token and, after submitting, a receipt code; the
records keep their SHA-256 hashes, never the tokens. No IP address is stored. Withdrawing with the
receipt code erases the response and, through the outbox, everything the graph derived from it.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ontology.concepts import concept_index
from ontology.vocab import Scheme
from records.audit import record_action
from records.configurations import create_source
from records.errors import Conflict, NotFound, ValidationError
from records.models import Practice, Source, Survey, SurveyContact, SurveyResponse
from records.outbox import change_and_emit, emit
from records.practices import create_practice

__all__ = [
    "SubmittedPractice", "answers_with_page", "count_responses", "erase_response", "find_by_receipt",
    "find_by_resume_token", "get_survey", "install_survey", "purge_expired", "save_answers", "set_retention",
    "set_survey_status", "start_response", "submit_response", "token_hash",
]

# Crockford's base32 without look-alikes: receipt codes are read aloud and typed by hand.
_RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
IN_PROGRESS_RETENTION = timedelta(days=60)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.strip().upper().encode()).hexdigest()


def _receipt_code() -> str:
    """Fifteen random characters (75 bits), grouped by five for reading."""
    number = secrets.randbits(75)
    raw = "".join(_RECEIPT_ALPHABET[(number >> shift) & 31] for shift in range(0, 75, 5))
    return "-".join(raw[i:i + 5] for i in range(0, 15, 5))


def install_survey(session: Session, key: str, title: str, definition: dict, *, status: str = "open",
                   actor: str | None = None) -> Survey:
    """Record a survey version once; installing it again changes nothing."""
    survey = session.scalar(select(Survey).where(Survey.key == key))
    if survey is not None:
        return survey
    survey = Survey(key=key, title=title, definition=definition, status=status,
                    opened_at=datetime.now(UTC) if status == "open" else None)
    session.add(survey)
    session.flush()
    record_action(session, actor, "survey.installed", "survey", key, status=status)
    return survey


def set_survey_status(session: Session, survey: Survey, status: str, *, actor: str) -> None:
    if status not in ("open", "closed"):
        raise ValidationError("A survey is opened or closed.")
    if survey.status == status:
        return
    survey.status = status
    if status == "open":
        survey.opened_at = datetime.now(UTC)
    else:
        survey.closed_at = datetime.now(UTC)
    record_action(session, actor, f"survey.{'opened' if status == 'open' else 'closed'}", "survey", survey.key)


def set_retention(session: Session, survey: Survey, months: int, *, actor: str) -> None:
    """How long submitted responses are kept after the survey closes (1 to 120 months)."""
    if not 1 <= months <= 120:
        raise ValidationError("The retention period is 1 to 120 months.")
    if months != survey.retention_months:
        old, survey.retention_months = survey.retention_months, months
        record_action(session, actor, "survey.retention_changed", "survey", survey.key, old=old, new=months)


def start_response(session: Session, survey: Survey, language: str) -> tuple[SurveyResponse, str]:
    """A new, empty response and its resume token (shown to the respondent, stored only hashed)."""
    if survey.status != "open":
        raise Conflict("This survey is not open for answers.")
    token = secrets.token_urlsafe(24)
    response = SurveyResponse(key=uuid.uuid4().hex, survey_id=survey.id, language=language,
                              status="in_progress", answers={}, resume_token_hash=token_hash(token))
    session.add(response)
    session.flush()
    return response, token


def find_by_resume_token(session: Session, token: str) -> SurveyResponse | None:
    if not token or len(token) > 100:
        return None
    return session.scalar(select(SurveyResponse).where(SurveyResponse.resume_token_hash == token_hash(token)))


def find_by_receipt(session: Session, code: str) -> SurveyResponse | None:
    if not code or len(code) > 40:
        return None
    return session.scalar(select(SurveyResponse).where(SurveyResponse.receipt_code_hash == token_hash(code)))


def save_answers(session: Session, response: SurveyResponse, page_answers: dict[str, Any],
                 page_keys: list[str], *, page_id: str, instance: int | None = None) -> None:
    """Replace the answers of one page (or one instance of a repeated page) and remember the place."""
    if response.status != "in_progress":
        raise Conflict("This response has been submitted already; it cannot be changed.")
    # A new dict, so that the JSON column is seen as changed.
    response.answers = answers_with_page(response.answers, page_answers, page_keys, page_id=page_id,
                                         instance=instance)
    response.current_page = page_id


def answers_with_page(answers: dict[str, Any], page_answers: dict[str, Any], page_keys: list[str], *,
                      page_id: str, instance: int | None = None) -> dict[str, Any]:
    """A copy of `answers` with one page's (or one repeated page instance's) answers replaced."""
    answers = dict(answers)
    if instance is None:
        for key in page_keys:
            answers.pop(key, None)
        answers.update(page_answers)
    else:
        blocks = list(answers.get(page_id) or [])
        while len(blocks) <= instance:
            blocks.append({})
        blocks[instance] = page_answers
        answers[page_id] = blocks
    return answers


@dataclass
class SubmittedPractice:
    """A practice shared in the survey, read from one repeated block."""
    name: str
    programme_type: str
    places: list[str]
    target_groups: list[str]
    description: str
    conditions: list[dict]
    publication: str


# Survey answers about success and hindering factors, as condition types of the graph.
FACTOR_CONDITION_TYPES = {
    "leadership": "leadership_management", "staff_skills": "staff_skills",
    "data_availability": "data_it_systems", "partnership": "local_partnerships",
    "funding": "funding_stability", "user_involvement": "participant_motivation_trust",
    "legal_basis": "legal_institutional_framework",
}


def practices_in(answers: dict[str, Any], block_id: str = "F") -> list[SubmittedPractice]:
    index = concept_index()
    found = []
    for block in answers.get(block_id) or []:
        if not block.get("F1"):
            continue
        place = block.get("F2b") or block.get("F2")
        programme = block.get("F3b") if block.get("F3") == "almp_programme" else None
        conditions = [{"kind": kind, "type": FACTOR_CONDITION_TYPES[factor],
                       "note": block.get(f"{question}t", "") if n == 0 else ""}
                      for kind, question in (("enabling", "F9"), ("hindering", "F10"))
                      for n, factor in enumerate(f for f in block.get(question) or []
                                                 if f in FACTOR_CONDITION_TYPES)]
        found.append(SubmittedPractice(
            name=str(block["F1"])[:300],
            programme_type=programme if index.has(Scheme.PROGRAMME_TYPE, programme) else "other",
            places=[place] if index.has(Scheme.NUTS2021, place) else [],
            target_groups=[g for g in block.get("F5") or [] if index.has(Scheme.TARGET_GROUP, g)],
            description=str(block.get("F8") or block.get("F7") or ""),
            conditions=conditions, publication=str(block.get("F13") or "do_not_publish")))
    return found


# Built once: submitting is the busiest write of a survey. Only a response still in progress is
# changed, so two submissions racing each other store one.
_RESPONSES = SurveyResponse.__table__
_SUBMITTED_VALUES = ("answers", "status", "submitted_at", "updated_at", "receipt_code_hash", "country",
                     "organisation_type")
_SUBMIT = update(_RESPONSES).where(
    _RESPONSES.c.id == bindparam("response_id"), _RESPONSES.c.status == "in_progress",
).values({name: bindparam(f"new_{name}", type_=_RESPONSES.c[name].type) for name in _SUBMITTED_VALUES})


def submit_response(session: Session, response: SurveyResponse, contact_keys: tuple[str, ...] = (),
                    answers: dict[str, Any] | None = None) -> str:
    """Mark the response submitted and record the practices it shares; returns the receipt code.

    `answers`, when given, are the complete answers to store (the saved ones with the last page's);
    by default the saved answers are submitted as they are. Runs in the caller's transaction: a
    failure leaves the response in progress and nothing else. Submitting twice is refused, even by
    two requests at the same moment, so nothing is stored twice.
    """
    if response.status == "submitted":
        raise Conflict("This response has been submitted already.")
    code = _receipt_code()
    answers = dict(response.answers if answers is None else answers)
    for key in contact_keys:
        # Contact details go to their own table: exports and analyses of answers never see them.
        email = answers.pop(key, None)
        if email:
            session.add(SurveyContact(response_key=response.key, email=str(email)[:254]))
    now = datetime.now(UTC)
    values = {"answers": answers, "status": "submitted",
              "submitted_at": now, "updated_at": now, "receipt_code_hash": token_hash(code),
              "country": answers.get("A1"), "organisation_type": answers.get("A2")}
    shared = practices_in(answers)
    # A plain UPDATE with its event rather than the unit of work: this is the one write every
    # respondent makes.
    event = change_and_emit(
        session, _SUBMIT, {"response_id": response.id, **{f"new_{name}": value for name, value in values.items()}},
        "survey_response.submitted", "survey_response", response.key, {"key": response.key, "practices": len(shared)})
    if event is None:
        raise Conflict("This response has been submitted already.")
    for name, value in values.items():
        # The object now says what the row says, with nothing left for the session to write.
        set_committed_value(response, name, value)
    if shared:
        source_key = f"response-{response.key}"
        create_source(session, key=source_key, kind="survey_response", title="Survey response", actor="respondent")
        for n, practice in enumerate(shared):
            create_practice(session, key=f"{source_key}-{n}", name=practice.name,
                            programme_type=practice.programme_type, countries=practice.places,
                            description=practice.description, source_key=source_key,
                            target_groups=practice.target_groups, conditions=practice.conditions,
                            actor="respondent")
    return code


def erase_response(session: Session, response: SurveyResponse, *, reason: str) -> None:
    """Delete the response and every record derived from it; the outbox tells the graph."""
    source_key = f"response-{response.key}"
    contact = session.scalar(select(SurveyContact).where(SurveyContact.response_key == response.key))
    if contact is not None:
        session.delete(contact)
    for practice in session.scalars(select(Practice).where(Practice.source_key == source_key)):
        session.delete(practice)
        emit(session, "practice.erased", "practice", practice.key, {"key": practice.key,
                                                                    "conditions": len(practice.conditions)})
    source = session.scalar(select(Source).where(Source.key == source_key))
    if source is not None:
        session.flush()
        session.delete(source)
        emit(session, "source.erased", "source", source_key, {"key": source_key})
    emit(session, "survey_response.erased", "survey_response", response.key, {"key": response.key})
    # The audit entry says that a response was erased and why, not whose it was.
    record_action(session, "respondent" if reason == "withdrawn" else "system", "survey_response.erased",
                  "survey_response", "", reason=reason)
    session.delete(response)


def purge_expired(session: Session, now: datetime | None = None) -> int:
    """Erase responses past their retention: submitted ones a survey's retention period after it
    closed, unfinished ones when untouched for 60 days. Returns how many were erased."""
    now = now or datetime.now(UTC)
    erased = 0
    for response, survey in session.execute(select(SurveyResponse, Survey).join(Survey)):
        updated = _aware(response.updated_at)
        expired_unfinished = response.status == "in_progress" and updated < now - IN_PROGRESS_RETENTION
        closed = _aware(survey.closed_at)
        expired_submitted = (response.status == "submitted" and closed is not None
                             and closed + timedelta(days=30 * survey.retention_months) < now)
        if expired_unfinished or expired_submitted:
            erase_response(session, response, reason="retention")
            erased += 1
    return erased


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite returns naive datetimes for timezone-aware columns.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def count_responses(session: Session, survey: Survey, status: str = "submitted") -> int:
    return session.scalar(select(func.count()).select_from(SurveyResponse).where(
        SurveyResponse.survey_id == survey.id, SurveyResponse.status == status)) or 0


def get_survey(session: Session, key: str) -> Survey:
    survey = session.scalar(select(Survey).where(Survey.key == key))
    if survey is None:
        raise NotFound(f"No survey {key!r}.")
    return survey
