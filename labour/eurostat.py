"""Readers for the two layouts Eurostat publishes its tables in: TSV and SDMX-CSV 1.0.

Both are pure functions from text to `Observation`s, so an importer can validate a whole upload
before anything is stored. Flags are kept whole and missing values stay missing: the platform shows
what Eurostat published and never fills a gap.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath

# Columns of SDMX-CSV 1.0 that are not dimensions of the observation.
_DATAFLOW = "DATAFLOW"
_LAST_UPDATE = "LAST UPDATE"
_TIME = "TIME_PERIOD"
_VALUE = "OBS_VALUE"
_FLAG = "OBS_FLAG"
_GEO = "geo"
_SDMX_NON_DIMENSIONS = {_DATAFLOW, _LAST_UPDATE, _TIME, _VALUE, _FLAG, _GEO}

_YEAR = re.compile(r"(\d{4})")
# "2021-Q3" (current TSV and SDMX-CSV) and "2021Q3" (older TSV downloads).
_QUARTER = re.compile(r"(\d{4})-?Q([1-4])")
# "2021-07" (SDMX-CSV) and "2021M07" (older TSV downloads).
_MONTH = re.compile(r"(\d{4})(?:-|M)(0[1-9]|1[0-2])")
# A figure, then optional flag letters ("2.1 p", "1.5 bu", ": c"). An explicit pattern rather than
# float() alone, because float() would also accept "nan" and "inf", which Eurostat never publishes.
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_CELL = re.compile(rf"(?P<value>:|{_NUMBER})\s*(?P<flags>[a-z]*)")
_SDMX_VALUE = re.compile(_NUMBER)
# "ESTAT:UNE_RT_M(1.0)": agency, dataflow id, version.
_DATAFLOW_ID = re.compile(r"(?:[A-Za-z0-9_.-]+:)?([A-Za-z0-9_]+)(?:\([^()]*\))?")


@dataclass(frozen=True)
class Observation:
    dataset: str
    # Every dimension except geo and time; left out of the hash because a dict is not hashable.
    dimensions: dict[str, str] = field(hash=False)
    geo: str
    period: str
    value: float | None
    flags: str
    last_update: str | None = None
    # Where the figure stands in its file, for messages; not part of its identity.
    line: int = field(default=0, compare=False)


class EurostatFormatError(ValueError):
    """The input is not a Eurostat table this module can read; the message names the line."""

    def __init__(self, line: int, problem: str):
        super().__init__(f"line {line}: {problem}")
        self.line = line
        self.problem = problem


def normalise_period(raw: str, line: int) -> str:
    """'2021', '2021-Q3' or '2021-07', whichever of Eurostat's spellings the file uses."""
    text = raw.strip()
    if _YEAR.fullmatch(text):
        return text
    if match := _QUARTER.fullmatch(text):
        return f"{match[1]}-Q{match[2]}"
    if match := _MONTH.fullmatch(text):
        return f"{match[1]}-{match[2]}"
    raise EurostatFormatError(line, f"period {raw.strip()!r} is not a year, quarter or month")


def _strip_bom(text: str) -> str:
    return text.removeprefix("\ufeff")


def _first_line(text: str) -> str:
    text = _strip_bom(text)
    if not text.strip():
        raise EurostatFormatError(1, "the file is empty")
    return text.splitlines()[0]


def _is_tsv_header(line: str) -> bool:
    return "\t" in line and "\\" in line.split("\t", 1)[0]


def _is_sdmx_header(line: str) -> bool:
    columns = next(csv.reader([line]), [])
    return bool(columns) and columns[0].strip() == _DATAFLOW and _TIME in columns and _VALUE in columns


def detect_format(text: str) -> str:
    """'tsv' or 'sdmx-csv', from the header line."""
    header = _first_line(text)
    if _is_tsv_header(header):
        return "tsv"
    if _is_sdmx_header(header):
        return "sdmx-csv"
    raise EurostatFormatError(
        1,
        "unknown layout: expected a Eurostat TSV header (e.g. 'freq,unit,geo\\TIME_PERIOD' then periods, "
        "tab-separated) or an SDMX-CSV header starting with 'DATAFLOW' and holding TIME_PERIOD and OBS_VALUE",
    )


def _tsv_cell(cell: str, line: int) -> tuple[float | None, str]:
    match = _CELL.fullmatch(cell.strip())
    if match is None:
        raise EurostatFormatError(line, f"value {cell.strip()!r} is not a number, ':' or a number with flags")
    value = None if match["value"] == ":" else float(match["value"])
    return value, match["flags"]


