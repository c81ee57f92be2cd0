"""Writing and reading domain events.

`emit` adds an event to the caller's session, so it commits or rolls back with the change it
describes: a rolled-back change leaves no event behind.
"""

from __future__ import annotations

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from records.models import OutboxEvent
from records.models._columns import utcnow

__all__ = ["emit", "events_after", "last_event_id"]

# One advisory lock key for every outbox writer on PostgreSQL (any fixed 64-bit number).
_OUTBOX_LOCK_KEY = 7_300_001


def emit(session: Session, event_type: str, aggregate_type: str, aggregate_key: str,
         payload: dict) -> int:
    """Record that `event_type` happened to an aggregate, inside the current transaction; returns its id."""
    transaction = session.get_transaction()
    if session.get_bind().dialect.name == "postgresql" and session.info.get("outbox_locked") is not transaction:
        # Ids are handed out when rows are inserted but become visible at commit; two writers could
        # commit out of id order and the projector, reading "id > last applied", would skip the
        # earlier one for good. Holding this lock until commit makes ids commit in order. Once per
        # transaction is enough: the lock is held to its end.
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _OUTBOX_LOCK_KEY})
        session.info["outbox_locked"] = transaction
    # A plain INSERT rather than an ORM object: events are written on every change and never
    # edited, so the unit of work would only add cost.
    return session.scalar(insert(OutboxEvent).values(
        occurred_at=utcnow(), event_type=event_type, aggregate_type=aggregate_type,
        aggregate_key=aggregate_key, payload=payload).returning(OutboxEvent.id))


def events_after(session: Session, after_id: int, limit: int) -> list[OutboxEvent]:
    """At most `limit` events with an id above `after_id`, oldest first."""
    query = select(OutboxEvent).where(OutboxEvent.id > after_id).order_by(OutboxEvent.id).limit(limit)
    return list(session.scalars(query))


def last_event_id(session: Session) -> int:
    return session.scalar(select(func.coalesce(func.max(OutboxEvent.id), 0))) or 0
