"""Practices: creating them records the change, its audit entry and its domain event together."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ontology.concepts import concept_index
from ontology.vocab import Scheme
from records.audit import record_action
from records.errors import Conflict, ValidationError
from records.models import Practice
from records.outbox import emit

__all__ = ["PRACTICE_CREATED", "count_practices", "create_practice", "practice_exists"]

PRACTICE_CREATED = "practice.created"


def create_practice(session: Session, *, name: str, programme_type: str, countries: list[str],
                    description: str = "", source_citation: str = "", source_url: str = "",
                    source_key: str | None = None, key: str | None = None,
                    target_groups: list[str] | None = None, conditions: list[dict] | None = None,
                    actor: str | None = None) -> Practice:
    name = (name or "").strip()
    if not name:
        raise ValidationError("A practice needs a name.")
    if not programme_type:
        raise ValidationError("A practice needs a programme type.")
    index = concept_index()
    if not index.has(Scheme.PROGRAMME_TYPE, programme_type):
        raise ValidationError(f"Unknown programme type {programme_type!r}.")
    unknown = [code for code in countries if not index.has(Scheme.NUTS2021, code)]
    if unknown:
        raise ValidationError(f"Unknown NUTS region(s): {', '.join(unknown)}.")
    target_groups = list(target_groups or [])
    conditions = list(conditions or [])
    unknown = [code for code in target_groups if not index.has(Scheme.TARGET_GROUP, code)]
    unknown += [c.get("type") for c in conditions if not index.has(Scheme.CONDITION_TYPE, c.get("type"))]
    if unknown or any(c.get("kind") not in ("enabling", "hindering") for c in conditions):
        raise ValidationError(f"Unknown target group or condition: {', '.join(map(str, unknown)) or 'kind'}.")
    key = key or f"practice-{uuid.uuid4().hex[:12]}"
    if practice_exists(session, key):
        raise Conflict(f"A practice with key {key!r} exists already.")
    practice = Practice(key=key, name=name, programme_type=programme_type,
                        countries=";".join(countries), description=description,
                        source_key=source_key, source_citation=source_citation, source_url=source_url,
                        target_groups=target_groups, conditions=conditions)
    session.add(practice)
    session.flush()
    emit(session, PRACTICE_CREATED, "practice", key, {
        "key": key,
        "name": name,
        "programme_type": programme_type,
        "countries": countries,
        "source_key": source_key,
        "target_groups": target_groups,
        "conditions": conditions,
        "source_citation": source_citation,
        "source_url": source_url,
    })
    record_action(session, actor, PRACTICE_CREATED, "practice", key)
    return practice


def practice_exists(session: Session, key: str) -> bool:
    return session.scalar(select(Practice.id).where(Practice.key == key)) is not None


def count_practices(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Practice)) or 0
