"""The projector applies outbox events in order, in batches, idempotently, survives crashes, and sets
aside what it cannot apply."""

import pytest
from sqlalchemy import select

from graph.memory_store import MemoryStore
from graph.projector import initialise_graph, pending_events, project_pending, rebuild_graph
from graph.store import NodeRef
from ontology.vocab import NodeLabel, RelType
from records.configurations import (
    ConfigurationDraft,
    Outcome,
    create_configuration,
    create_source,
    edit_configuration,
    erase_configuration,
    validate_configuration,
)
from records.db import transaction
from records.demo import evaluated_practices, load_demo_content
from records.models import DeadLetter
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

    def last_applied(self):
        return self.inner.last_applied()

    def apply(self, changes, *, checkpoint=None):
        self.batches += 1
        if self.batches == self.crash_on_batch:
            self.inner.apply(changes[: len(changes) // 2])  # half written, checkpoint not moved
            raise SystemExit("killed mid-batch")
        self.inner.apply(changes, checkpoint=checkpoint)


@pytest.fixture
def graph(store):
    initialise_graph(store)
    return store


def _dead_letters(factory) -> list[tuple[int, str]]:
    with factory() as session:
        return [(d.event_id, d.reason) for d in session.scalars(select(DeadLetter).order_by(DeadLetter.event_id))]


def test_the_demo_content_becomes_a_connected_evidence_graph(session_factory, graph):
    report_loaded = load_demo_content(session_factory)
    report = project_pending(session_factory, graph, batch_size=100)
    expected_events = (report_loaded.sources_added + report_loaded.practices_added
                       + report_loaded.configurations_added)
    assert report.events_applied == expected_events and report.dead_letters == []
    assert report.batches == -(-expected_events // 100)
    assert pending_events(session_factory, graph) == 0
    counts = graph.counts()
    assert counts["Configuration"] == 206 and counts["Practice"] == len(evaluated_practices())

    garantie = next(p for p in evaluated_practices() if p["name"].startswith("Garantie jeunes"))
    ref = NodeRef(NodeLabel.PRACTICE, garantie["key"])
    assert [r.end.key for r in graph.relationships(RelType.IMPLEMENTED_IN, start=ref)] == ["FR"]
    source = graph.relationships(RelType.DOCUMENTED_BY, start=ref)[0].end
    assert "Garantie jeunes" in graph.node(source.label, source.key)["citation"]

    finding = NodeRef(NodeLabel.CONFIGURATION, "finding-eu002")
    assert graph.node(finding.label, finding.key)["status"] == "validated"
    assert [r.end.key for r in graph.relationships(RelType.HAS_MECHANISM, start=finding)]
    assert [r.end.label for r in graph.relationships(RelType.DERIVED_FROM, start=finding)] == [NodeLabel.SOURCE]


def test_projecting_again_changes_nothing(session_factory, graph):
    load_demo_content(session_factory)
    project_pending(session_factory, graph)
    before = snapshot(graph)
    assert project_pending(session_factory, graph).events_applied == 0
    initialise_graph(graph)
    assert snapshot(graph) == before


def test_replay_after_a_crash_mid_batch_gives_the_same_graph(session_factory, graph, make_store):
    load_demo_content(session_factory)
    crashing = CrashingStore(graph, crash_on_batch=3)
    with pytest.raises(SystemExit):
        project_pending(session_factory, crashing, batch_size=40)
    assert graph.last_applied() > (0, 0) and pending_events(session_factory, graph) > 0

    project_pending(session_factory, graph, batch_size=40)  # the restarted projector

    clean = make_store(graph.backend)
    initialise_graph(clean)
    project_pending(session_factory, clean, batch_size=1000)
    assert snapshot(graph) == snapshot(clean)
    assert graph.last_applied() == clean.last_applied()


def test_rebuild_gives_the_graph_that_projection_gave(session_factory, graph):
    load_demo_content(session_factory)
    project_pending(session_factory, graph)
    before = snapshot(graph)
    report = rebuild_graph(session_factory, graph, batch_size=64)
    assert report.events_applied > 400
    assert snapshot(graph) == before


def _source_and_configuration(factory, **draft_overrides):
    with transaction(factory) as session:
        create_source(session, key="study-x", kind="document", citation="X 2021")
        draft = ConfigurationDraft(source_key="study-x", programme_type="training", mechanism="human_capital",
                                   outcomes=[Outcome("employment", "positive", "short_run")],
                                   target_groups=["youth_neet"], countries=["FR"], **draft_overrides)
        create_configuration(session, draft, key="cfg-x")


def test_events_that_cannot_be_applied_are_set_aside_with_their_reason(session_factory, graph):
    _source_and_configuration(session_factory)
    with transaction(session_factory) as session:
        emit(session, "configuration.created", "configuration", "cfg-bad", {
            "key": "cfg-bad", "status": "draft", "source_key": "study-x", "programme_type": "training",
            "mechanism": "telepathy", "outcomes": [], "target_groups": []})
        emit(session, "practice.created", "practice", "p-orphan", {
            "key": "p-orphan", "name": "Orphan", "programme_type": "training", "countries": [],
            "source_key": "study-that-does-not-exist"})
        emit(session, "mystery.happened", "mystery", "m1", {})
        emit(session, "practice.created", "practice", "p-ok", {
            "key": "p-ok", "name": "Fine", "programme_type": "training", "countries": ["FR"]})
    report = project_pending(session_factory, graph, batch_size=500)
    reasons = dict(_dead_letters(session_factory))
    assert len(report.dead_letters) == 3 and len(reasons) == 3
    assert any("'telepathy' is not a concept of the mechanism scheme" in r for r in reasons.values())
    assert any("study-that-does-not-exist" in r for r in reasons.values())
    assert any("mystery.happened" in r for r in reasons.values())
    # Nothing of the refused events is in the graph; everything else is.
    assert graph.node(NodeLabel.CONFIGURATION, "cfg-bad") is None
    assert graph.node(NodeLabel.PRACTICE, "p-orphan") is None
    assert graph.node(NodeLabel.PRACTICE, "p-ok") is not None
    assert graph.node(NodeLabel.CONFIGURATION, "cfg-x") is not None
    assert pending_events(session_factory, graph) == 0
    # Projecting the same events again (a new embedded graph) records each dead letter once.
    fresh = MemoryStore()
    initialise_graph(fresh)
    project_pending(session_factory, fresh)
    assert len(_dead_letters(session_factory)) == 3


def test_edits_validation_and_erasure_reach_the_graph(session_factory, graph):
    _source_and_configuration(session_factory)
    project_pending(session_factory, graph)
    cfg = NodeRef(NodeLabel.CONFIGURATION, "cfg-x")
    assert graph.node(cfg.label, cfg.key)["status"] == "draft"

    with transaction(session_factory) as session:
        draft = ConfigurationDraft(source_key="study-x", programme_type="training", mechanism="lock_in",
                                   outcomes=[Outcome("employment", "negative", "short_run"),
                                             Outcome("earnings", "positive", "long_run")],
                                   target_groups=["long_term_unemployed"], countries=["DE"])
        edit_configuration(session, "cfg-x", draft)
        validate_configuration(session, "cfg-x", actor="ana")
    project_pending(session_factory, graph)
    assert graph.node(cfg.label, cfg.key)["status"] == "validated"
    assert [r.end.key for r in graph.relationships(RelType.FOR_TARGET_GROUP, start=cfg)] == ["long_term_unemployed"]
    assert [r.end.key for r in graph.relationships(RelType.HAS_MECHANISM, start=cfg)] == ["lock_in"]
    assert [r.end.key for r in graph.relationships(RelType.IN_REGION, start=cfg)] == ["DE"]
    assert len(graph.relationships(RelType.HAS_OUTCOME, start=cfg)) == 2

    with transaction(session_factory) as session:
        erase_configuration(session, "cfg-x")
    project_pending(session_factory, graph)
    assert graph.node(cfg.label, cfg.key) is None
    assert graph.node(NodeLabel.OUTCOME, "cfg-x.outcome.1") is None
    assert graph.node(NodeLabel.CONTEXT, "cfg-x.context") is None
    assert graph.node(NodeLabel.SOURCE, "study-x") is not None


def test_the_concept_nodes_carry_their_labels_and_regional_figures(graph):
    youth = graph.node(NodeLabel.TARGET_GROUP, "youth_neet")
    assert youth["label_en"] and youth["label_de"] and youth["label_fr"]
    ceuta = [r for r in graph.relationships(RelType.HAS_UNEMPLOYMENT_BAND)
             if r.start.key == "ES63"]
    assert ceuta[0].end.key == "high" and ceuta[0].properties["rate"] == 28.4
    assert ceuta[0].properties["year"] == 2022


def test_a_memory_store_started_later_catches_up_from_the_records(session_factory):
    load_demo_content(session_factory)
    late = MemoryStore()
    initialise_graph(late)
    assert project_pending(session_factory, late).events_applied > 400


def test_two_projectors_setting_the_same_event_aside_record_it_once(session_factory, monkeypatch):
    import graph.projector as projector
    dead = [(41, "mystery.happened", "m1", "no rule")]
    projector._record_dead_letters(session_factory, dead)
    # The other process checked before this one wrote: it finds nothing and inserts again.
    real_select = projector.select
    monkeypatch.setattr(projector, "select", lambda *a: real_select(*a).where(DeadLetter.event_id < 0))
    projector._record_dead_letters(session_factory, dead)
    assert _dead_letters(session_factory) == [(41, "no rule")]
