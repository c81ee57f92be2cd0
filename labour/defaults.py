"""The labour-market figures shipped with the platform (see default_data/README.md), loaded idempotently."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from labour.importer import ImportReport, import_file
from records.db import transaction

DEFAULT_DATA = Path(__file__).parent / "default_data"
DEFAULT_FILES = ("jvs_q_nace2.csv", "une_rt_m.csv")


def load_default_figures(factory: sessionmaker[Session], *, actor: str = "demo") -> list[ImportReport]:
    """Import the shipped files; a file imported before is recognised and adds nothing."""
    reports = []
    for name in DEFAULT_FILES:
        with transaction(factory) as session:
            reports.append(import_file(session, name, (DEFAULT_DATA / name).read_bytes(), actor=actor))
    return reports
