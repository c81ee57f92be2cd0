"""Sources and CMO configurations: every change writes its record, audit entry and domain event.

A configuration's event carries its whole state (a snapshot), so the projector never has to read
the records to apply it, and applying the same snapshot twice gives the same graph.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ontology.concepts import concept_index
from ontology.vocab import Scheme
from records.audit import record_action
from records.errors import Conflict, NotFound, ValidationError
from records.models import SOURCE_KINDS, Annotation, Configuration, ConfigurationSpan, Practice, Segment, Source
from records.outbox import emit

__all__ = [
    "CONDITION_KINDS", "ConfigurationDraft", "Outcome", "ConditionStatement", "SOURCE_CREATED",
    "CONFIGURATION_CREATED", "CONFIGURATION_EDITED", "CONFIGURATION_VALIDATED", "CONFIGURATION_ERASED",
    "count_configurations", "create_configuration", "create_source", "edit_configuration",
    "erase_configuration", "get_configuration", "owned_node_keys", "snapshot", "span_states",
    "validate_configuration",
]

SOURCE_CREATED = "source.created"
CONFIGURATION_CREATED = "configuration.created"
CONFIGURATION_EDITED = "configuration.edited"
CONFIGURATION_VALIDATED = "configuration.validated"
CONFIGURATION_ERASED = "configuration.erased"
CONDITION_KINDS = ("enabling", "hindering")


@dataclass
class Outcome:
    measure: str
    direction: str
    horizon: str
    effect_size: str = ""


@dataclass
class ConditionStatement:
    kind: str
    type: str
    note: str = ""


@dataclass
class ConfigurationDraft:
    """What a person (or the evidence loader) states; checked against the concept schemes."""
    source_key: str
    programme_type: str
    mechanism: str
    outcomes: list[Outcome]
    target_groups: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    region: str | None = None
    skill_level: str | None = None
    unemployment_band: str | None = None
    cycle_phase: str | None = None
    context_note: str = ""
    mechanism_note: str = ""
    conditions: list[ConditionStatement] = field(default_factory=list)
    practice_key: str | None = None
    segment_key: str | None = None
    finding_id: str | None = None
    # Keys of the annotations (coded spans of the source) the configuration was built from; each
    # plays the role of its label.
    spans: list[str] = field(default_factory=list)
    # Keys of configurations whose findings contradict this one's.
    contested_by: list[str] = field(default_factory=list)


def _check_concept(scheme: Scheme, code: str | None, what: str) -> None:
    if not concept_index().has(scheme, code):
        raise ValidationError(f"Unknown {what} {code!r}: it is not in the {scheme} scheme.")


def _check_draft(session: Session, draft: ConfigurationDraft) -> None:
    _check_concept(Scheme.PROGRAMME_TYPE, draft.programme_type, "programme type")
    _check_concept(Scheme.MECHANISM, draft.mechanism, "mechanism")
    for code in draft.target_groups:
        _check_concept(Scheme.TARGET_GROUP, code, "target group")
    for code in draft.countries + ([draft.region] if draft.region else []):
        _check_concept(Scheme.NUTS2021, code, "NUTS region")
    if draft.skill_level:
        _check_concept(Scheme.SKILL_LEVEL, draft.skill_level, "skill level")
    if draft.unemployment_band:
        _check_concept(Scheme.UNEMPLOYMENT_BAND, draft.unemployment_band, "unemployment band")
    if draft.cycle_phase:
        _check_concept(Scheme.CYCLE_PHASE, draft.cycle_phase, "business-cycle phase")
    if not draft.outcomes:
        raise ValidationError("A configuration needs at least one outcome.")
    for outcome in draft.outcomes:
        _check_concept(Scheme.OUTCOME_MEASURE, outcome.measure, "outcome measure")
        _check_concept(Scheme.OUTCOME_DIRECTION, outcome.direction, "outcome direction")
        _check_concept(Scheme.HORIZON, outcome.horizon, "horizon")
    for condition in draft.conditions:
        if condition.kind not in CONDITION_KINDS:
            raise ValidationError(f"A condition is enabling or hindering, not {condition.kind!r}.")
        _check_concept(Scheme.CONDITION_TYPE, condition.type, "condition type")
    if session.scalar(select(Source.id).where(Source.key == draft.source_key)) is None:
        raise ValidationError(f"Unknown source {draft.source_key!r}.")
    if draft.practice_key and session.scalar(
            select(Practice.id).where(Practice.key == draft.practice_key)) is None:
        raise ValidationError(f"Unknown practice {draft.practice_key!r}.")
    if draft.spans:
        _check_spans(session, draft)


def _check_spans(session: Session, draft: ConfigurationDraft) -> None:
    """A configuration built from spans: contexts, exactly one mechanism, outcomes, conditions, all
    coded in its source."""
    if len(set(draft.spans)) != len(draft.spans):
        raise ValidationError("A span is listed twice.")
    found = {a.key: a for a in session.scalars(select(Annotation).where(Annotation.key.in_(draft.spans)))}
    missing = [key for key in draft.spans if key not in found]
    if missing:
        raise ValidationError(f"Unknown span(s): {', '.join(missing)}.")
    if any(a.source_key != draft.source_key for a in found.values()):
        raise ValidationError("Every span of a configuration comes from its source.")
    labels = [a.label for a in found.values()]
    if labels.count("mechanism") != 1:
        raise ValidationError(f"A configuration has exactly one mechanism span, not {labels.count('mechanism')}.")
    if "outcome" not in labels:
        raise ValidationError("A configuration needs at least one outcome span.")


def create_source(session: Session, *, key: str, kind: str, title: str = "", citation: str = "",
                  url: str = "", design: str | None = None, year: int | None = None,
                  actor: str | None = None) -> Source:
    if kind not in SOURCE_KINDS:
        raise ValidationError(f"A source is one of {', '.join(SOURCE_KINDS)}, not {kind!r}.")
    if design:
        _check_concept(Scheme.STUDY_DESIGN, design, "study design")
    if session.scalar(select(Source.id).where(Source.key == key)) is not None:
        raise Conflict(f"A source with key {key!r} exists already.")
    source = Source(key=key, kind=kind, title=title, citation=citation, url=url, design=design, year=year)
    session.add(source)
    session.flush()
    emit(session, SOURCE_CREATED, "source", key, {
        "key": key, "kind": kind, "title": title, "citation": citation, "url": url,
        "design": design, "year": year})
    record_action(session, actor, SOURCE_CREATED, "source", key)
    return source


def span_states(session: Session, key: str) -> list[dict]:
    """The spans a configuration was built from, as its events carry them: enough to show the
    source text in the graph without going back to the records."""
    rows = session.execute(
        select(ConfigurationSpan.role, Annotation, Segment.speaker, Segment.start_ms)
        .join(Annotation, Annotation.key == ConfigurationSpan.annotation_key)
        .outerjoin(Segment, (Segment.source_key == Annotation.source_key) & (Segment.start <= Annotation.start)
                   & (Segment.end >= Annotation.end))
        .where(ConfigurationSpan.configuration_key == key).order_by(Annotation.start))
    return [{"annotation_key": a.key, "role": role, "text": a.quote, "start": a.start, "end": a.end,
             "coder": a.coder, "speaker": speaker or "", "start_ms": start_ms, "source_key": a.source_key}
            for role, a, speaker, start_ms in rows]


def _store_spans(session: Session, key: str, annotation_keys: list[str]) -> list[dict]:
    session.execute(delete(ConfigurationSpan).where(ConfigurationSpan.configuration_key == key))
    labels = dict(session.execute(select(Annotation.key, Annotation.label)
                                  .where(Annotation.key.in_(annotation_keys))).all())
    session.add_all(ConfigurationSpan(configuration_key=key, annotation_key=annotation_key,
                                      role=labels[annotation_key]) for annotation_key in annotation_keys)
    session.flush()
    return span_states(session, key)


def snapshot(configuration: Configuration, spans: list[dict] | None = None) -> dict:
    """The configuration's whole state, as its events carry it (`spans` from `span_states`)."""
    return {
        "key": configuration.key,
        "status": configuration.status,
        "validated_by": configuration.validated_by,
        "practice_key": configuration.practice_key,
        "source_key": configuration.source_key,
        "segment_key": configuration.segment_key,
        "finding_id": configuration.finding_id,
        "programme_type": configuration.programme_type,
        "target_groups": list(configuration.target_groups),
        "countries": list(configuration.countries),
        "region": configuration.region,
        "skill_level": configuration.skill_level,
        "unemployment_band": configuration.unemployment_band,
        "cycle_phase": configuration.cycle_phase,
        "contested_by": list(configuration.contested_by or []),
        "context_note": configuration.context_note,
        "mechanism": configuration.mechanism,
        "mechanism_note": configuration.mechanism_note,
        "outcomes": [dict(o) for o in configuration.outcomes],
        "conditions": [dict(c) for c in configuration.conditions],
        "spans": list(spans or []),
    }


