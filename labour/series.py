"""Periods and series shared by the labour-market indicators.

A series is a mapping from period to value. Periods are years ("2021"), quarters ("2021-Q3") or months
("2021-07"), the spellings `labour.eurostat.normalise_period` produces and an import stores. A missing
period is simply absent from the mapping: nothing here interpolates or fills a gap, so every figure
derived from a series can be traced back to figures that were published.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping

# Eurostat's codes of the frequencies (its freq dimension), as labour.datasets names them too.
ANNUAL = "A"
QUARTERLY = "Q"
MONTHLY = "M"

# A year is the bare four digits, the way labour.eurostat.normalise_period stores it.
_YEAR = re.compile(r"(\d{4})")
_QUARTER = re.compile(r"(\d{4})-Q([1-4])")
_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
_SPELLINGS = "a year like '2021', a quarter like '2021-Q3' or a month like '2021-07'"

_PERIODS_PER_YEAR = {ANNUAL: 1, QUARTERLY: 4, MONTHLY: 12}
_FREQUENCY_NAMES = {ANNUAL: "years", QUARTERLY: "quarters", MONTHLY: "months"}


def _parse(period: str) -> tuple[str, int, int]:
    """(frequency, year, part) of a period, or a ValueError naming the expected spellings.

    The part is the quarter or the month, and 1 for a year (its only part).
    """
    if isinstance(period, str):
        if match := _YEAR.fullmatch(period):
            return ANNUAL, int(match[1]), 1
        if match := _QUARTER.fullmatch(period):
            return QUARTERLY, int(match[1]), int(match[2])
        if match := _MONTH.fullmatch(period):
            return MONTHLY, int(match[1]), int(match[2])
    raise ValueError(f"period {period!r} is not {_SPELLINGS}")


def frequency(period: str) -> str:
    """'A' for a year such as '2021', 'Q' for a quarter such as '2021-Q3', 'M' for a month such as '2021-07'.

    ValueError for any other spelling.
    """
    return _parse(period)[0]


def period_index(period: str) -> int:
    """An integer that grows by one from each period to the next of the same frequency.

    The year itself for years, year*4 + quarter - 1 for quarters, year*12 + month - 1 for months, so two
    periods are consecutive exactly when their indexes differ by one. Indexes of different frequencies
    are not comparable.
    """
    kind, year, part = _parse(period)
    return year * _PERIODS_PER_YEAR[kind] + part - 1


def _period_at(kind: str, index: int) -> str:
    if kind == ANNUAL:
        return f"{index:04d}"
    if kind == QUARTERLY:
        year, part = divmod(index, 4)
        return f"{year:04d}-Q{part + 1}"
    year, part = divmod(index, 12)
    return f"{year:04d}-{part + 1:02d}"


def next_period(period: str) -> str:
    """The period right after this one, of the same frequency.

    '2021' -> '2022', '2021-Q4' -> '2022-Q1', '2021-12' -> '2022-01'.
    """
    return _period_at(frequency(period), period_index(period) + 1)


def quarter_of(month_period: str) -> str:
    """The quarter a month belongs to ('2021-08' -> '2021-Q3'); ValueError for anything but a month.

    A year is refused too: it spans four quarters, and an annual figure is not any one quarter's.
    """
    kind, year, month = _parse(month_period)
    if kind != MONTHLY:
        raise ValueError(f"period {month_period!r} is not a month like '2021-07'")
    return f"{year:04d}-Q{(month - 1) // 3 + 1}"


def is_quarter(text: str) -> bool:
    """Whether the text is a quarter like '2021-Q3' (anything else, a year or a month included, is not)."""
    return isinstance(text, str) and _QUARTER.fullmatch(text) is not None


def series_frequency(series: Mapping[str, float]) -> str | None:
    """The one frequency of every period in the series; None when it is empty.

    Raises ValueError when the series mixes years, quarters or months, because their indexes cannot be
    ordered against each other and an indicator over such a series would mean nothing.
    """
    kinds = {frequency(period) for period in series}
    if len(kinds) > 1:
        names = [name for kind, name in _FREQUENCY_NAMES.items() if kind in kinds]
        mixed = ", ".join(names[:-1]) + " and " + names[-1]
        raise ValueError(f"the series mixes {mixed}; give one frequency per series")
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

    ValueError when the series mixes years, quarters or months.
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
