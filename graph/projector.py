"""The projector: turns outbox events into graph changes and applies them, in order, in batches.

Each batch is applied together with the id of its last event, which the store remembers. Changes
are merges, so applying an event twice gives the same graph: after a crash mid-batch the projector
simply starts again from the store's checkpoint.

An event that cannot be applied (it names an unknown concept or a node that is not there) goes to
the dead-letter list with its reason, and the projector goes on; nothing of it is applied.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from graph.concepts import concept_changes, concept_ref
from graph.errors import BrokenReference, InvalidChange, UnknownEvent
from graph.store import DeleteNode, GraphChange, GraphStore, MergeNode, MergeRelationship, NodeRef
from ontology.concepts import UnknownConcept, concept_index
from ontology.vocab import NodeLabel, RelType, Scheme
from records.configurations import owned_node_keys
from records.db import transaction
from records.models import DeadLetter
from records.outbox import START, Position, events_after, pending_count

__all__ = ["ProjectionReport", "changes_for", "initialise_graph", "pending_events", "project_pending",
           "rebuild_graph"]

DEFAULT_BATCH_SIZE = 500


@dataclass
class ProjectionReport:
    events_applied: int = 0
    batches: int = 0
    position: Position = START
    dead_letters: list[tuple[int, str]] = field(default_factory=list)


class ProjectionRefused(Exception):
    """An event that cannot become graph changes; the message says why."""


# -- events to changes -----------------------------------------------------------------------------

def _source_created(payload: dict) -> list[GraphChange]:
    source = NodeRef(NodeLabel.SOURCE, payload["key"])
    changes: list[GraphChange] = [MergeNode(source.label, source.key, {
        "kind": payload["kind"], "title": payload.get("title", ""), "citation": payload.get("citation", ""),
        "url": payload.get("url", ""), "year": payload.get("year"), "design": payload.get("design")})]
    if payload.get("design"):
        changes.append(MergeRelationship(RelType.USES_DESIGN, source,
                                         concept_ref(Scheme.STUDY_DESIGN, payload["design"])))
    return changes


def _condition_changes(owner: NodeRef, conditions: list[dict]) -> list[GraphChange]:
    """Enabling or hindering conditions of a practice or configuration, as nodes it owns."""
    changes: list[GraphChange] = []
    for n, condition in enumerate(conditions):
        node = NodeRef(NodeLabel.CONDITION, f"{owner.key}.condition.{n}")
        changes += [
            MergeNode(node.label, node.key, {"kind": condition["kind"], "note": condition.get("note", "")}),
            MergeRelationship(RelType.HAS_CONDITION, owner, node, {"kind": condition["kind"]}),
            MergeRelationship(RelType.OF_CONDITION_TYPE, node, concept_ref(Scheme.CONDITION_TYPE, condition["type"])),
        ]
    return changes


def _practice_created(payload: dict) -> list[GraphChange]:
    practice = NodeRef(NodeLabel.PRACTICE, payload["key"])
    changes: list[GraphChange] = [
        MergeNode(practice.label, practice.key, {
            "name": payload["name"],
            "programme_type": payload["programme_type"],
            "countries": list(payload.get("countries", [])),
            "citation": payload.get("source_citation", ""),
        }),
        MergeRelationship(RelType.OF_TYPE, practice,
                          concept_ref(Scheme.PROGRAMME_TYPE, payload["programme_type"])),
    ]
    for country in payload.get("countries", []):
        changes.append(MergeRelationship(RelType.IMPLEMENTED_IN, practice,
                                         concept_ref(Scheme.NUTS2021, country)))
    for code in payload.get("target_groups", []):
        changes.append(MergeRelationship(RelType.FOR_TARGET_GROUP, practice, concept_ref(Scheme.TARGET_GROUP, code)))
    changes += _condition_changes(practice, payload.get("conditions", []))
    if payload.get("source_key"):
        changes.append(MergeRelationship(RelType.DOCUMENTED_BY, practice,
                                         NodeRef(NodeLabel.SOURCE, payload["source_key"])))
    return changes


def _practice_erased(payload: dict) -> list[GraphChange]:
    key = payload["key"]
    return [DeleteNode(NodeLabel.PRACTICE, key)] + [
        DeleteNode(NodeLabel.CONDITION, f"{key}.condition.{n}") for n in range(payload.get("conditions", 0))]


def _source_erased(payload: dict) -> list[GraphChange]:
    return [DeleteNode(NodeLabel.SOURCE, payload["key"])]


def _configuration_nodes(state: dict) -> list[GraphChange]:
    """The configuration, the nodes it owns and its links, from its full state."""
    key = state["key"]
    configuration = NodeRef(NodeLabel.CONFIGURATION, key)
    context = NodeRef(NodeLabel.CONTEXT, f"{key}.context")
    changes: list[GraphChange] = [
        MergeNode(configuration.label, key, {
            "status": state["status"],
            "validated_by": state.get("validated_by"),
            "finding_id": state.get("finding_id"),
            "programme_type": state["programme_type"],
            "mechanism": state["mechanism"],
            "mechanism_note": state.get("mechanism_note", ""),
            # Configurations whose findings contradict this one's: the Wizard flags the pair contested.
            "contested_by": list(state.get("contested_by") or []),
        }),
        MergeNode(context.label, context.key, {"description": state.get("context_note", "")}),
        MergeRelationship(RelType.HAS_CONTEXT, configuration, context),
        MergeRelationship(RelType.ABOUT_PROGRAMME_TYPE, configuration,
                          concept_ref(Scheme.PROGRAMME_TYPE, state["programme_type"])),
        MergeRelationship(RelType.HAS_MECHANISM, configuration,
                          concept_ref(Scheme.MECHANISM, state["mechanism"])),
    ]
    for code in state.get("target_groups", []):
        changes.append(MergeRelationship(RelType.FOR_TARGET_GROUP, configuration,
                                         concept_ref(Scheme.TARGET_GROUP, code)))
    regions = list(state.get("countries", []))
    if state.get("region") and state["region"] not in regions:
        regions.append(state["region"])
    for code in regions:
        changes.append(MergeRelationship(RelType.IN_REGION, configuration,
                                         concept_ref(Scheme.NUTS2021, code)))
    if state.get("skill_level"):
        changes.append(MergeRelationship(RelType.FOR_SKILL_LEVEL, configuration,
                                         concept_ref(Scheme.SKILL_LEVEL, state["skill_level"])))
    if state.get("unemployment_band"):
        changes.append(MergeRelationship(RelType.IN_UNEMPLOYMENT_BAND, configuration,
                                         concept_ref(Scheme.UNEMPLOYMENT_BAND, state["unemployment_band"])))
    if state.get("cycle_phase"):
        changes.append(MergeRelationship(RelType.IN_CYCLE_PHASE, configuration,
                                         concept_ref(Scheme.CYCLE_PHASE, state["cycle_phase"])))
    for n, outcome in enumerate(state["outcomes"]):
        node = NodeRef(NodeLabel.OUTCOME, f"{key}.outcome.{n}")
        # Direction and horizon are properties, but still only known codes.
        concept_index().get(Scheme.OUTCOME_DIRECTION, outcome["direction"])
        concept_index().get(Scheme.HORIZON, outcome["horizon"])
        changes += [
            MergeNode(node.label, node.key, {"measure": outcome["measure"], "direction": outcome["direction"],
                                             "horizon": outcome["horizon"],
                                             "effect_size": outcome.get("effect_size", "")}),
            MergeRelationship(RelType.HAS_OUTCOME, configuration, node),
            MergeRelationship(RelType.MEASURED_AS, node, concept_ref(Scheme.OUTCOME_MEASURE, outcome["measure"])),
        ]
    changes += _condition_changes(configuration, state.get("conditions", []))
    if state.get("practice_key"):
        changes.append(MergeRelationship(RelType.CONFIGURATION_OF, configuration,
                                         NodeRef(NodeLabel.PRACTICE, state["practice_key"])))
    origin = (NodeRef(NodeLabel.SEGMENT, state["segment_key"]) if state.get("segment_key")
              else NodeRef(NodeLabel.SOURCE, state["source_key"]))
    changes.append(MergeRelationship(RelType.DERIVED_FROM, configuration, origin))
    # Built from coded spans: each span is a segment of the source, with its words, so that the
    # path from the configuration back to what was said stays in the graph.
    for n, span in enumerate(state.get("spans", [])):
        segment = NodeRef(NodeLabel.SEGMENT, f"{key}.span.{n}")
        changes += [
            MergeNode(segment.label, segment.key, {
                "role": span["role"], "text": span["text"], "start": span["start"], "end": span["end"],
                "speaker": span.get("speaker", ""), "start_ms": span.get("start_ms"),
                "coder": span.get("coder", ""), "annotation_key": span["annotation_key"]}),
            MergeRelationship(RelType.DERIVED_FROM, configuration, segment, {"role": span["role"]}),
            MergeRelationship(RelType.PART_OF, segment, NodeRef(NodeLabel.SOURCE, span["source_key"])),
        ]
    return changes


def _owned_deletions(key: str, owned: dict[str, list[str]]) -> list[GraphChange]:
    deletions: list[GraphChange] = [DeleteNode(NodeLabel.CONFIGURATION, key)]
    for label, keys in owned.items():
        deletions += [DeleteNode(NodeLabel(label), owned_key) for owned_key in keys]
    return deletions


def _configuration_created(payload: dict) -> list[GraphChange]:
    return _configuration_nodes(payload)


def _configuration_edited(payload: dict) -> list[GraphChange]:
    # Remove the configuration with every node it owned, then project its new state: links it no
    # longer has disappear with the old node.
    owned = owned_node_keys(payload)
    for label, keys in payload.get("removed", {}).items():
        owned[label] = sorted(set(owned.get(label, [])) | set(keys))
    return _owned_deletions(payload["key"], owned) + _configuration_nodes(payload)


def _configuration_validated(payload: dict) -> list[GraphChange]:
    return [MergeNode(NodeLabel.CONFIGURATION, payload["key"], {
        "status": "validated", "validated_by": payload["validated_by"]})]


def _configuration_erased(payload: dict) -> list[GraphChange]:
    return _owned_deletions(payload["key"], payload["owned"])


EVENT_HANDLERS: dict[str, Callable[[dict], list[GraphChange]]] = {
    "source.created": _source_created,
    "practice.created": _practice_created,
    "practice.erased": _practice_erased,
    "source.erased": _source_erased,
    # Nothing in the graph stands for a response itself: its practices and source do.
    "survey_response.submitted": lambda payload: [],
    "survey_response.erased": lambda payload: [],
    "configuration.created": _configuration_created,
    "configuration.edited": _configuration_edited,
    "configuration.validated": _configuration_validated,
    "configuration.erased": _configuration_erased,
}


def changes_for(event_type: str, payload: dict) -> list[GraphChange]:
    handler = EVENT_HANDLERS.get(event_type)
    if handler is None:
        raise UnknownEvent(f"No projection rule for events of type {event_type!r}.")
    try:
        return handler(payload)
    except UnknownConcept as error:
        raise ProjectionRefused(str(error)) from error
    except (KeyError, TypeError) as error:
        raise ProjectionRefused(f"The event lacks a field the graph needs: {error}.") from error


# -- applying ------------------------------------------------------------------------------------

def initialise_graph(store: GraphStore) -> None:
    """Constraints (where the backend has them) and every concept node; safe to run at every start."""
    create_schema = getattr(store, "create_schema", None)
    if create_schema:
        create_schema()
    store.apply(concept_changes())


def pending_events(factory: sessionmaker[Session], store: GraphStore) -> int:
    """How many outbox events the store has not applied yet."""
    with factory() as session:
        return pending_count(session, Position(*store.last_applied()))


def _record_dead_letters(factory: sessionmaker[Session], dead: list[tuple[int, str, str, str]]) -> None:
    try:
        with transaction(factory) as session:
            known = set(session.scalars(select(DeadLetter.event_id).where(
                DeadLetter.event_id.in_([event_id for event_id, *_ in dead]))))
            for event_id, event_type, aggregate_key, reason in dead:
                if event_id not in known:
                    session.add(DeadLetter(event_id=event_id, event_type=event_type,
                                           aggregate_key=aggregate_key, reason=reason))
    except IntegrityError:
        # Another process projecting the same batch recorded them first; once is enough.
        pass


def _apply_batch(factory: sessionmaker[Session], store: GraphStore, events: list[tuple],
                 checkpoint: Position) -> list[tuple[int, str, str, str]]:
    """Apply a batch and move the checkpoint past it; returns the events set aside, with reasons.

    The batch goes to the store in one step. If the store refuses it, the events are applied one by
    one so that only the culprits are set aside. Dead letters are written before the checkpoint
    moves: a crash in between only writes them again.
    """
    dead: list[tuple[int, str, str, str]] = []
    prepared: list[tuple[tuple, list[GraphChange]]] = []
    for event in events:
        event_id, event_type, aggregate_key, payload = event
        try:
            prepared.append((event, changes_for(event_type, payload)))
        except (ProjectionRefused, UnknownEvent) as error:
            dead.append((event_id, event_type, aggregate_key, str(error)))
    try:
        store.apply([change for _, changes in prepared for change in changes],
                    checkpoint=None if dead else checkpoint)
        if not dead:
            return dead
    except (BrokenReference, InvalidChange):
        for (event_id, event_type, aggregate_key, _), changes in prepared:
            try:
                store.apply(changes)
            except (BrokenReference, InvalidChange) as error:
                dead.append((event_id, event_type, aggregate_key, str(error)))
    if dead:
        _record_dead_letters(factory, dead)
    store.apply([], checkpoint=checkpoint)
    return dead


def project_pending(factory: sessionmaker[Session], store: GraphStore, *,
                    batch_size: int = DEFAULT_BATCH_SIZE,
                    on_batch: Callable[[int], None] | None = None) -> ProjectionReport:
    """Apply every event past the store's checkpoint; `on_batch(n)` is told after each batch."""
    report = ProjectionReport(position=Position(*store.last_applied()))
    while True:
        with factory() as session:
            found = events_after(session, report.position, batch_size)
            events = [(e.id, e.event_type, e.aggregate_key, e.payload) for e in found]
            last = Position(found[-1].transaction_id, found[-1].id) if found else report.position
        if not events:
            break
        dead = _apply_batch(factory, store, events, checkpoint=last)
        report.dead_letters += [(event_id, reason) for event_id, _, _, reason in dead]
        report.position = last
        report.events_applied += len(events) - len(dead)
        report.batches += 1
        if on_batch:
            on_batch(len(events))
    return report


def rebuild_graph(factory: sessionmaker[Session], store: GraphStore, *, batch_size: int = DEFAULT_BATCH_SIZE,
                  on_batch: Callable[[int], None] | None = None) -> ProjectionReport:
    """Empty the store and project every recorded event again."""
    store.clear()
    initialise_graph(store)
    return project_pending(factory, store, batch_size=batch_size, on_batch=on_batch)
