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

from labour.datasets import ATTRIBUTION, CheckedFile, LabourDataError, checked
from labour.eurostat import EurostatFormatError, read_file
from labour.picture import refresh_phases
from records.audit import record_action
from records.models import LabourImport, LabourObservation, LabourSeries

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


@dataclass
class Upload:
    """A file read and checked whole, ready to store."""

    format: str
    figures: CheckedFile
    published: list[datetime | None]


def read_upload(name: str, data: bytes) -> Upload:
    """The file's figures, checked; raises ImportRefused, naming the line, on anything wrong."""
    try:
        layout, observations = read_file(name, data)
        figures = checked(observations)
        dates: dict[str | None, datetime | None] = {}
        published = []
        for observation in figures.observations:
            raw = observation.last_update
            if raw not in dates:
                dates[raw] = parse_last_update(raw, observation.line)
            published.append(dates[raw])
    except (EurostatFormatError, LabourDataError) as error:
        raise ImportRefused(f"{name}: {error}") from None
    if not figures.observations:
        raise ImportRefused(f"{name}: the file holds no figure for a place the platform covers")
    return Upload(layout, figures, published)


def import_file(session: Session, name: str, data: bytes, *, actor: str, attribution: str = ATTRIBUTION,
                on_progress: Callable[[int], None] | None = None, upload: Upload | None = None) -> ImportReport:
    """Store the file's figures as one vintage, in the caller's transaction; see ImportReport.

    `on_progress` is told how many observations each written chunk held (for a progress bar);
    `upload`, when the caller has read the file already with read_upload, saves reading it again.
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
    upload = upload or read_upload(name, data)
    observations = upload.figures.observations
    record = LabourImport(
        file_name=name[:255], sha256=digest, format=upload.format,
        datasets=sorted({o.dataset for o in observations}),
        published_at=max((p for p in upload.published if p), default=None), actor=actor, attribution=attribution,
        observations=len(observations), missing=sum(o.value is None for o in observations),
        flagged=sum(bool(o.flags) for o in observations), outside_scope=upload.figures.outside_scope)
    session.add(record)
    session.flush()
    series_ids = _series_ids(session, upload.figures)
    rows = [(series_ids[(o.dataset, key, o.geo)], record.id, o.period, o.value, o.flags, when)
            for o, key, when in zip(observations, upload.figures.series_keys, upload.published, strict=True)]
    _write_observations(session, rows, on_progress)
    # The phases of the places the file touched are read again from the newest figures.
    refresh_phases(session, {o.geo for o in observations})
    record_action(session, actor, "labour.import", "labour_import", str(record.id),
                  file=name, sha256=digest, observations=record.observations)
    report.format, report.datasets = upload.format, tuple(record.datasets)
    report.observations, report.missing, report.flagged = record.observations, record.missing, record.flagged
    report.outside_scope, report.import_id, report.imported_at = record.outside_scope, record.id, record.imported_at
    return report


def _series_ids(session: Session, figures: CheckedFile) -> dict[tuple[str, str, str], int]:
    """The id of every series the file's figures belong to, creating the new ones."""
    wanted = {}
    for observation, key in zip(figures.observations, figures.series_keys, strict=True):
        wanted.setdefault((observation.dataset, key, observation.geo), observation.dimensions)
    known = {}
    for dataset in {identity[0] for identity in wanted}:
        for row in session.execute(select(LabourSeries.id, LabourSeries.series, LabourSeries.geo)
                                   .where(LabourSeries.dataset == dataset)):
            known[(dataset, row.series, row.geo)] = row.id
    new = [{"dataset": d, "series": k, "geo": g, "dimensions": dims}
           for (d, k, g), dims in wanted.items() if (d, k, g) not in known]
    for start in range(0, len(new), _CHUNK):
        for row in session.execute(insert(LabourSeries).returning(
                LabourSeries.id, LabourSeries.dataset, LabourSeries.series, LabourSeries.geo),
                new[start:start + _CHUNK]):
            known[(row.dataset, row.series, row.geo)] = row.id
    return known


_COLUMNS = ("series_id", "import_id", "period", "value", "flags", "published_at")


def _write_observations(session: Session, rows: list[tuple], on_progress) -> None:
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # COPY: a million figures in seconds rather than minutes of INSERTs.
        cursor = connection.connection.driver_connection.cursor()
        with cursor.copy(f"COPY labour_observations ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
            for start in range(0, len(rows), _CHUNK):
                chunk = rows[start:start + _CHUNK]
                for row in chunk:
                    copy.write_row(row)
                if on_progress:
                    on_progress(len(chunk))
        return
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start:start + _CHUNK]
        session.execute(insert(LabourObservation), [dict(zip(_COLUMNS, row, strict=True)) for row in chunk])
        if on_progress:
            on_progress(len(chunk))
