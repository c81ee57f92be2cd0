"""The projector: turns outbox events into graph changes and applies them, in order, in batches.

Each batch is applied together with the id of its last event, which the store remembers. Changes
are merges, so applying an event twice gives the same graph: after a crash mid-batch the projector
simply starts again from the store's checkpoint.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from graph.errors import UnknownEvent
from graph.store import GraphChange, GraphStore, MergeNode, MergeRelationship, NodeRef
from ontology.vocab import NodeLabel, RelType
from records.outbox import events_after, last_event_id

__all__ = ["ProjectionReport", "project_pending", "pending_events", "changes_for"]

DEFAULT_BATCH_SIZE = 500


@dataclass
class ProjectionReport:
    events_applied: int
    batches: int
    last_event_id: int


def source_key(citation: str, url: str) -> str:
    """One Source node per document, however many records cite it."""
    digest = hashlib.sha1(f"{citation}\n{url}".encode(), usedforsecurity=False).hexdigest()
    return f"source-{digest[:16]}"


def _practice_created(payload: dict) -> list[GraphChange]:
    practice = NodeRef(NodeLabel.PRACTICE, payload["key"])
    programme_type = NodeRef(NodeLabel.PROGRAMME_TYPE, payload["programme_type"])
    changes: list[GraphChange] = [
        MergeNode(practice.label, practice.key, {
            "name": payload["name"],
            "programme_type": payload["programme_type"],
            "countries": list(payload.get("countries", [])),
        }),
        MergeNode(programme_type.label, programme_type.key, {}),
        MergeRelationship(RelType.OF_TYPE, practice, programme_type),
    ]
    for country in payload.get("countries", []):
        region = NodeRef(NodeLabel.REGION, country)
        changes += [MergeNode(region.label, region.key, {"level": 0}),
                    MergeRelationship(RelType.IMPLEMENTED_IN, practice, region)]
    if payload.get("source_citation") or payload.get("source_url"):
        source = NodeRef(NodeLabel.SOURCE, source_key(payload.get("source_citation", ""),
                                                      payload.get("source_url", "")))
        changes += [MergeNode(source.label, source.key, {"kind": "document",
                                                         "citation": payload.get("source_citation", ""),
                                                         "url": payload.get("source_url", "")}),
                    MergeRelationship(RelType.DOCUMENTED_BY, practice, source)]
    return changes


EVENT_HANDLERS: dict[str, Callable[[dict], list[GraphChange]]] = {
    "practice.created": _practice_created,
}


def changes_for(event_type: str, payload: dict) -> list[GraphChange]:
    handler = EVENT_HANDLERS.get(event_type)
    if handler is None:
        raise UnknownEvent(f"No projection rule for events of type {event_type!r}.")
    return handler(payload)


def pending_events(factory: sessionmaker[Session], store: GraphStore) -> int:
    """How many outbox events the store has not applied yet (ids are dense enough to estimate)."""
    with factory() as session:
        return max(0, last_event_id(session) - store.last_applied_event())


def project_pending(factory: sessionmaker[Session], store: GraphStore, *,
                    batch_size: int = DEFAULT_BATCH_SIZE,
                    on_batch: Callable[[int], None] | None = None) -> ProjectionReport:
    """Apply every event past the store's checkpoint; `on_batch(n)` is told after each batch."""
    applied = batches = 0
    last = store.last_applied_event()
    while True:
        with factory() as session:
            events = [(e.id, e.event_type, e.payload) for e in events_after(session, last, batch_size)]
        if not events:
            break
        changes: list[GraphChange] = []
        for _, event_type, payload in events:
            changes.extend(changes_for(event_type, payload))
        store.apply(changes, checkpoint=events[-1][0])
        last = events[-1][0]
        applied += len(events)
        batches += 1
        if on_batch:
            on_batch(len(events))
    return ProjectionReport(events_applied=applied, batches=batches, last_event_id=last)
