"""Practices: named programmes as they run somewhere, with the source that documents them."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from records.db import Base
from records.models._columns import JSONDocument, utcnow


class Practice(Base):
    __tablename__ = "practices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Stable public identifier; also the node key in the knowledge graph.
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    programme_type: Mapped[str] = mapped_column(String(64))
    # NUTS 2021 codes of the places it runs in (countries, EL for Greece, or regions), ";"-separated.
    countries: Mapped[str] = mapped_column(String(200), default="")
    target_groups: Mapped[list] = mapped_column(JSONDocument, default=list)
    # [{"kind": "enabling" | "hindering", "type": condition-type code, "note"}]
    conditions: Mapped[list] = mapped_column(JSONDocument, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    # The source that documents the practice, when it is recorded as one.
    source_key: Mapped[str | None] = mapped_column(String(64), ForeignKey("sources.key"), nullable=True)
    source_citation: Mapped[str] = mapped_column(String(500), default="")
    source_url: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def country_codes(self) -> list[str]:
        return [code for code in self.countries.split(";") if code]
