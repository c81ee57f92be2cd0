"""Domain events are written in the same transaction as the change they describe."""

import pytest
from sqlalchemy import func, select

from records.db import make_session_factory, transaction
from records.errors import Conflict
from records.migrate import upgrade
from records.models import AuditEntry, OutboxEvent, Practice
from records.outbox import START, Position, emit, events_after, last_position, pending_count
from records.practices import PRACTICE_CREATED, create_practice
from tests.conftest import _fresh_postgres_engine


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
        events = events_after(session, START, 10)
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
        assert last_position(session) == START


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
        first = events_after(session, START, 3)
        rest = events_after(session, Position(first[-1].transaction_id, first[-1].id), 3)
        assert pending_count(session, Position(first[-1].transaction_id, first[-1].id)) == 2
    assert [e.payload["n"] for e in first + rest] == [0, 1, 2, 3, 4]
    assert [e.id for e in first + rest] == sorted(e.id for e in first + rest)


@pytest.fixture
def postgres_factory():
    engine = _fresh_postgres_engine()
    upgrade(engine)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.mark.postgres
def test_an_event_committed_after_a_later_one_is_not_passed_over(postgres_factory):
    """Writers do not wait for each other, so events can commit out of id order; a reader that has
    applied the later one must still get the earlier one once it commits."""
    slow, quick = postgres_factory(), postgres_factory()
    try:
        # The slow writer starts first (its transaction id is the smaller) but writes its event last.
        create_practice(slow, key="practice-slow", **_practice(name="Slow"))
        emit(quick, "practice.noted", "practice", "quick", {"n": 1})
        emit(slow, "practice.noted", "practice", "slow", {"n": 2})
        quick.commit()
        with postgres_factory() as reader:
            # The quick event waits: an older transaction is still running and may commit before it.
            assert events_after(reader, START, 10) == []
            assert pending_count(reader, START) == 1
        slow.commit()
        with postgres_factory() as reader:
            events = events_after(reader, START, 10)
            assert [e.aggregate_key for e in events] == ["practice-slow", "slow", "quick"]
            # Ids alone would have put "quick" before "slow": the quick writer drew its id first.
            assert events[2].id < events[1].id
            assert last_position(reader) == Position(events[-1].transaction_id, events[-1].id)
    finally:
        slow.close()
        quick.close()