def read_tsv(text: str, dataset: str) -> Iterator[Observation]:
    """Observations of a Eurostat TSV table; the header is checked before the first one is returned."""
    header_line = _first_line(text)
    if not _is_tsv_header(header_line):
        raise EurostatFormatError(1, "not a Eurostat TSV header: the first cell must be like 'freq,geo\\TIME_PERIOD'")
    header = header_line.split("\t")
    names = [name.strip() for name in header[0].split("\\", 1)[0].split(",")]
    if _GEO not in names:
        raise EurostatFormatError(1, f"the first header cell names no 'geo' dimension: {header[0].strip()!r}")
    periods = [normalise_period(cell, 1) for cell in header[1:]]
    if not periods:
        raise EurostatFormatError(1, "the header has no period columns")
    dataset = dataset.strip().lower()
    return _tsv_rows(_strip_bom(text).splitlines()[1:], dataset, names, periods)


def _tsv_rows(lines: list[str], dataset: str, names: list[str], periods: list[str]) -> Iterator[Observation]:
    for number, line in enumerate(lines, start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != len(periods) + 1:
            raise EurostatFormatError(
                number, f"expected {len(periods) + 1} tab-separated cells as in the header, found {len(cells)}"
            )
        keys = [key.strip() for key in cells[0].split(",")]
        if len(keys) != len(names):
            raise EurostatFormatError(
                number, f"the first cell holds {len(keys)} dimension values, the header names {len(names)}"
            )
        key = dict(zip(names, keys, strict=True))
        geo = key.pop(_GEO)
        for period, cell in zip(periods, cells[1:], strict=True):
            value, flags = _tsv_cell(cell, number)
            yield Observation(dataset, dict(key), geo, period, value, flags, line=number)


def _dataset_of(dataflow: str, line: int) -> str:
    match = _DATAFLOW_ID.fullmatch(dataflow.strip())
    if match is None:
        raise EurostatFormatError(line, f"DATAFLOW {dataflow.strip()!r} is not like 'ESTAT:UNE_RT_M(1.0)'")
    return match[1].lower()


def read_sdmx_csv(text: str) -> Iterator[Observation]:
    """Observations of an SDMX-CSV 1.0 file; the header is checked before the first one is returned."""
    rows = csv.reader(io.StringIO(_strip_bom(text), newline=""))
    header = [name.strip() for name in next(rows, [])]
    if not header or header[0] != _DATAFLOW:
        raise EurostatFormatError(1, "not an SDMX-CSV header: the first column must be DATAFLOW")
    for required in (_GEO, _TIME, _VALUE):
        if required not in header:
            raise EurostatFormatError(1, f"the SDMX-CSV header has no {required} column")
    if len(set(header)) != len(header):
        raise EurostatFormatError(1, "the SDMX-CSV header names a column twice")
    return _sdmx_rows(rows, header)


def _sdmx_rows(rows: Iterator[list[str]], header: list[str]) -> Iterator[Observation]:
    dimensions = [name for name in header if name not in _SDMX_NON_DIMENSIONS]
    for cells in rows:
        # csv's line_num counts physical lines read, so it names the row's last line.
        number = rows.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            raise EurostatFormatError(number, f"expected {len(header)} comma-separated cells, found {len(cells)}")
        row = dict(zip(header, (cell.strip() for cell in cells), strict=True))
        raw_value = row[_VALUE]
        # Eurostat leaves OBS_VALUE empty for a missing figure; ':' is the TSV spelling, accepted too.
        if raw_value in ("", ":"):
            value = None
        elif _SDMX_VALUE.fullmatch(raw_value):
            value = float(raw_value)
        else:
            raise EurostatFormatError(number, f"OBS_VALUE {raw_value!r} is not a number")
        yield Observation(
            dataset=_dataset_of(row[_DATAFLOW], number),
            dimensions={name: row[name] for name in dimensions},
            geo=row[_GEO],
            period=normalise_period(row[_TIME], number),
            value=value,
            flags=row.get(_FLAG, ""),
            last_update=row.get(_LAST_UPDATE) or None,
            line=number,
        )


def dataset_from_name(name: str) -> str:
    """'estat_jvs_q_nace2.tsv' or 'JVS_Q_NACE2.tsv' -> 'jvs_q_nace2' (Eurostat's download names)."""
    stem = PurePath(name).name.split(".", 1)[0].lower()
    return stem.removeprefix("estat_")


def read_file(name: str, data: bytes) -> tuple[str, list[Observation]]:
    """(format, observations) of an uploaded file; the whole file is read so every error surfaces now."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise EurostatFormatError(line, f"not UTF-8 (byte {data[error.start]:#04x} at offset {error.start})") from None
    layout = detect_format(text)
    if layout == "tsv":
        dataset = dataset_from_name(name)
        if not dataset:
            raise EurostatFormatError(1, f"the dataset code cannot be read from the file name {name!r}")
        return layout, list(read_tsv(text, dataset))
    return layout, list(read_sdmx_csv(text))
