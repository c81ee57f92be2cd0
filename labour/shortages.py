"""Shortage signals by occupation: national shortage lists and a scorecard of indicators.

Two sources of signals, both kept apart from any figure the platform computes itself:

- shortage and surplus lists as countries publish them (EURES shortage and surplus occupations,
  national lists), read from a small CSV with ISCO-08 codes;
- a scorecard in the style of the German Federal Employment Agency's shortage analysis
  (Bundesagentur fuer Arbeit, Engpassanalyse): each indicator of an occupation scores 0 to 3 points
  against three cut-offs and the mean of the scores gives the verdict. No indicator data and no
  cut-offs are shipped: an administrator imports the values and the cut-offs they cite.

Three kinds of CSV file, told apart by their header (`file_kind`): a list
(country,isco,status,year,source), indicator values (country,isco,year,indicator,value,source) and
cut-offs (indicator,cutoff_1,cutoff_2,cutoff_3,higher_means_shortage,source[,label]). Each reader
takes a whole file or raises ShortageFileError naming the first wrong line.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator, Mapping, Sequence
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
_INDICATOR = re.compile(r"[a-z][a-z0-9_]{0,39}")
# A plain decimal: float() alone would also take 'nan', 'inf' and '1_000'.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
MAX_SOURCE_LENGTH = 300
MAX_LABEL_LENGTH = 200


class ShortageFileError(ValueError):
    """A shortage file that cannot be read; the message starts with the line: 'line N: problem'."""

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
    # Where the entry stands in its file, for messages; not part of what the entry is.
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class IndicatorValue:
    """One indicator of one occupation in one country and year, e.g. the median vacancy duration in days."""

    country: str
    isco: str
    year: int
    indicator: str
    value: float
    source: str
    line: int = field(default=0, compare=False)


def is_isco_code(code: str) -> bool:
    """Whether the code is an ISCO-08 code of 1 to 4 digits (major group down to unit group)."""
    return isinstance(code, str) and _ISCO.fullmatch(code) is not None


def isco_uri(code: str) -> str:
    """ESCO's URI for an ISCO-08 group: '2512' -> 'http://data.europa.eu/esco/isco/C2512'."""
    if not is_isco_code(code):
        raise ValueError(f"ISCO-08 code {code!r} is not 1 to 4 digits")
    return f"{ESCO_ISCO_BASE}{code}"


# -- Reading the three kinds of file ---------------------------------------------------------------

LIST_COLUMNS = COLUMNS
INDICATOR_COLUMNS = ("country", "isco", "year", "indicator", "value", "source")
CUTOFF_COLUMNS = ("indicator", "cutoff_1", "cutoff_2", "cutoff_3", "higher_means_shortage", "source")
# The kind of a file is told by its header: each kind has a column the others lack.
FILE_KINDS = {"list": LIST_COLUMNS, "indicators": INDICATOR_COLUMNS, "cutoffs": CUTOFF_COLUMNS}
_YES, _NO = frozenset({"yes", "true", "1"}), frozenset({"no", "false", "0"})


def _header(cells: list[str], columns: tuple[str, ...], optional: tuple[str, ...] = ()) -> list[str]:
    names = [cell.strip().lower() for cell in cells]
    expected = ",".join(columns)
    missing = [column for column in columns if column not in names]
    if missing:
        raise ShortageFileError(1, f"the header has no column {', '.join(missing)}; expected {expected}")
    unknown = [name for name in names if name not in columns and name not in optional]
    if unknown:
        raise ShortageFileError(1, f"unknown column {', '.join(map(repr, unknown))}; expected {expected}")
    if len(set(names)) != len(names):
        raise ShortageFileError(1, "the header names a column twice")
    return names


