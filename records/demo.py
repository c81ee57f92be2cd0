"""Demo content: the practices and the evidence base shipped with the platform, loaded idempotently."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ontology.concepts import concept_index
from ontology.vocab import Scheme
from records.configurations import create_configuration, create_source
from records.db import transaction
from records.evidence import (
    EVIDENCE_CURATOR,
    evidence_configurations,
    evidence_sources,
    findings,
    study_key,
)
from records.models import Configuration, Practice, Source
from records.practices import create_practice

__all__ = ["DemoLoadReport", "evaluated_practices", "load_demo_content"]


@dataclass
class DemoLoadReport:
    practices_added: int
    practices_present: int
    sources_added: int = 0
    configurations_added: int = 0
    configurations_present: int = 0


def evaluated_practices() -> list[dict]:
    """One practice per programme evaluated in Europe (the `EU…` findings), first finding wins."""
    return list(_practices_by_identity().values())


def _practices_by_identity() -> dict[tuple[str, str], dict]:
    """The practices by how findings name them: programme name and countries as the row writes them."""
    index = concept_index()
    practices: dict[tuple[str, str], dict] = {}
    for row in findings():
        identity = (row["programme_name"], row["countries"])
        if not row["id"].startswith("EU") or identity in practices:
            continue
        practices[identity] = {
            "key": f"practice-{row['id'].lower()}",
            "name": row["programme_name"],
            "programme_type": row["programme_type"],
            # Only EU-27 countries are places in the graph; the study names the others.
            "countries": [c for c in row["countries"].split(";") if index.has(Scheme.NUTS2021, c)],
            "description": row["mechanism_note"],
            "source_key": study_key(row),
            "source_citation": row["study"],
            "source_url": row["source_url"],
        }
    return practices


def _existing(session: Session, column) -> set[str]:
    return set(session.scalars(select(column)))


def load_demo_content(factory: sessionmaker[Session]) -> DemoLoadReport:
    report = DemoLoadReport(practices_added=0, practices_present=0)
    with transaction(factory) as session:
        # Sources first: practices and configurations refer to them.
        known_sources = _existing(session, Source.key)
        for source in evidence_sources():
            if source["key"] not in known_sources:
                create_source(session, actor="demo", **source)
                report.sources_added += 1
        practice_keys = {}
        known_practices = _existing(session, Practice.key)
        for identity, practice in _practices_by_identity().items():
            practice_keys[identity] = practice["key"]
            if practice["key"] in known_practices:
                report.practices_present += 1
                continue
            create_practice(session, actor="demo", **practice)
            report.practices_added += 1
        known = _existing(session, Configuration.key)
        for key, draft in evidence_configurations(practice_keys):
            if key in known:
                report.configurations_present += 1
                continue
            create_configuration(session, draft, key=key, validated_by=EVIDENCE_CURATOR, actor="demo")
            report.configurations_added += 1
    return report
