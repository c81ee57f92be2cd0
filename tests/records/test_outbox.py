"""Domain events are written in the same transaction as the change they describe."""

import pytest
from sqlalchemy import func, select

from records.db import transaction
from records.errors import Conflict
from records.models import AuditEntry, OutboxEvent, Practice
from records.outbox import emit, events_after, last_event_id
from records.practices import PRACTICE_CREATED, create_practice


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _practice(**overrides):
    fields = {"name": "Youth job coaching", "programme_type": "counselling_case_management",
              "countries": ["FR"], "source_citation": "A study 2020", "source_url": "https://example.org/s"}
    return fields | overrides


def test_a_committed_change_leaves_exactly_one_event(session_factory):
    with transaction(session_factory) as session:
        practice = create_practice(session, actor="ada", **_practice())
    with session_factory() as session:
        events = events_after(session, 0, 10)
        assert [(e.event_type, e.aggregate_key) for e in events] == [(PRACTICE_CREATED, practice.key)]
        assert events[0].payload["countries"] == ["FR"]
        assert _count(session, AuditEntry) == 1


def test_a_rolled_back_change_leaves_no_event(session_factory):
    with pytest.raises(RuntimeError), transaction(session_factory) as session:
        create_practice(session, **_practice())
        emit(session, "practice.noted", "practice", "x", {"note": 1})
        raise RuntimeError("crash before commit")
    with session_factory() as session:
        assert _count(session, Practice) == 0
        assert _count(session, OutboxEvent) == 0
        assert _count(session, AuditEntry) == 0
        assert last_event_id(session) == 0


def test_a_refused_change_leaves_nothing_behind(session_factory):
    with transaction(session_factory) as session:
        create_practice(session, key="practice-one", **_practice())
    with pytest.raises(Conflict), transaction(session_factory) as session:
        create_practice(session, key="practice-two", **_practice(name="Another"))
        create_practice(session, key="practice-one", **_practice())
    with session_factory() as session:
        assert session.scalars(select(Practice.key)).all() == ["practice-one"]
        assert _count(session, OutboxEvent) == 1


def test_events_are_read_in_order_in_batches(session_factory):
    with transaction(session_factory) as session:
        for n in range(5):
            emit(session, "practice.noted", "practice", f"p{n}", {"n": n})
    with session_factory() as session:
        first = events_after(session, 0, 3)
        rest = events_after(session, first[-1].id, 3)
    assert [e.payload["n"] for e in first + rest] == [0, 1, 2, 3, 4]
    assert [e.id for e in first + rest] == sorted(e.id for e in first + rest)
