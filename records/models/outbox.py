"""The outbox: domain events written in the same transaction as the change they describe.

The graph projector reads them in id order; nothing is lost while the graph is down.
"""

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from records.db import Base
from records.models._columns import JSONDocument, utcnow


class OutboxEvent(Base):
    __tablename__ = "outbox_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    event_type: Mapped[str] = mapped_column(String(64))
    aggregate_type: Mapped[str] = mapped_column(String(64))
    aggregate_key: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict] = mapped_column(JSONDocument)

    def __repr__(self) -> str:
        return f"<OutboxEvent {self.id} {self.event_type} {self.aggregate_key}>"
