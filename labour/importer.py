"""Importing Eurostat files into observation records: all of a file or nothing of it.

The whole file is read and checked before anything is stored, so a bad line leaves the records as
they were. A file already imported (the same bytes) is recognised by its hash and changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from labour.datasets import ATTRIBUTION, LabourDataError, checked, series_key
from labour.eurostat import EurostatFormatError, Observation, read_file
from records.audit import record_action
from records.models import LabourImport, LabourObservation

# Rows written per INSERT: large enough to keep round trips few, small enough for SQLite's limits.
_CHUNK = 5_000
# Eurostat's SDMX-CSV writes "LAST UPDATE" as day/month/two-digit year; ISO dates are read too.
_LAST_UPDATE_FORMATS = ("%d/%m/%y %H:%M:%S", "%d/%m/%Y %H:%M:%S", "%d/%m/%y", "%d/%m/%Y")


class ImportRefused(ValueError):
    """The file cannot be imported; nothing of it was stored. The message says why and where."""


@dataclass
class ImportReport:
    file_name: str
    sha256: str
    format: str = ""
    datasets: tuple[str, ...] = ()
    observations: int = 0
    missing: int = 0
    flagged: int = 0
    outside_scope: int = 0
    already_imported: bool = False
    import_id: int | None = None
    imported_at: datetime | None = None


def parse_last_update(raw: str | None, line: int) -> datetime | None:
    """Eurostat's 'LAST UPDATE' (e.g. '23/10/24 23:00:00') or an ISO date, as an aware datetime."""
    if not raw:
        return None
    text = raw.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = None
        for layout in _LAST_UPDATE_FORMATS:
            try:
                parsed = datetime.strptime(text, layout)
                break
            except ValueError:
                continue
    if parsed is None:
        raise LabourDataError(line, f"LAST UPDATE {text!r} is not a date Eurostat writes (like '23/10/24 23:00:00')")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def read_upload(name: str, data: bytes) -> tuple[str, list[Observation], int]:
    """(format, observations to keep, rows outside scope) of a file; raises ImportRefused on any bad line."""
    try:
        layout, observations = read_file(name, data)
        kept, outside = checked(observations)
        for observation in kept:
            parse_last_update(observation.last_update, observation.line)
    except (EurostatFormatError, LabourDataError) as error:
        raise ImportRefused(f"{name}: {error}") from None
    if not kept:
        raise ImportRefused(f"{name}: the file holds no figure for a place the platform covers")
    return layout, kept, outside


def import_file(session: Session, name: str, data: bytes, *, actor: str, attribution: str = ATTRIBUTION,
                on_progress: Callable[[int], None] | None = None) -> ImportReport:
    """Store the file's figures as one vintage, in the caller's transaction; see ImportReport.

    `on_progress` is told how many observations each written chunk held (for a progress bar).
    """
    digest = hashlib.sha256(data).hexdigest()
    report = ImportReport(file_name=name, sha256=digest)
    earlier = session.scalar(select(LabourImport).where(LabourImport.sha256 == digest))
    if earlier is not None:
        report.already_imported = True
        report.import_id, report.imported_at = earlier.id, earlier.imported_at
        report.format, report.datasets = earlier.format, tuple(earlier.datasets)
        report.observations, report.missing, report.flagged = earlier.observations, earlier.missing, earlier.flagged
        report.outside_scope = earlier.outside_scope
        if on_progress:
            on_progress(earlier.observations)
        return report
    layout, observations, outside = read_upload(name, data)
    published = [parse_last_update(o.last_update, o.line) for o in observations]
    record = LabourImport(
        file_name=name[:255], sha256=digest, format=layout, datasets=sorted({o.dataset for o in observations}),
        published_at=max((p for p in published if p), default=None), actor=actor, attribution=attribution,
        observations=len(observations), missing=sum(o.value is None for o in observations),
        flagged=sum(bool(o.flags) for o in observations), outside_scope=outside)
    session.add(record)
    session.flush()
    rows = [{"import_id": record.id, "dataset": o.dataset, "series": series_key(o.dimensions), "geo": o.geo,
             "period": o.period, "value": o.value, "flags": o.flags, "published_at": when,
             "dimensions": o.dimensions} for o, when in zip(observations, published, strict=True)]
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start:start + _CHUNK]
        session.execute(insert(LabourObservation), chunk)
        if on_progress:
            on_progress(len(chunk))
    record_action(session, actor, "labour.import", "labour_import", str(record.id),
                  file=name, sha256=digest, observations=record.observations)
    report.format, report.datasets = layout, tuple(record.datasets)
    report.observations, report.missing, report.flagged = record.observations, record.missing, record.flagged
    report.outside_scope, report.import_id, report.imported_at = outside, record.id, record.imported_at
    return report