def owned_node_keys(state: dict) -> dict[str, list[str]]:
    """Keys of the graph nodes that belong to one configuration alone, derived from its state."""
    key = state["key"]
    return {
        "Context": [f"{key}.context"],
        "Outcome": [f"{key}.outcome.{n}" for n in range(len(state["outcomes"]))],
        "Condition": [f"{key}.condition.{n}" for n in range(len(state["conditions"]))],
        "Segment": [f"{key}.span.{n}" for n in range(len(state.get("spans", [])))],
    }


def _apply_draft(configuration: Configuration, draft: ConfigurationDraft) -> None:
    for name in ("practice_key", "source_key", "segment_key", "finding_id", "programme_type",
                 "region", "skill_level", "unemployment_band", "cycle_phase", "context_note", "mechanism",
                 "mechanism_note"):
        setattr(configuration, name, getattr(draft, name))
    configuration.contested_by = sorted(set(draft.contested_by))
    configuration.target_groups = sorted(set(draft.target_groups))
    configuration.countries = sorted(set(draft.countries))
    configuration.outcomes = [asdict(o) for o in draft.outcomes]
    configuration.conditions = [asdict(c) for c in draft.conditions]


def create_configuration(session: Session, draft: ConfigurationDraft, *, key: str | None = None,
                         validated_by: str | None = None, actor: str | None = None) -> Configuration:
    """Record a configuration as a draft, or as validated when `validated_by` names who checked it."""
    _check_draft(session, draft)
    key = key or f"cfg-{uuid.uuid4().hex[:12]}"
    if session.scalar(select(Configuration.id).where(Configuration.key == key)) is not None:
        raise Conflict(f"A configuration with key {key!r} exists already.")
    configuration = Configuration(key=key, status="draft")
    _apply_draft(configuration, draft)
    if validated_by:
        configuration.status = "validated"
        configuration.validated_by = validated_by
        configuration.validated_at = datetime.now(UTC)
    session.add(configuration)
    session.flush()
    spans = _store_spans(session, key, draft.spans) if draft.spans else []
    emit(session, CONFIGURATION_CREATED, "configuration", key, snapshot(configuration, spans))
    record_action(session, actor, CONFIGURATION_CREATED, "configuration", key, status=configuration.status)
    return configuration


