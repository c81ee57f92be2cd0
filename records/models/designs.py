"""Design Wizard questions that a signed-in user saved under a name, to come back to them."""

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from records.db import Base
from records.models._columns import utcnow


class SavedDesign(Base):
    __tablename__ = "saved_designs"
    __table_args__ = (UniqueConstraint("owner", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The user name, kept as text like the audit log's actor.
    owner: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # The Wizard's question as its address's query string (region=...&group=...): the same link
    # that shares it.
    query: Mapped[str] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
