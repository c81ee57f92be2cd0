"""A series as CSV with the provenance of every figure: which file, its hash, when it was published
and imported, and the attribution the source asks for."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from labour.observations import Figure, Series
from labour.picture import Unemployment
from webapp.labour.figures import combined_flags, months_of

__all__ = ["QUARTERLY_COLUMNS", "SERIES_COLUMNS", "quarterly_unemployment_csv", "series_csv"]

SERIES_COLUMNS = ("dataset", "geo", "series", "seasonal_adjustment", "period", "value", "flags", "published_at",
                  "file_name", "sha256", "imported_at", "attribution")
QUARTERLY_COLUMNS = ("dataset", "geo", "series", "seasonal_adjustment", "period", "value", "derived", "method",
                     "source_periods", "flags", "published_at", "file_name", "sha256", "imported_at",
                     "attribution")
AS_PUBLISHED = "as published"


def _moment(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


def _number(value: float | None) -> str:
    # repr of a float is the shortest text that reads back as the same number.
    return "" if value is None else repr(float(value))


def _seasonal_adjustment(series: Series) -> str:
    """Eurostat's s_adj code of the series (SA, NSA...), empty for tables without one."""
    dimensions = dict(part.split("=", 1) for part in series.series.split(",") if "=" in part)
    return dimensions.get("s_adj", "")


def _table(columns: tuple[str, ...], rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def series_csv(series: Series) -> str:
    """Every figure of the series held, a missing one with an empty value (and its flag, if any)."""
    adjustment = _seasonal_adjustment(series)
    return _table(SERIES_COLUMNS, [
        {"dataset": series.dataset.code, "geo": series.geo, "series": series.series,
         "seasonal_adjustment": adjustment, "period": figure.period, "value": _number(figure.value),
         "flags": figure.flags, "published_at": _moment(figure.published_at), "file_name": figure.file_name,
         "sha256": figure.sha256, "imported_at": _moment(figure.imported_at), "attribution": figure.attribution}
        for figure in series.figures.values()])


def _joined(values: list[str]) -> str:
    return ";".join(dict.fromkeys(value for value in values if value))


def quarterly_unemployment_csv(unemployment: Unemployment) -> str:
    """The quarterly unemployment rate; a derived quarter names its three months and their provenance."""
    source = unemployment.source
    rows = []
    for quarter, value in unemployment.by_period.items():
        periods = months_of(quarter) if unemployment.derived else [quarter]
        figures: list[Figure] = [source.figures[period] for period in periods if period in source.figures]
        published = [f.published_at for f in figures if f.published_at]
        rows.append({
            "dataset": source.dataset.code, "geo": source.geo, "series": source.series,
            "seasonal_adjustment": _seasonal_adjustment(source), "period": quarter, "value": _number(value),
            "derived": "true" if unemployment.derived else "false",
            "method": unemployment.method if unemployment.derived else AS_PUBLISHED,
            "source_periods": ";".join(periods), "flags": combined_flags(f.flags for f in figures),
            "published_at": _moment(max(published)) if published else "",
            "file_name": _joined([f.file_name for f in figures]), "sha256": _joined([f.sha256 for f in figures]),
            "imported_at": _moment(max(f.imported_at for f in figures)) if figures else "",
            "attribution": _joined([f.attribution for f in figures])})
    return _table(QUARTERLY_COLUMNS, rows)
