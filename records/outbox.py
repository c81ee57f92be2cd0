"""Writing and reading domain events.

`emit` adds an event to the caller's session, so it commits or rolls back with the change it
describes: a rolled-back change leaves no event behind.

Readers must never pass over an event. Event ids are drawn when a row is inserted but become
visible when its transaction commits, so two writers can commit out of id order: reading "id
after the last one applied" would skip the slower one for good. Each event therefore carries
its transaction's id, and readers take events in (transaction id, event id) order, only from
transactions older than every transaction still running (PostgreSQL's snapshot xmin): no event
can appear later before that point. Writers never wait for each other. On SQLite, writers take
turns for the whole transaction, ids commit in order, and the transaction id is 0.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

from sqlalchemy import BigInteger, Text, bindparam, func, insert, literal, select, tuple_
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert, UpdateBase

from records.models import OutboxEvent
from records.models._columns import utcnow

__all__ = ["Position", "change_and_emit", "emit", "events_after", "last_position", "pending_count"]


class Position(NamedTuple):
    """Where an event stands in the order readers apply them."""
    transaction_id: int
    event_id: int


START = Position(0, 0)

# Statements built once: events are written on every change, and building a statement costs more
# than running it. They go through the session's connection, in its transaction, as plain INSERTs:
# events are never edited, so the unit of work would only add cost.
_EVENTS = OutboxEvent.__table__
_COLUMNS = ("occurred_at", "event_type", "aggregate_type", "aggregate_key", "payload")
_EVENT_VALUES = tuple(bindparam(name, type_=_EVENTS.c[name].type) for name in _COLUMNS)
# pg_current_xact_id() is an xid8; as text it casts to a bigint.
_PG_TRANSACTION_ID = func.pg_current_xact_id().cast(Text).cast(BigInteger)


def _insert_event_from(rows, heading_cte=None) -> Insert:
    """An INSERT of one event from `rows` (the event's values then its transaction id); a
    data-modifying WITH must head the whole statement, hence `heading_cte` goes on the INSERT."""
    statement = insert(_EVENTS) if heading_cte is None else insert(_EVENTS).add_cte(heading_cte)
    return statement.from_select([*_COLUMNS, "transaction_id"], rows).returning(_EVENTS.c.id)


_INSERT_EVENT = {
    "postgresql": _insert_event_from(select(*_EVENT_VALUES, _PG_TRANSACTION_ID)),
    "other": _insert_event_from(select(*_EVENT_VALUES, literal(0, BigInteger))),
}


def _event_values(event_type: str, aggregate_type: str, aggregate_key: str, payload: dict) -> dict:
    return {"occurred_at": utcnow(), "event_type": event_type, "aggregate_type": aggregate_type,
            "aggregate_key": aggregate_key, "payload": payload}


def _dialect(connection) -> str:
    return "postgresql" if connection.dialect.name == "postgresql" else "other"


def emit(session: Session, event_type: str, aggregate_type: str, aggregate_key: str,
         payload: dict) -> int:
    """Record that `event_type` happened to an aggregate, inside the current transaction; returns its id."""
    connection = session.connection()
    return connection.execute(_INSERT_EVENT[_dialect(connection)],
                              _event_values(event_type, aggregate_type, aggregate_key, payload)).scalar_one()


@functools.cache
def _change_with_event(change: UpdateBase) -> Insert:
    """One statement that runs `change` and inserts an event for each row it changed (built once
    per prebuilt change; PostgreSQL only)."""
    changed = change.returning(*change.table.primary_key.columns).cte("changed")
    return _insert_event_from(select(*_EVENT_VALUES, _PG_TRANSACTION_ID).select_from(changed), changed)


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
    values = _event_values(event_type, aggregate_type, aggregate_key, payload)
    return connection.execute(_change_with_event(change), {**parameters, **values}).scalar()


def _position_column():
    return tuple_(OutboxEvent.transaction_id, OutboxEvent.id)


def _settled(session: Session):
    """Only events of transactions older than any still running: nothing can come before them later."""
    if session.get_bind().dialect.name != "postgresql":
        return literal(True)
    horizon = func.pg_snapshot_xmin(func.pg_current_snapshot()).cast(Text).cast(BigInteger)
    return OutboxEvent.transaction_id < horizon


def events_after(session: Session, after: Position, limit: int) -> list[OutboxEvent]:
    """At most `limit` settled events past `after`, in the order they are to be applied."""
    query = (select(OutboxEvent).where(_position_column() > tuple_(literal(after[0], BigInteger),
                                                                    literal(after[1], BigInteger)),
                                       _settled(session))
             .order_by(OutboxEvent.transaction_id, OutboxEvent.id).limit(limit))
    return list(session.scalars(query))


def last_position(session: Session) -> Position:
    """The position of the last settled event; START when there is none."""
    row = session.execute(select(OutboxEvent.transaction_id, OutboxEvent.id).where(_settled(session))
                          .order_by(OutboxEvent.transaction_id.desc(), OutboxEvent.id.desc()).limit(1)).first()
    return Position(*row) if row else START


def pending_count(session: Session, after: Position) -> int:
    """How many events, settled or not yet, lie past `after`."""
    return session.scalar(select(func.count()).select_from(OutboxEvent).where(
        _position_column() > tuple_(literal(after[0], BigInteger), literal(after[1], BigInteger)))) or 0
