"""Sources of knowledge and the CMO configurations drawn from them."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from records.db import Base
from records.models._columns import JSONDocument, utcnow

SOURCE_KINDS = ("document", "survey_response", "session_transcript")
CONFIGURATION_STATUSES = ("draft", "validated")


class Source(Base):
    """Where knowledge comes from: a published study, a survey response, a session transcript."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(500), default="")
    citation: Mapped[str] = mapped_column(String(500), default="")
    url: Mapped[str] = mapped_column(String(1000), default="")
    # A code of the study-design scheme, for documents.
    design: Mapped[str | None] = mapped_column(String(32), nullable=True)
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Configuration(Base):
    """In a context, a programme triggers a mechanism that produces outcomes (with conditions)."""

    __tablename__ = "configurations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    practice_key: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("practices.key", ondelete="SET NULL"), nullable=True)
    source_key: Mapped[str] = mapped_column(String(64), ForeignKey("sources.key"))
    # Character span of the source text the configuration was drawn from, when known.
    segment_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    finding_id: Mapped[str | None] = mapped_column(String(32), nullable=True, unique=True)

    programme_type: Mapped[str] = mapped_column(String(64))
    target_groups: Mapped[list] = mapped_column(JSONDocument, default=list)
    # NUTS 2021 codes (a country is a level-0 code); `region` is the most precise one, if any.
    countries: Mapped[list] = mapped_column(JSONDocument, default=list)
    region: Mapped[str | None] = mapped_column(String(16), nullable=True)
    skill_level: Mapped[str | None] = mapped_column(String(16), nullable=True)
    unemployment_band: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # A code of the cycle-phase scheme: the phase of the business cycle the finding holds in.
    cycle_phase: Mapped[str | None] = mapped_column(String(16), nullable=True)
    context_note: Mapped[str] = mapped_column(Text, default="")

    mechanism: Mapped[str] = mapped_column(String(64))
    mechanism_note: Mapped[str] = mapped_column(Text, default="")
    # [{"measure", "direction", "horizon", "effect_size"}]
    outcomes: Mapped[list] = mapped_column(JSONDocument, default=list)
    # [{"kind": "enabling" | "hindering", "type": condition-type code, "note"}]
    conditions: Mapped[list] = mapped_column(JSONDocument, default=list)
    # Keys of configurations whose findings contradict this one's (the Wizard flags them contested).
    contested_by: Mapped[list | None] = mapped_column(JSONDocument, nullable=True, default=list)

    status: Mapped[str] = mapped_column(String(16), default="draft")
    validated_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    validated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class DeadLetter(Base):
    """An outbox event the graph projector could not apply, with the reason, for admins to see."""

    __tablename__ = "projection_dead_letters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(Integer, unique=True)
    event_type: Mapped[str] = mapped_column(String(64))
    aggregate_key: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    failed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
