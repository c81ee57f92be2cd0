"""Demo content: the practices of the shipped evidence base, loaded idempotently."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources

from sqlalchemy.orm import Session, sessionmaker

from records.db import transaction
from records.practices import create_practice, practice_exists

__all__ = ["DemoLoadReport", "load_demo_content", "evaluated_practices"]

FINDINGS_FILE = "almp_findings.csv"


@dataclass
class DemoLoadReport:
    practices_added: int
    practices_present: int


def _findings() -> list[dict[str, str]]:
    text = resources.files("records.default_content").joinpath(FINDINGS_FILE).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def evaluated_practices() -> list[dict]:
    """One practice per programme evaluated in Europe (the `EU…` findings), first finding wins."""
    practices: dict[tuple[str, str], dict] = {}
    for row in _findings():
        if not row["id"].startswith("EU"):
            continue
        identity = (row["programme_name"], row["countries"])
        if identity in practices:
            continue
        practices[identity] = {
            "key": f"practice-{row['id'].lower()}",
            "name": row["programme_name"],
            "programme_type": row["programme_type"],
            "countries": [c for c in row["countries"].split(";") if c and c != "multi"],
            "description": row["mechanism_note"],
            "source_citation": row["study"],
            "source_url": row["source_url"],
        }
    return list(practices.values())


def load_demo_content(factory: sessionmaker[Session]) -> DemoLoadReport:
    added = present = 0
    with transaction(factory) as session:
        for practice in evaluated_practices():
            if practice_exists(session, practice["key"]):
                present += 1
                continue
            create_practice(session, actor="demo", **practice)
            added += 1
    return DemoLoadReport(practices_added=added, practices_present=present)
