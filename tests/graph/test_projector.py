"""The projector applies outbox events in order, in batches, idempotently, and survives crashes."""

import pytest

from graph.errors import UnknownEvent
from graph.memory_store import MemoryStore
from graph.projector import pending_events, project_pending
from graph.store import NodeRef
from ontology.vocab import NodeLabel, RelType
from records.db import transaction
from records.demo import evaluated_practices, load_demo_content
from records.outbox import emit


def snapshot(store) -> tuple:
    """Everything a user could see in a graph, in a comparable form."""
    nodes = {label: store.nodes(label) for label in NodeLabel}
    relationships = [(r.type, r.start, r.end, r.properties) for r in store.relationships()]
    return nodes, relationships


class CrashingStore:
    """Wraps a store and dies half-way through the n-th batch, as a killed process would."""

    def __init__(self, inner, crash_on_batch: int) -> None:
        self.inner, self.crash_on_batch, self.batches = inner, crash_on_batch, 0

    def last_applied_event(self):
        return self.inner.last_applied_event()

    def apply(self, changes, *, checkpoint=None):
        self.batches += 1
        if self.batches == self.crash_on_batch:
            self.inner.apply(changes[: len(changes) // 2])  # half written, checkpoint not moved
            raise SystemExit("killed mid-batch")
        self.inner.apply(changes, checkpoint=checkpoint)


def test_demo_events_become_practices_with_their_type_country_and_source(session_factory, store):
    load_demo_content(session_factory)
    report = project_pending(session_factory, store, batch_size=25)
    practices = evaluated_practices()
    assert report.events_applied == len(practices)
    assert report.batches == -(-len(practices) // 25)
    assert store.last_applied_event() == report.last_event_id
    assert pending_events(session_factory, store) == 0

    garantie = next(p for p in practices if p["name"].startswith("Garantie jeunes"))
    ref = NodeRef(NodeLabel.PRACTICE, garantie["key"])
    assert store.node(ref.label, ref.key)["programme_type"] == "counselling_case_management"
    assert [r.end.key for r in store.relationships(RelType.IMPLEMENTED_IN, start=ref)] == ["FR"]
    source = store.relationships(RelType.DOCUMENTED_BY, start=ref)[0].end
    assert "Garantie jeunes" in store.node(source.label, source.key)["citation"]


def test_projecting_again_changes_nothing(session_factory, store):
    load_demo_content(session_factory)
    project_pending(session_factory, store)
    before = snapshot(store)
    assert project_pending(session_factory, store).events_applied == 0
    store.apply([], checkpoint=0)
    assert snapshot(store) == before


def test_replay_after_a_crash_mid_batch_gives_the_same_graph(session_factory, store, make_store):
    load_demo_content(session_factory)
    crashing = CrashingStore(store, crash_on_batch=3)
    with pytest.raises(SystemExit):
        project_pending(session_factory, crashing, batch_size=10)
    halfway = store.last_applied_event()
    assert halfway > 0 and pending_events(session_factory, store) > 0

    project_pending(session_factory, store, batch_size=10)  # the restarted projector

    clean = make_store(store.backend)
    project_pending(session_factory, clean, batch_size=1000)
    assert snapshot(store) == snapshot(clean)
    assert store.last_applied_event() == clean.last_applied_event()


def test_an_event_without_a_rule_stops_projection_before_it(session_factory):
    with transaction(session_factory) as session:
        emit(session, "practice.created", "practice", "p1", {
            "key": "p1", "name": "A", "programme_type": "training", "countries": []})
        emit(session, "mystery.happened", "mystery", "m1", {})
    store = MemoryStore()
    with pytest.raises(UnknownEvent, match="mystery.happened"):
        project_pending(session_factory, store, batch_size=1)
    assert store.node(NodeLabel.PRACTICE, "p1") is not None
    assert pending_events(session_factory, store) == 1
