"""Periods and series shared by the labour-market indicators.

A series is a mapping from period to value. Periods are quarters ("2021-Q3") or months ("2021-07"),
the spellings `labour.eurostat.normalise_period` produces. A missing period is simply absent from the
mapping: nothing here interpolates or fills a gap, so every figure derived from a series can be traced
back to figures that were published.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping

QUARTERLY = "Q"
MONTHLY = "M"

_QUARTER = re.compile(r"(\d{4})-Q([1-4])")
_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


def _parse(period: str) -> tuple[str, int, int]:
    """(frequency, year, quarter or month) of a period, or a ValueError naming the expected spellings."""
    if isinstance(period, str):
        if match := _QUARTER.fullmatch(period):
            return QUARTERLY, int(match[1]), int(match[2])
        if match := _MONTH.fullmatch(period):
            return MONTHLY, int(match[1]), int(match[2])
    raise ValueError(f"period {period!r} is neither a quarter like '2021-Q3' nor a month like '2021-07'")


def frequency(period: str) -> str:
    """'Q' for a quarter such as '2021-Q3', 'M' for a month such as '2021-07'; ValueError otherwise."""
    return _parse(period)[0]


def period_index(period: str) -> int:
    """An integer that grows by one from each period to the next of the same frequency.

    year*4 + quarter - 1 for quarters, year*12 + month - 1 for months, so two periods are consecutive
    exactly when their indexes differ by one. Indexes of quarters and months are not comparable.
    """
    kind, year, part = _parse(period)
    per_year = 4 if kind == QUARTERLY else 12
    return year * per_year + part - 1


def _period_at(kind: str, index: int) -> str:
    if kind == QUARTERLY:
        year, part = divmod(index, 4)
        return f"{year:04d}-Q{part + 1}"
    year, part = divmod(index, 12)
    return f"{year:04d}-{part + 1:02d}"


def next_period(period: str) -> str:
    """The period right after this one, of the same frequency ('2021-Q4' -> '2022-Q1', '2021-12' -> '2022-01')."""
    return _period_at(frequency(period), period_index(period) + 1)


def quarter_of(month_period: str) -> str:
    """The quarter a month belongs to ('2021-08' -> '2021-Q3'); ValueError for anything but a month."""
    kind, year, month = _parse(month_period)
    if kind != MONTHLY:
        raise ValueError(f"period {month_period!r} is not a month like '2021-07'")
    return f"{year:04d}-Q{(month - 1) // 3 + 1}"


def series_frequency(series: Mapping[str, float]) -> str | None:
    """The one frequency of every period in the series; None when it is empty.

    Raises ValueError when quarters and months are mixed, because their indexes cannot be ordered
    against each other and an indicator over such a series would mean nothing.
    """
    kinds = {frequency(period) for period in series}
    if len(kinds) > 1:
        raise ValueError("the series mixes quarters and months; give one frequency per series")
    return kinds.pop() if kinds else None


def is_finite_number(value: object) -> bool:
    """Whether the value is a finite real number (numpy scalars included, booleans not)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def check_finite(series: Mapping[str, float], name: str = "series") -> None:
    """ValueError naming the first period whose value is not a finite number.

    A missing figure must be left out of the mapping, not given as NaN: NaN would silently spread
    through every mean, ratio and filter computed from it.
    """
    for period, value in series.items():
        if not is_finite_number(value):
            raise ValueError(f"{name}: the value for {period} is {value!r}, not a finite number (leave gaps out)")


def contiguous_runs(series: Mapping[str, float]) -> list[dict[str, float]]:
    """The series split at every gap into runs of consecutive periods, each run and the runs in period order.

    ValueError when the series mixes quarters and months.
    """
    if series_frequency(series) is None:
        return []
    ordered = sorted(series, key=period_index)
    runs: list[dict[str, float]] = []
    previous: int | None = None
    for period in ordered:
        index = period_index(period)
        if previous is None or index != previous + 1:
            runs.append({})
        runs[-1][period] = series[period]
        previous = index
    return runs
