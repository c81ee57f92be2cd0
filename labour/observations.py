"""Reading the stored figures back: the newest vintage of each, and what is covered.

Several vintages of one figure may be stored; a view shows the newest, by the publisher's update
date where the file gave one, then by when it was imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labour.datasets import ATTRIBUTION, DATASETS, Dataset, series_key
from records.models import LabourImport, LabourObservation, LabourSeries


@dataclass(frozen=True)
class Figure:
    """One published figure, newest vintage, with where it came from."""

    period: str
    value: float | None
    flags: str
    published_at: datetime | None
    imported_at: datetime
    file_name: str
    sha256: str
    attribution: str


@dataclass(frozen=True)
class Series:
    dataset: Dataset
    geo: str
    series: str
    seasonally_adjusted: bool
    figures: dict[str, Figure]  # by period, in period order

    def values(self) -> dict[str, float]:
        """The figures that have a value: what indicators compute from (a missing one stays missing)."""
        return {period: f.value for period, f in self.figures.items() if f.value is not None}

    @property
    def attribution(self) -> str:
        found = {f.attribution for f in self.figures.values() if f.attribution}
        return "; ".join(sorted(found)) or ATTRIBUTION


def headline_key(dataset: Dataset, *, adjusted: bool = True) -> str:
    """The series key of a dataset's headline series, seasonally adjusted or not."""
    wanted = dict(dataset.headline)
    if "s_adj" in wanted and not adjusted:
        wanted["s_adj"] = "NSA"
    return series_key({name: dataset.frequency if name == "freq" else wanted[name] for name in dataset.dimensions})


def newest_figures(session: Session, dataset: str, geo: str, series: str) -> dict[str, Figure]:
    rows = session.execute(
        select(LabourObservation.period, LabourObservation.value, LabourObservation.flags,
               LabourObservation.published_at, LabourImport.imported_at, LabourImport.id, LabourImport.file_name,
               LabourImport.sha256, LabourImport.attribution)
        .join(LabourImport, LabourImport.id == LabourObservation.import_id)
        .join(LabourSeries, LabourSeries.id == LabourObservation.series_id)
        .where(LabourSeries.dataset == dataset, LabourSeries.geo == geo, LabourSeries.series == series))
    newest: dict[str, tuple] = {}
    for row in rows:
        rank = (_aware(row.published_at) or _aware(row.imported_at), _aware(row.imported_at), row.id)
        if row.period not in newest or rank > newest[row.period][0]:
            newest[row.period] = (rank, row)
    return {period: Figure(period, row.value, row.flags, _aware(row.published_at), _aware(row.imported_at),
                           row.file_name, row.sha256, row.attribution)
            for period, (_, row) in sorted(newest.items())}


def headline_series(session: Session, dataset_code: str, geo: str) -> Series | None:
    """The dataset's headline series for a place: seasonally adjusted where stored, else as published."""
    dataset = DATASETS[dataset_code]
    for adjusted in (True, False):
        key = headline_key(dataset, adjusted=adjusted)
        figures = newest_figures(session, dataset.code, geo, key)
        if figures:
            return Series(dataset, geo, key, adjusted or "s_adj" not in dataset.headline, figures)
    return None


@dataclass(frozen=True)
class Coverage:
    dataset: str
    geo: str
    first: str
    last: str
    periods: int
    missing: int
    flagged: int


def coverage(session: Session, geo: str | None = None) -> list[Coverage]:
    """For each dataset and place: the first and last period held, how many, how many empty or flagged.

    Counted over the newest vintage of each headline figure, as the views show them.
    """
    pairs = select(LabourSeries.dataset, LabourSeries.geo).distinct()
    if geo is not None:
        pairs = pairs.where(LabourSeries.geo == geo)
    found = []
    for dataset_code, place in session.execute(pairs.order_by(LabourSeries.dataset, LabourSeries.geo)):
        series = headline_series(session, dataset_code, place) if dataset_code in DATASETS else None
        if series is None or not series.figures:
            continue
        figures = list(series.figures.values())
        found.append(Coverage(dataset_code, place, figures[0].period, figures[-1].period, len(figures),
                              sum(f.value is None for f in figures), sum(bool(f.flags) for f in figures)))
    return found


def places(session: Session) -> list[str]:
    """Every place with at least one stored figure."""
    return list(session.scalars(select(LabourSeries.geo).distinct().order_by(LabourSeries.geo)))


def imports(session: Session) -> list[LabourImport]:
    return list(session.scalars(select(LabourImport).order_by(LabourImport.imported_at.desc(), LabourImport.id.desc())))


def observation_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(LabourObservation)) or 0


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite returns naive datetimes for timezone-aware columns; they were stored in UTC.
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
