"""Shortage signals by occupation: national shortage lists and a scorecard of indicators.

Two sources of signals, both kept apart from any figure the platform computes itself:

- shortage and surplus lists as countries publish them (EURES shortage and surplus occupations,
  national lists), read from a small CSV with ISCO-08 codes;
- a scorecard in the style of the German Federal Employment Agency's shortage analysis
  (Bundesagentur fuer Arbeit, Engpassanalyse): each indicator of an occupation scores 0 to 3 points
  against three cut-offs and the mean of the scores gives the verdict. No indicator data and no
  cut-offs are shipped: the caller gives the values and the cut-offs it cites.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from labour.series import is_finite_number

STATUSES = ("shortage", "surplus")
COLUMNS = ("country", "isco", "status", "year", "source")
ESCO_ISCO_BASE = "http://data.europa.eu/esco/isco/C"
FIRST_YEAR, LAST_YEAR = 1990, 2100

# ISCO-08: one digit for a major group down to four for a unit group. Every digit 0-9 begins a major
# group (0 is the armed forces), so the check is purely syntactic.
_ISCO = re.compile(r"[0-9]{1,4}")
_COUNTRY = re.compile(r"[A-Z]{2}")
_YEAR = re.compile(r"[0-9]{4}")


class ShortageListError(ValueError):
    """A shortage list that cannot be read; the message starts with the line: 'line N: problem'."""

    def __init__(self, line: int, problem: str):
        super().__init__(f"line {line}: {problem}")
        self.line = line
        self.problem = problem


@dataclass(frozen=True)
class ShortageEntry:
    """One occupation on one country's list for one year, as the source published it."""

    country: str
    isco: str
    status: str
    year: int
    source: str


def is_isco_code(code: str) -> bool:
    """Whether the code is an ISCO-08 code of 1 to 4 digits (major group down to unit group)."""
    return isinstance(code, str) and _ISCO.fullmatch(code) is not None


def isco_uri(code: str) -> str:
    """ESCO's URI for an ISCO-08 group: '2512' -> 'http://data.europa.eu/esco/isco/C2512'."""
    if not is_isco_code(code):
        raise ValueError(f"ISCO-08 code {code!r} is not 1 to 4 digits")
    return f"{ESCO_ISCO_BASE}{code}"


def _entry(row: dict[str, str], line: int) -> ShortageEntry:
    country, isco, status, year, source = (row[column] for column in COLUMNS)
    if not _COUNTRY.fullmatch(country):
        raise ShortageListError(line, f"country {country!r} is not a 2-letter uppercase code such as 'DE'")
    if not is_isco_code(isco):
        raise ShortageListError(line, f"ISCO-08 code {isco!r} is not 1 to 4 digits such as '2512'")
    if status.lower() not in STATUSES:
        raise ShortageListError(line, f"unknown status {status!r}: expected 'shortage' or 'surplus'")
    if not _YEAR.fullmatch(year) or not FIRST_YEAR <= int(year) <= LAST_YEAR:
        raise ShortageListError(line, f"year {year!r} is not a 4-digit year between {FIRST_YEAR} and {LAST_YEAR}")
    if not source:
        raise ShortageListError(line, "the source is empty: name the list the entry comes from")
    return ShortageEntry(country, isco, status.lower(), int(year), source)


def _header(cells: list[str]) -> list[str]:
    names = [cell.strip().lower() for cell in cells]
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        raise ShortageListError(1, f"the header has no column {', '.join(missing)}; expected {','.join(COLUMNS)}")
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        raise ShortageListError(1, f"unknown column {', '.join(map(repr, unknown))}; expected {','.join(COLUMNS)}")
    if len(set(names)) != len(names):
        raise ShortageListError(1, "the header names a column twice")
    return names


def read_shortage_list(text: str) -> list[ShortageEntry]:
    """The entries of a shortage list in CSV with the header country,isco,status,year,source.

    UTF-8 text, with or without a byte-order mark; the columns may come in any order; blank lines are
    skipped; status is read case-insensitively and stored in lower case. The same entry repeated is
    kept once; the same (country, isco, year) with both statuses is an error. All or nothing: the
    first wrong line raises ShortageListError and no entry is returned.
    """
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise ShortageListError(1, f"the file is empty; expected the header {','.join(COLUMNS)}")
    rows = csv.reader(io.StringIO(text, newline=""))
    names = _header(next(rows))
    entries: list[ShortageEntry] = []
    seen: set[ShortageEntry] = set()
    status_of: dict[tuple[str, str, int], tuple[str, int]] = {}
    for cells in rows:
        # csv's line_num counts physical lines read, so it names the row's last line.
        line = rows.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) < len(names):
            missing = ", ".join(names[len(cells) :])
            raise ShortageListError(line, f"missing column {missing}: found {len(cells)} cells, expected {len(names)}")
        if len(cells) > len(names):
            raise ShortageListError(line, f"found {len(cells)} cells, expected {len(names)}")
        entry = _entry(dict(zip(names, (cell.strip() for cell in cells), strict=True)), line)
        key = (entry.country, entry.isco, entry.year)
        if key in status_of and status_of[key][0] != entry.status:
            earlier_status, earlier_line = status_of[key]
            raise ShortageListError(
                line,
                f"{entry.country} ISCO {entry.isco} in {entry.year} is {entry.status!r} here "
                f"but {earlier_status!r} on line {earlier_line}",
            )
        status_of.setdefault(key, (entry.status, line))
        if entry not in seen:
            seen.add(entry)
            entries.append(entry)
    return entries