def get_configuration(session: Session, key: str) -> Configuration:
    configuration = session.scalar(select(Configuration).where(Configuration.key == key))
    if configuration is None:
        raise NotFound(f"No configuration {key!r}.")
    return configuration


def edit_configuration(session: Session, key: str, draft: ConfigurationDraft, *,
                       actor: str | None = None) -> Configuration:
    """Replace what a configuration states; an edit sends it back to draft until validated again."""
    configuration = get_configuration(session, key)
    _check_draft(session, draft)
    before = owned_node_keys(snapshot(configuration, span_states(session, key)))
    _apply_draft(configuration, draft)
    configuration.status = "draft"
    configuration.validated_by = configuration.validated_at = None
    session.flush()
    state = snapshot(configuration, _store_spans(session, key, draft.spans))
    after = owned_node_keys(state)
    removed = {label: sorted(set(keys) - set(after[label])) for label, keys in before.items()}
    emit(session, CONFIGURATION_EDITED, "configuration", key, state | {"removed": removed})
    record_action(session, actor, CONFIGURATION_EDITED, "configuration", key)
    return configuration


def validate_configuration(session: Session, key: str, *, actor: str) -> Configuration:
    configuration = get_configuration(session, key)
    if configuration.status == "validated":
        return configuration
    configuration.status = "validated"
    configuration.validated_by = actor
    configuration.validated_at = datetime.now(UTC)
    emit(session, CONFIGURATION_VALIDATED, "configuration", key,
         {"key": key, "validated_by": actor, "validated_at": configuration.validated_at.isoformat()})
    record_action(session, actor, CONFIGURATION_VALIDATED, "configuration", key)
    return configuration


def erase_configuration(session: Session, key: str, *, actor: str | None = None, reason: str = "") -> None:
    """Delete a configuration; its event makes the projector remove every node it owned."""
    configuration = get_configuration(session, key)
    owned = owned_node_keys(snapshot(configuration, span_states(session, key)))
    session.delete(configuration)
    emit(session, CONFIGURATION_ERASED, "configuration", key, {"key": key, "owned": owned})
    record_action(session, actor, CONFIGURATION_ERASED, "configuration", key, reason=reason)


def count_configurations(session: Session, *, status: str | None = None) -> int:
    query = select(func.count()).select_from(Configuration)
    if status:
        query = query.where(Configuration.status == status)
    return session.scalar(query) or 0
