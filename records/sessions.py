"""Communities of Practice sessions and their sources: every change writes its record, its audit
entry and, for what the graph shows, its domain event, in one transaction.

Reading files is not done here: the caller hands over text already read (see `nlp.sources`), with
its speaker turns as character offsets.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ontology.concepts import concept_index
from ontology.vocab import Scheme
from records.audit import record_action
from records.configurations import create_source
from records.errors import Conflict, NotFound, ValidationError
from records.models import PARTICIPANT_ROLES, Annotation, CopSession, Segment, Source, SourceText, User

__all__ = [
    "SESSION_LANGUAGES", "TurnSpan", "add_text_source", "get_session", "get_source_text", "list_sessions",
    "save_session", "segments_of", "session_sources", "text_sha256",
]

SESSION_LANGUAGES = ("en", "de", "fr", "es", "it")
MAX_TITLE = 300


@dataclass(frozen=True)
class TurnSpan:
    """A speaker turn as the source reader found it: character offsets into the text."""
    speaker: str
    start: int
    end: int
    start_ms: int | None = None
    end_ms: int | None = None


def text_sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def _clean_participants(participants: dict | None) -> dict[str, int]:
    cleaned = {}
    for role, count in (participants or {}).items():
        if role not in PARTICIPANT_ROLES:
            raise ValidationError(f"Unknown participant role {role!r}: use one of {', '.join(PARTICIPANT_ROLES)}.")
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 10_000:
            raise ValidationError(f"The number of {role} participants must be a whole number from 0 to 10000.")
        if count:
            cleaned[role] = count
    return cleaned


def _check_facilitators(session: Session, usernames: list[str]) -> list[str]:
    usernames = sorted(set(usernames))
    if not usernames:
        raise ValidationError("A session needs at least one facilitator.")
    known = set(session.scalars(select(User.username).where(
        User.username.in_(usernames), User.role.in_(("facilitator", "admin")), User.active)))
    unknown = [name for name in usernames if name not in known]
    if unknown:
        raise ValidationError(f"Not an active facilitator: {', '.join(unknown)}.")
    return usernames


def save_session(session: Session, *, title: str, language: str, facilitators: list[str], actor: str,
                 held_on: date | None = None, country: str | None = None, region: str | None = None,
                 sector: str = "", participants: dict | None = None, notes: str = "",
                 key: str | None = None) -> CopSession:
    """Create a session, or, with the `key` of an existing one, change it."""
    title = (title or "").strip()
    if not title:
        raise ValidationError("A session needs a title.")
    if len(title) > MAX_TITLE:
        raise ValidationError(f"A session title has at most {MAX_TITLE} characters.")
    if language not in SESSION_LANGUAGES:
        raise ValidationError(f"The session language is one of {', '.join(SESSION_LANGUAGES)}.")
    index = concept_index()
    for code in (country, region):
        if code and not index.has(Scheme.NUTS2021, code):
            raise ValidationError(f"Unknown NUTS region {code!r}.")
    if country and len(country) != 2:
        raise ValidationError("The country is a two-letter NUTS code (EL for Greece).")
    if region and country and not region.startswith(country):
        raise ValidationError(f"The region {region} is not in {country}.")
    values = {
        "title": title, "language": language, "facilitators": _check_facilitators(session, facilitators),
        "held_on": held_on, "country": country or (region[:2] if region else None), "region": region or None,
        "sector": (sector or "").strip()[:200], "participants": _clean_participants(participants),
        "notes": notes or "",
    }
    if key is None:
        record = CopSession(key=f"session-{uuid.uuid4().hex[:12]}", created_by=actor, **values)
        session.add(record)
        session.flush()
        record_action(session, actor, "session.created", "session", record.key, title=title)
        return record
    record = get_session(session, key)
    changed = {name: value for name, value in values.items() if getattr(record, name) != value}
    for name, value in changed.items():
        setattr(record, name, value)
    if changed:
        record_action(session, actor, "session.edited", "session", key, changed=sorted(changed))
    return record


def get_session(session: Session, key: str) -> CopSession:
    record = session.scalar(select(CopSession).where(CopSession.key == key))
    if record is None:
        raise NotFound(f"No session {key!r}.")
    return record


def list_sessions(session: Session) -> list[tuple[CopSession, int]]:
    """Every session, newest first, with its number of sources."""
    counts = (select(SourceText.session_key, func.count().label("n")).group_by(SourceText.session_key)
              .subquery())
    rows = session.execute(select(CopSession, func.coalesce(counts.c.n, 0))
                           .outerjoin(counts, counts.c.session_key == CopSession.key)
                           .order_by(CopSession.held_on.desc().nulls_last(), CopSession.id.desc()))
    return [(record, count) for record, count in rows]


def add_text_source(session: Session, *, title: str, text: str, format: str, turns: list[TurnSpan],
                    actor: str, session_key: str | None = None, filename: str = "",
                    language: str | None = None, sha256: str | None = None,
                    warnings: list[str] | None = None, kind: str = "session_transcript",
                    sentences: list[tuple[int, int]] | None = None) -> Source:
    """Record a transcript or document with its text and segments; nothing is stored on bad input."""
    if not text.strip():
        raise ValidationError("The text is empty.")
    title = ((title or "").strip() or (filename or "").strip())[:MAX_TITLE] or "Untitled source"
    record = get_session(session, session_key) if session_key else None
    sha256 = sha256 or text_sha256(text)
    same_place = SourceText.session_key == session_key if session_key else SourceText.session_key.is_(None)
    if session.scalar(select(SourceText.id).where(same_place, SourceText.sha256 == sha256)) is not None:
        raise Conflict("This file is already among the session's sources." if session_key else
                       "This file is already in the library.")
    previous_end = 0
    for turn in turns:
        if not 0 <= turn.start < turn.end <= len(text) or turn.start < previous_end:
            raise ValidationError("The speaker turns do not fit the text.")
        previous_end = turn.end
    sentences = [(start, end) for start, end in sentences or []]
    if any(not 0 <= start < end <= len(text) for start, end in sentences):
        raise ValidationError("The sentences do not fit the text.")
    key = f"source-{uuid.uuid4().hex[:12]}"
    source = create_source(session, key=key, kind=kind, title=title, actor=actor)
    session.add(SourceText(source_key=key, session_key=session_key, format=format, filename=filename[:255],
                           language=language or (record.language if record else None), text=text,
                           sentences=[list(bounds) for bounds in sentences], sha256=sha256,
                           warnings=list(warnings or []), uploaded_by=actor))
    session.add_all(Segment(key=f"{key}.t{n}", source_key=key, position=n, speaker=turn.speaker[:120],
                            start=turn.start, end=turn.end, start_ms=turn.start_ms, end_ms=turn.end_ms)
                    for n, turn in enumerate(turns))
    session.flush()
    record_action(session, actor, "source.uploaded", "source", key, cop_session=session_key, format=format,
                  filename=filename, characters=len(text), turns=len(turns))
    return source


def get_source_text(session: Session, source_key: str) -> SourceText:
    found = session.scalar(select(SourceText).where(SourceText.source_key == source_key))
    if found is None:
        raise NotFound(f"No source text {source_key!r}.")
    return found


def session_sources(session: Session, session_key: str | None) -> list[tuple[Source, SourceText, int]]:
    """The session's sources in upload order, with how many annotations each has; with None, the
    sources that stand alone (documents in the library)."""
    counts = (select(Annotation.source_key, func.count().label("n")).group_by(Annotation.source_key)
              .subquery())
    rows = session.execute(
        select(Source, SourceText, func.coalesce(counts.c.n, 0))
        .join(SourceText, SourceText.source_key == Source.key)
        .outerjoin(counts, counts.c.source_key == Source.key)
        .where(SourceText.session_key == session_key if session_key else SourceText.session_key.is_(None))
        .order_by(SourceText.id))
    return [(source, text, n) for source, text, n in rows]


def segments_of(session: Session, source_key: str) -> list[Segment]:
    return list(session.scalars(select(Segment).where(Segment.source_key == source_key)
                                .order_by(Segment.position)))
