"""Communities of Practice sessions and how facilitators code what was said in them.

A session has sources (transcripts, documents, pasted notes); a source's text is kept whole and cut
into segments (speaker turns). Facilitators code spans of that text with annotations, each coder
on their own; the extractor's suggestions are kept apart, with what each coder decided about them.
"""

from datetime import date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from records.db import Base
from records.models._columns import JSONDocument, utcnow

# What facilitators tag, in the order of the guidelines (and of the keyboard shortcuts).
ANNOTATION_LABELS = ("context", "mechanism", "outcome", "enabling", "hindering")
# Who took part, by role: sessions record how many, never who.
PARTICIPANT_ROLES = ("policymaker", "pes_staff", "researcher", "practitioner", "social_partner", "ngo",
                     "employer", "other")
DECISIONS = ("accepted", "rejected")


class CopSession(Base):
    """One Communities of Practice session (a workshop, a focus group, a peer review)."""

    __tablename__ = "cop_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    held_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # NUTS 2021 codes: the country (level 0) and, when the session is regional, the region.
    country: Mapped[str | None] = mapped_column(String(4), nullable=True)
    region: Mapped[str | None] = mapped_column(String(16), nullable=True)
    sector: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(8))
    # {"pes_staff": 4, "researcher": 2}: counts by role, no names.
    participants: Mapped[dict] = mapped_column(JSONDocument, default=dict)
    # User names of the facilitators who code this session's sources.
    facilitators: Mapped[list] = mapped_column(JSONDocument, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    # A session is not the library of documents that stand alone (see webapp.sessions).
    is_library = False

    @property
    def source_session_key(self) -> str | None:
        """The session key its sources carry."""
        return self.key


class SourceText(Base):
    """The plain text of a transcript or document source, as read from what was uploaded."""

    __tablename__ = "source_texts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_key: Mapped[str] = mapped_column(String(64), ForeignKey("sources.key", ondelete="CASCADE"),
                                            unique=True)
    session_key: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("cop_sessions.key", ondelete="CASCADE"), nullable=True, index=True)
    # "txt", "docx", "vtt", "srt", "pdf", "paste", or "qdpx" for text imported from another tool.
    format: Mapped[str] = mapped_column(String(8))
    filename: Mapped[str] = mapped_column(String(255), default="")
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    # [[start, end], ...]: the sentences, never across a speaker turn (for selecting a whole sentence).
    sentences: Mapped[list] = mapped_column(JSONDocument, default=list)
    # Of the uploaded bytes, so that the same file is not added twice to a session.
    sha256: Mapped[str] = mapped_column(String(64))
    warnings: Mapped[list] = mapped_column(JSONDocument, default=list)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Segment(Base):
    """A speaker turn (or a paragraph of a document): character offsets into the source text."""

    __tablename__ = "segments"
    __table_args__ = (UniqueConstraint("source_key", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    source_key: Mapped[str] = mapped_column(String(64), ForeignKey("sources.key", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str] = mapped_column(String(120), default="")
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    start_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)
    end_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Annotation(Base):
    """A span of a source's text that one coder labelled; spans of one coder never overlap."""

    __tablename__ = "annotations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    source_key: Mapped[str] = mapped_column(String(64), ForeignKey("sources.key", ondelete="CASCADE"),
                                            index=True)
    coder: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(16))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    # The text the coder saw, kept so that a span is readable wherever it travels.
    quote: Mapped[str] = mapped_column(Text)
    # An ontology concept the span stands for, when the coder linked one.
    concept_scheme: Mapped[str | None] = mapped_column(String(32), nullable=True)
    concept_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    memo: Mapped[str] = mapped_column(Text, default="")
    # "manual", "suggestion" (accepted from the extractor) or "import" (from a REFI-QDA project).
    origin: Mapped[str] = mapped_column(String(16), default="manual")
    suggestion_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("suggestions.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class Suggestion(Base):
    """A span the extractor proposed, with its score, its reason and the model that proposed it."""

    __tablename__ = "suggestions"
    __table_args__ = (UniqueConstraint("source_key", "label", "start", "end"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_key: Mapped[str] = mapped_column(String(64), ForeignKey("sources.key", ondelete="CASCADE"),
                                            index=True)
    label: Mapped[str] = mapped_column(String(16))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text, default="")
    concept_scheme: Mapped[str | None] = mapped_column(String(32), nullable=True)
    concept_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # "rules-1" or the trained model's version: which one made the suggestion.
    model_version: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SuggestionDecision(Base):
    """What one coder did with one suggestion; a rejection is remembered so it is not proposed again."""

    __tablename__ = "suggestion_decisions"
    __table_args__ = (UniqueConstraint("suggestion_id", "coder"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(Integer, ForeignKey("suggestions.id", ondelete="CASCADE"))
    coder: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(16))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ConfigurationSpan(Base):
    """An annotation a configuration was built from, in the role it plays there."""

    __tablename__ = "configuration_spans"
    __table_args__ = (UniqueConstraint("configuration_key", "annotation_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    configuration_key: Mapped[str] = mapped_column(
        String(64), ForeignKey("configurations.key", ondelete="CASCADE"), index=True)
    # No cascade: a span that a configuration stands on cannot be deleted from under it.
    annotation_key: Mapped[str] = mapped_column(String(64), ForeignKey("annotations.key"))
    role: Mapped[str] = mapped_column(String(16))
