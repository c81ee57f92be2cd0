"""Shortage files into records, and the shortage signals of a country and year read back from them.

An administrator imports three kinds of file (labour.shortages): shortage and surplus lists as
countries publish them, indicator values per occupation, and the cut-offs that score each indicator.
A file is taken whole or not at all, and the same file imported twice changes nothing. Nothing is
shipped: the platform shows only what was imported, with the source of every signal.

Where the same figure was imported several times (a corrected file), the newest import is read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session

from labour.datasets import OUTSIDE_SCOPE
from labour.shortages import (
    FILE_KINDS,
    IndicatorCutoffs,
    Scorecard,
    ShortageFileError,
    file_kind,
    read_cutoffs,
    read_indicator_values,
    read_shortage_list,
    scorecard,
)
from ontology.concepts import concept_index
from ontology.regions import eu_countries
from ontology.vocab import Scheme
from records.audit import record_action
from records.models import IndicatorCutoff, OccupationIndicatorValue, ShortageImport, ShortageListEntry

# Shortage files are small (a national list has a few hundred occupations); anything far larger is
# not one, and reading it whole would only cost memory.
MAX_FILE_BYTES = 20 * 1024 * 1024


class ShortageImportRefused(ValueError):
    """The file cannot be imported; nothing of it was stored. The message says why and where."""


@dataclass
class ShortageImportReport:
    file_name: str
    sha256: str
    kind: str = ""
    rows: int = 0
    outside_scope: int = 0
    already_imported: bool = False
    import_id: int | None = None
    imported_at: datetime | None = None


def _expected_headers() -> str:
    return "; ".join(f"{kind}: {','.join(columns)}" for kind, columns in FILE_KINDS.items())


def _keep_country(country: str, line: int) -> bool:
    """True for an EU-27 country, False for one outside the platform's scope; raises for an unknown code."""
    if country in eu_countries():
        return True
    if country in OUTSIDE_SCOPE:
        return False
    hint = " (Eurostat writes Greece as EL)" if country == "GR" else ""
    raise ShortageFileError(line, f"country {country!r} is not an EU-27 country code{hint}")


def _check_isco(code: str, line: int) -> None:
    if not concept_index().has(Scheme.ISCO08, code):
        raise ShortageFileError(line, f"ISCO-08 code {code!r} is not a group of the classification")


def _decoded(file_name: str, data: bytes) -> str:
    if len(data) > MAX_FILE_BYTES:
        raise ShortageImportRefused(f"{file_name}: the file is {len(data):,} bytes; a shortage file is at most "
                                    f"{MAX_FILE_BYTES:,}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ShortageImportRefused(
            f"{file_name}: not UTF-8 text (byte {error.start}); save the CSV as UTF-8") from None


def import_shortage_file(session: Session, file_name: str, data: bytes, *, actor: str = "") -> ShortageImportReport:
    """Read, check and store a shortage file of any of the three kinds; ShortageImportRefused if it cannot be."""
    digest = hashlib.sha256(data).hexdigest()
    report = ShortageImportReport(file_name, digest)
    earlier = session.scalar(select(ShortageImport).where(ShortageImport.sha256 == digest))
    if earlier is not None:
        report.kind, report.rows, report.outside_scope = earlier.kind, earlier.rows, earlier.outside_scope
        report.already_imported, report.import_id, report.imported_at = True, earlier.id, earlier.imported_at
        return report
    text = _decoded(file_name, data)
    kind = _kind_of(file_name, text)
    try:
        kept, outside_scope = _read(kind, text)
    except ShortageFileError as error:
        raise ShortageImportRefused(f"{file_name}: {error}") from None
    record = ShortageImport(file_name=file_name[:255], sha256=digest, kind=kind, rows=len(kept),
                            outside_scope=outside_scope, actor=actor)
    session.add(record)
    session.flush()
    session.add_all(_models(kind, record.id, kept))
    record_action(session, actor, "shortages.import", "shortage_import", record.id, file_name=file_name,
                  kind=kind, rows=record.rows, outside_scope=record.outside_scope, sha256=digest)
    session.flush()
    report.kind, report.rows, report.outside_scope = kind, record.rows, record.outside_scope
    report.import_id, report.imported_at = record.id, record.imported_at
    return report


def _kind_of(file_name: str, text: str) -> str:
    kind = file_kind(text)
    if kind is None:
        raise ShortageImportRefused(f"{file_name}: line 1: the header is not one of a shortage file's ("
                                    f"{_expected_headers()})")
    return kind


def _read(kind: str, text: str) -> tuple[list, int]:
    """The rows to store, and how many rows of countries outside the EU-27 were left out."""
    if kind == "cutoffs":
        return read_cutoffs(text), 0
    rows = read_shortage_list(text) if kind == "list" else read_indicator_values(text)
    kept = [row for row in rows if _keep_country(row.country, row.line)]
    for row in kept:
        _check_isco(row.isco, row.line)
    return kept, len(rows) - len(kept)


