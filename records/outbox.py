"""Writing and reading domain events.

`emit` adds an event to the caller's session, so it commits or rolls back with the change it
describes: a rolled-back change leaves no event behind.
"""

from __future__ import annotations

import functools

from sqlalchemy import bindparam, func, insert, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert, UpdateBase

from records.models import OutboxEvent
from records.models._columns import utcnow

__all__ = ["change_and_emit", "emit", "events_after", "last_event_id"]

# One advisory lock key for every outbox writer on PostgreSQL (any fixed 64-bit number).
_OUTBOX_LOCK_KEY = 7_300_001

# Statements built once: events are written on every change, and building a statement costs more
# than running it. They go through the session's connection, in its transaction, as plain INSERTs:
# events are never edited, so the unit of work would only add cost.
_EVENTS = OutboxEvent.__table__
_COLUMNS = ("occurred_at", "event_type", "aggregate_type", "aggregate_key", "payload")
_EVENT_VALUES = tuple(bindparam(name, type_=_EVENTS.c[name].type) for name in _COLUMNS)
_INSERT_EVENT = insert(_EVENTS).returning(_EVENTS.c.id)


def _insert_event_from(rows, heading_cte=None) -> Insert:
    """An INSERT of one event from `rows`; a data-modifying WITH must head the whole statement,
    hence `heading_cte` goes on the INSERT itself."""
    statement = insert(_EVENTS) if heading_cte is None else insert(_EVENTS).add_cte(heading_cte)
    return statement.from_select(list(_COLUMNS), rows).returning(_EVENTS.c.id)


# The same INSERT, taking the ordering lock (below) in the same round trip: the row's id is drawn
# only once the lock is held.
_LOCK = select(func.pg_advisory_xact_lock(_OUTBOX_LOCK_KEY).label("held")).subquery("outbox_order")
_INSERT_EVENT_IN_ORDER = _insert_event_from(select(*_EVENT_VALUES).select_from(_LOCK))


def _needs_lock(session: Session, connection) -> bool:
    """Whether this transaction must still take the ordering lock (PostgreSQL only, once)."""
    # Ids are handed out when rows are inserted but become visible at commit; two writers could
    # commit out of id order and the projector, reading "id > last applied", would skip the
    # earlier one for good. Holding this lock until commit makes ids commit in order. Once per
    # transaction is enough: the lock is held to its end.
    transaction = session.get_transaction()
    if connection.dialect.name != "postgresql" or session.info.get("outbox_locked") is transaction:
        return False
    session.info["outbox_locked"] = transaction
    return True


def _event_values(event_type: str, aggregate_type: str, aggregate_key: str, payload: dict) -> dict:
    return {"occurred_at": utcnow(), "event_type": event_type, "aggregate_type": aggregate_type,
            "aggregate_key": aggregate_key, "payload": payload}


def emit(session: Session, event_type: str, aggregate_type: str, aggregate_key: str,
         payload: dict) -> int:
    """Record that `event_type` happened to an aggregate, inside the current transaction; returns its id."""
    connection = session.connection()
    statement = _INSERT_EVENT_IN_ORDER if _needs_lock(session, connection) else _INSERT_EVENT
    return connection.execute(statement, _event_values(event_type, aggregate_type, aggregate_key,
                                                       payload)).scalar_one()


@functools.cache
def _change_with_event(change: UpdateBase, locking: bool) -> Insert:
    """One statement that runs `change` and inserts an event for each row it changed (built once
    per prebuilt change)."""
    changed = change.returning(*change.table.primary_key.columns).cte("changed")
    rows = select(*_EVENT_VALUES).select_from(changed)
    return _insert_event_from(rows.join(_LOCK, true()) if locking else rows, changed)


def change_and_emit(session: Session, change: UpdateBase, parameters: dict, event_type: str,
                    aggregate_type: str, aggregate_key: str, payload: dict) -> int | None:
    """Run `change` (a prebuilt UPDATE or DELETE of one row) and record its event, both in the current
    transaction; returns the event's id, or None when the change found no row (and then no event).

    On PostgreSQL both are one statement, one round trip: for the busiest writes (a survey being
    submitted) the round trip costs more than the work.
    """
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        if connection.execute(change, parameters).rowcount == 0:
            return None
        return emit(session, event_type, aggregate_type, aggregate_key, payload)
    locking = _needs_lock(session, connection)
    values = _event_values(event_type, aggregate_type, aggregate_key, payload)
    event_id = connection.execute(_change_with_event(change, locking), {**parameters, **values}).scalar()
    if event_id is None and locking:
        session.info["outbox_locked"] = None  # no row, so the lock may not have been taken
    return event_id


def events_after(session: Session, after_id: int, limit: int) -> list[OutboxEvent]:
    """At most `limit` events with an id above `after_id`, oldest first."""
    query = select(OutboxEvent).where(OutboxEvent.id > after_id).order_by(OutboxEvent.id).limit(limit)
    return list(session.scalars(query))


def last_event_id(session: Session) -> int:
    return session.scalar(select(func.coalesce(func.max(OutboxEvent.id), 0))) or 0
