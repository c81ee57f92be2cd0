"""Surveys and their responses. Respondents are pseudonymous: no account, no IP address, no name."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from records.db import Base
from records.models._columns import JSONDocument, utcnow

SURVEY_STATUSES = ("draft", "open", "closed")
RESPONSE_STATUSES = ("in_progress", "submitted")


class Survey(Base):
    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # "<definition id>-v<version>": one row per version of a definition.
    key: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    # The definition as loaded, kept with the answers it explains.
    definition: Mapped[dict] = mapped_column(JSONDocument)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    retention_months: Mapped[int] = mapped_column(Integer, default=24)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class SurveyResponse(Base):
    __tablename__ = "survey_responses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Public identifier of the response (never shown to other people).
    key: Mapped[str] = mapped_column(String(40), unique=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="in_progress")
    answers: Mapped[dict] = mapped_column(JSONDocument, default=dict)
    current_page: Mapped[str] = mapped_column(String(64), default="")
    consent_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Only hashes: the resume link and the receipt code themselves are shown once and never stored.
    resume_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    receipt_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    # Copied out of the answers for the results filters.
    country: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    organisation_type: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)


class SurveyContact(Base):
    """An e-mail address a respondent chose to give, kept apart from the answers it would identify."""

    __tablename__ = "survey_contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_key: Mapped[str] = mapped_column(String(40), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