def _models(kind: str, import_id: int, rows: list) -> list:
    if kind == "list":
        return [ShortageListEntry(import_id=import_id, country=r.country, isco=r.isco, status=r.status, year=r.year,
                                  source=r.source) for r in rows]
    if kind == "indicators":
        return [OccupationIndicatorValue(import_id=import_id, country=r.country, isco=r.isco, year=r.year,
                                         indicator=r.indicator, value=r.value, source=r.source) for r in rows]
    return [IndicatorCutoff(import_id=import_id, indicator=r.name, label=r.label, cutoff_1=r.cutoffs[0],
                            cutoff_2=r.cutoffs[1], cutoff_3=r.cutoffs[2],
                            higher_means_shortage=r.higher_means_shortage, source=r.source) for r in rows]


# -- Reading back ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Listed:
    """What one source's list says of an occupation."""

    status: str
    source: str


@dataclass(frozen=True)
class Reading:
    """One indicator value of an occupation, with its source."""

    value: float
    source: str


@dataclass
class OccupationSignals:
    isco: str
    listed: list[Listed] = field(default_factory=list)
    readings: dict[str, Reading] = field(default_factory=dict)
    scorecard: Scorecard | None = None


@dataclass
class ShortageSignals:
    """The shortage signals of one country and year: lists, scorecards and the cut-offs they used."""

    country: str
    year: int | None
    years: list[int]
    occupations: list[OccupationSignals]
    cutoffs: list[IndicatorCutoffs]
    # Indicators with values but no imported cut-offs: shown, not scored.
    unscored: list[str]

    @property
    def has_signals(self) -> bool:
        return bool(self.occupations)


def countries_with_signals(session: Session) -> list[str]:
    found = union(select(ShortageListEntry.country), select(OccupationIndicatorValue.country))
    return sorted(set(session.scalars(select(found.subquery().c.country))))


def years_of(session: Session, country: str) -> list[int]:
    found = union(select(ShortageListEntry.year).where(ShortageListEntry.country == country),
                  select(OccupationIndicatorValue.year).where(OccupationIndicatorValue.country == country))
    return sorted(set(session.scalars(select(found.subquery().c.year))), reverse=True)


def current_cutoffs(session: Session) -> list[IndicatorCutoffs]:
    """The cut-offs of each indicator from its newest import."""
    newest = select(IndicatorCutoff.indicator, func.max(IndicatorCutoff.import_id).label("import_id")).group_by(
        IndicatorCutoff.indicator).subquery()
    rows = session.scalars(select(IndicatorCutoff).join(
        newest, (newest.c.indicator == IndicatorCutoff.indicator) & (newest.c.import_id == IndicatorCutoff.import_id))
        .order_by(IndicatorCutoff.indicator))
    return [IndicatorCutoffs(r.indicator, (r.cutoff_1, r.cutoff_2, r.cutoff_3), r.higher_means_shortage,
                             label=r.label, source=r.source) for r in rows]


def shortage_signals(session: Session, country: str, year: int | None = None) -> ShortageSignals:
    """Every occupation with a signal in the country and year (its newest year by default), in ISCO order."""
    years = years_of(session, country)
    if year is None:
        year = years[0] if years else None
    cutoffs = current_cutoffs(session)
    by_code: dict[str, OccupationSignals] = {}

    def occupation(code: str) -> OccupationSignals:
        return by_code.setdefault(code, OccupationSignals(code))

    entries = session.scalars(select(ShortageListEntry).where(
        ShortageListEntry.country == country, ShortageListEntry.year == year).order_by(ShortageListEntry.import_id))
    newest_listing: dict[tuple[str, str], str] = {}
    for entry in entries:  # in import order: a later import of the same list and occupation wins
        newest_listing[(entry.isco, entry.source)] = entry.status
    for (code, source), status in sorted(newest_listing.items()):
        occupation(code).listed.append(Listed(status, source))

    values = session.scalars(select(OccupationIndicatorValue).where(
        OccupationIndicatorValue.country == country, OccupationIndicatorValue.year == year)
        .order_by(OccupationIndicatorValue.import_id, OccupationIndicatorValue.id))
    for value in values:  # the newest import of an indicator wins, whichever source it names
        occupation(value.isco).readings[value.indicator] = Reading(value.value, value.source)

    scored = {c.name for c in cutoffs}
    unscored: set[str] = set()
    for signals in by_code.values():
        unscored |= set(signals.readings) - scored
        if signals.readings.keys() & scored:
            usable = {name: reading.value for name, reading in signals.readings.items() if name in scored}
            signals.scorecard = scorecard(signals.isco, usable, cutoffs)
    ordered = [by_code[code] for code in sorted(by_code, key=lambda code: (code.ljust(4, "0"), len(code)))]
    return ShortageSignals(country, year, years, ordered, cutoffs, sorted(unscored))


def count_by_kind(session: Session) -> dict[str, int]:
    """How many rows of each kind of shortage file are held."""
    found = session.execute(select(ShortageImport.kind, func.sum(ShortageImport.rows)).group_by(ShortageImport.kind))
    return {kind: int(rows or 0) for kind, rows in found}