# -- Scorecard -------------------------------------------------------------------------------------

VERDICTS = ("shortage", "signs_of_shortage", "no_shortage", "not_enough_indicators")
# The Engpassanalyse's reading of the mean score: an occupation in shortage from 2.0 points, with signs
# of shortage from 1.5 points.
SHORTAGE_AT = 2.0
SIGNS_OF_SHORTAGE_AT = 1.5
MINIMUM_INDICATORS = 2


@dataclass(frozen=True)
class IndicatorCutoffs:
    """Three ascending cut-offs of one indicator, and which way of the scale means shortage.

    With higher_means_shortage (e.g. vacancy duration), a value below the first cut-off scores 0, from the
    first 1, from the second 2 and from the third 3. Otherwise (e.g. unemployed per vacancy) the scale is
    mirrored: a value above the third cut-off scores 0, and one at or below the first scores 3.
    """

    name: str
    cutoffs: tuple[float, float, float]
    higher_means_shortage: bool

    def __post_init__(self) -> None:
        if len(self.cutoffs) != 3:
            raise ValueError(f"{self.name}: give exactly three cut-offs, not {len(self.cutoffs)}")
        if not all(is_finite_number(cut) for cut in self.cutoffs):
            raise ValueError(f"{self.name}: every cut-off must be a finite number, not {self.cutoffs!r}")
        if not self.cutoffs[0] < self.cutoffs[1] < self.cutoffs[2]:
            raise ValueError(f"{self.name}: the cut-offs must be strictly ascending, not {self.cutoffs!r}")


def score_indicator(value: float, cutoffs: IndicatorCutoffs) -> int:
    """0 to 3 points for one indicator value against its cut-offs (see IndicatorCutoffs)."""
    if not is_finite_number(value):
        raise ValueError(f"{cutoffs.name}: the value {value!r} is not a finite number")
    first, second, third = cutoffs.cutoffs
    if cutoffs.higher_means_shortage:
        return sum(value >= cut for cut in (first, second, third))
    return sum(value <= cut for cut in (first, second, third))


@dataclass
class Scorecard:
    """The scores of one occupation, their mean and the verdict.

    scores holds the indicators that have a value; missing lists the others. mean is None when fewer
    indicators than the minimum have a value, and the verdict is then "not_enough_indicators".
    """

    occupation: str
    scores: dict[str, int]
    mean: float | None
    verdict: str
    missing: tuple[str, ...] = ()
    thresholds: dict[str, float] = field(default_factory=dict)


def scorecard(
    occupation: str,
    values: Mapping[str, float | None],
    cutoffs: Sequence[IndicatorCutoffs],
    *,
    minimum: int = MINIMUM_INDICATORS,
    shortage_at: float = SHORTAGE_AT,
    signs_at: float = SIGNS_OF_SHORTAGE_AT,
) -> Scorecard:
    """The scorecard of an occupation from its indicator values and the cut-offs of each indicator.

    Verdict: "shortage" when the mean score is at least `shortage_at` (2.0), "signs_of_shortage" from
    `signs_at` (1.5) up to it, "no_shortage" below, and "not_enough_indicators" when fewer than
    `minimum` (2) indicators have a value. An indicator whose value is None, or that has cut-offs but
    no entry in `values`, is left out of the mean and listed as missing. A value for an indicator
    without cut-offs cannot be scored and raises ValueError.
    """
    if minimum < 1:
        raise ValueError(f"the minimum number of indicators must be at least 1, not {minimum}")
    if not signs_at <= shortage_at:
        raise ValueError(f"the signs-of-shortage threshold {signs_at} is above the shortage threshold {shortage_at}")
    by_name: dict[str, IndicatorCutoffs] = {}
    for item in cutoffs:
        if item.name in by_name:
            raise ValueError(f"cut-offs for {item.name!r} are given twice")
        by_name[item.name] = item
    unscorable = sorted(name for name in values if name not in by_name)
    if unscorable:
        raise ValueError(f"no cut-offs for the indicator(s) {', '.join(unscorable)}")
    scores = {
        name: score_indicator(values[name], item) for name, item in by_name.items() if values.get(name) is not None
    }
    missing = tuple(name for name in by_name if values.get(name) is None)
    thresholds = {"shortage_at": float(shortage_at), "signs_at": float(signs_at), "minimum": float(minimum)}
    if len(scores) < minimum:
        return Scorecard(occupation, scores, None, "not_enough_indicators", missing, thresholds)
    # Rounded to remove floating-point noise only: three scores of 2, 2 and 1 average to 1.6666666667.
    mean = round(sum(scores.values()) / len(scores), 10)
    if mean >= shortage_at:
        verdict = "shortage"
    elif mean >= signs_at:
        verdict = "signs_of_shortage"
    else:
        verdict = "no_shortage"
    return Scorecard(occupation, scores, mean, verdict, missing, thresholds)