def _rows(text: str, columns: tuple[str, ...], optional: tuple[str, ...] = ()) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) of every non-blank row of a CSV text with this header, each cell stripped."""
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise ShortageFileError(1, f"the file is empty; expected the header {','.join(columns)}")
    rows = csv.reader(io.StringIO(text, newline=""))
    names = _header(_next_row(rows), columns, optional)
    while (cells := _next_row(rows)) is not None:
        # csv's line_num counts physical lines read, so it names the row's last line.
        line = rows.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if any("\x00" in cell for cell in cells):
            # PostgreSQL cannot store a NUL character in text; no list has one on purpose.
            raise ShortageFileError(line, "the line contains a NUL character; is this a text file?")
        if len(cells) < len(names):
            missing = ", ".join(names[len(cells) :])
            raise ShortageFileError(line, f"missing column {missing}: found {len(cells)} cells, expected {len(names)}")
        if len(cells) > len(names):
            raise ShortageFileError(line, f"found {len(cells)} cells, expected {len(names)}")
        yield line, dict(zip(names, (cell.strip() for cell in cells), strict=True))


def _next_row(rows) -> list[str] | None:
    """The next row of a csv reader, None at the end; a row csv cannot parse (a NUL byte, a quote left
    open at the end of the file) is a ShortageFileError naming its line."""
    try:
        return next(rows)
    except StopIteration:
        return None
    except csv.Error as error:
        raise ShortageFileError(rows.line_num or 1, f"not readable as CSV: {error}") from None


def file_kind(text: str) -> str | None:
    """'list', 'indicators' or 'cutoffs' from the header of a shortage file; None when it is none of them."""
    first = text.removeprefix("\ufeff").lstrip("\r\n").split("\n", 1)[0]
    try:
        names = {cell.strip().lower() for cell in next(csv.reader([first]), [])}
    except csv.Error:
        return None
    for kind, columns in FILE_KINDS.items():
        if set(columns) <= names:
            return kind
    return None


def _country(value: str, line: int) -> str:
    if not _COUNTRY.fullmatch(value):
        raise ShortageFileError(line, f"country {value!r} is not a 2-letter uppercase code such as 'DE'")
    return value


def _isco(value: str, line: int) -> str:
    if not is_isco_code(value):
        raise ShortageFileError(line, f"ISCO-08 code {value!r} is not 1 to 4 digits such as '2512'")
    return value


def _year(value: str, line: int) -> int:
    if not _YEAR.fullmatch(value) or not FIRST_YEAR <= int(value) <= LAST_YEAR:
        raise ShortageFileError(line, f"year {value!r} is not a 4-digit year between {FIRST_YEAR} and {LAST_YEAR}")
    return int(value)


def _source(value: str, line: int) -> str:
    if not value:
        raise ShortageFileError(line, "the source is empty: name the list or study the entry comes from")
    if len(value) > MAX_SOURCE_LENGTH:
        raise ShortageFileError(line, f"the source is {len(value)} characters long; at most {MAX_SOURCE_LENGTH}")
    return value


def _indicator_name(value: str, line: int) -> str:
    if not _INDICATOR.fullmatch(value):
        raise ShortageFileError(line, f"indicator {value!r} is not a name of lower-case letters, digits and "
                                      "underscores such as 'vacancy_duration' (at most 40)")
    return value


def _number(value: str, line: int, what: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or not _NUMBER.fullmatch(value):
        raise ShortageFileError(line, f"{what} {value!r} is not a number such as 12.5 (decimal point, no unit)")
    return number


def _entry(row: dict[str, str], line: int) -> ShortageEntry:
    status = row["status"].lower()
    if status not in STATUSES:
        raise ShortageFileError(line, f"unknown status {row['status']!r}: expected 'shortage' or 'surplus'")
    return ShortageEntry(_country(row["country"], line), _isco(row["isco"], line), status,
                         _year(row["year"], line), _source(row["source"], line), line)


def read_shortage_list(text: str) -> list[ShortageEntry]:
    """The entries of a shortage list in CSV with the header country,isco,status,year,source.

    UTF-8 text, with or without a byte-order mark; the columns may come in any order; blank lines are
    skipped; status is read case-insensitively and stored in lower case. The same entry repeated is
    kept once; the same (country, isco, year) with both statuses is an error. All or nothing: the
    first wrong line raises ShortageFileError and no entry is returned.
    """
    entries: list[ShortageEntry] = []
    seen: set[ShortageEntry] = set()
    status_of: dict[tuple[str, str, int], tuple[str, int]] = {}
    for line, row in _rows(text, LIST_COLUMNS):
        entry = _entry(row, line)
        key = (entry.country, entry.isco, entry.year)
        if key in status_of and status_of[key][0] != entry.status:
            earlier_status, earlier_line = status_of[key]
            raise ShortageFileError(
                line,
                f"{entry.country} ISCO {entry.isco} in {entry.year} is {entry.status!r} here "
                f"but {earlier_status!r} on line {earlier_line}",
            )
        status_of.setdefault(key, (entry.status, line))
        if entry not in seen:
            seen.add(entry)
            entries.append(entry)
    return entries


def read_indicator_values(text: str) -> list[IndicatorValue]:
    """Indicator values of occupations in CSV with the header country,isco,year,indicator,value,source.

    The same value repeated is kept once; two different values for the same country, occupation, year,
    indicator and source are an error naming both lines. All or nothing, as read_shortage_list.
    """
    values: list[IndicatorValue] = []
    line_of: dict[tuple[str, str, int, str, str], tuple[float, int]] = {}
    for line, row in _rows(text, INDICATOR_COLUMNS):
        found = IndicatorValue(_country(row["country"], line), _isco(row["isco"], line), _year(row["year"], line),
                               _indicator_name(row["indicator"], line), _number(row["value"], line, "value"),
                               _source(row["source"], line), line)
        key = (found.country, found.isco, found.year, found.indicator, found.source)
        if key in line_of:
            earlier, earlier_line = line_of[key]
            if earlier != found.value:
                raise ShortageFileError(line, f"{found.indicator} of {found.country} ISCO {found.isco} in {found.year} "
                                              f"is {found.value:g} here but {earlier:g} on line {earlier_line}")
            continue
        line_of[key] = (found.value, line)
        values.append(found)
    return values


def read_cutoffs(text: str) -> list[IndicatorCutoffs]:
    """Cut-offs in CSV with the header indicator,cutoff_1,cutoff_2,cutoff_3,higher_means_shortage,source.

    higher_means_shortage is yes/no (or true/false, 1/0); an optional `label` column names the indicator
    for people. One row per indicator; all or nothing, as read_shortage_list.
    """
    found: list[IndicatorCutoffs] = []
    line_of: dict[str, int] = {}
    for line, row in _rows(text, CUTOFF_COLUMNS, optional=("label",)):
        name = _indicator_name(row["indicator"], line)
        if name in line_of:
            raise ShortageFileError(line, f"the cut-offs of {name} were already given on line {line_of[name]}")
        cuts = tuple(_number(row[f"cutoff_{n}"], line, f"cutoff_{n}") for n in (1, 2, 3))
        direction = row["higher_means_shortage"].lower()
        if direction not in _YES | _NO:
            raise ShortageFileError(line, f"higher_means_shortage {row['higher_means_shortage']!r} is not yes or no")
        label = row.get("label", "")
        if len(label) > MAX_LABEL_LENGTH:
            raise ShortageFileError(line, f"the label is {len(label)} characters long; at most {MAX_LABEL_LENGTH}")
        try:
            cutoffs = IndicatorCutoffs(name, cuts, direction in _YES, label=label,
                                       source=_source(row["source"], line))
        except ValueError as error:
            raise ShortageFileError(line, str(error)) from None
        line_of[name] = line
        found.append(cutoffs)
    return found


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
    # For people and for citation: what the indicator is called and where its cut-offs come from.
    label: str = ""
    source: str = ""

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
