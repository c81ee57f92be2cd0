"""The outbox: domain events written in the same transaction as the change they describe.

The graph projector reads them in the order of their position (transaction id, then event id);
nothing is lost while the graph is down.
"""

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from records.db import Base
from records.models._columns import JSONDocument, utcnow


class OutboxEvent(Base):
    __tablename__ = "outbox_events"
    __table_args__ = (Index("ix_outbox_events_position", "transaction_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The writing transaction's id on PostgreSQL (0 on SQLite, whose writers take turns): readers
    # order by it so that an event committed late is never passed over (see records.outbox).
    transaction_id: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    event_type: Mapped[str] = mapped_column(String(64))
    aggregate_type: Mapped[str] = mapped_column(String(64))
    aggregate_key: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict] = mapped_column(JSONDocument)

    def __repr__(self) -> str:
        return f"<OutboxEvent {self.id} {self.event_type} {self.aggregate_key}>"
