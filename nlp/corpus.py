"""Reading and writing passages as JSON Lines, the format of the CMO annotation guidelines.

A bad line never stops a file: it is reported with its line number and the rest is read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["LABELS", "LineError", "Passage", "parse_passage", "parse_spans", "read_passages", "read_predictions"]

LABELS = ("CONTEXT", "MECHANISM", "OUTCOME")


@dataclass(frozen=True)
class GoldSpan:
    start: int
    end: int
    label: str


@dataclass
class Passage:
    id: str
    text: str
    lang: str | None = None
    spans: list[GoldSpan] = field(default_factory=list)
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class LineError:
    """A line that could not be used, and why."""
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}, line {self.line}: {self.message}"


def parse_passage(raw: object, *, need_spans: bool = False) -> Passage:
    """One passage from a decoded JSON line; raises ValueError saying what is wrong."""
    if not isinstance(raw, dict):
        raise ValueError("expected a JSON object with \"id\" and \"text\"")
    text = raw.get("text")
    if not isinstance(text, str):
        raise ValueError("\"text\" is missing or not a string")
    identifier = raw.get("id")
    if identifier is None or isinstance(identifier, (dict, list)):
        raise ValueError("\"id\" is missing or not a string or number")
    lang = raw.get("lang")
    if lang is not None and not isinstance(lang, str):
        raise ValueError("\"lang\" must be a language code such as \"en\"")
    raw_spans = raw.get("spans")
    if raw_spans is None and need_spans:
        raise ValueError("\"spans\" is missing")
    spans = parse_spans(raw_spans or [], len(text))
    extra = {k: v for k, v in raw.items() if k not in ("id", "text", "lang", "spans")}
    return Passage(id=str(identifier), text=text, lang=lang or None, spans=spans, extra=extra)


def parse_spans(raw_spans: object, text_length: int | None) -> list[GoldSpan]:
    """Spans from their JSON form; offsets are checked against the text's length when known."""
    if not isinstance(raw_spans, list):
        raise ValueError("\"spans\" must be a list")
    spans = []
    for n, span in enumerate(raw_spans, start=1):
        if not isinstance(span, dict):
            raise ValueError(f"span {n} is not an object")
        start, end, label = span.get("start"), span.get("end"), span.get("label")
        limit = text_length if text_length is not None else end
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= limit):
            raise ValueError(f"span {n} has offsets outside the text ({start}, {end})")
        if label not in LABELS:
            raise ValueError(f"span {n} has label {label!r}; expected one of {', '.join(LABELS)}")
        spans.append(GoldSpan(start, end, label))
    return spans


def read_predictions(path: Path | str, errors: list[LineError]) -> dict[str, list[GoldSpan]]:
    """Proposed spans by passage id, from lines shaped like `almpo nlp extract` writes them."""
    found: dict[str, list[GoldSpan]] = {}
    with Path(path).open(encoding="utf-8", errors="replace") as source:
        for number, line in enumerate(source, start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                if not isinstance(raw, dict) or raw.get("id") is None:
                    raise ValueError("expected a JSON object with \"id\" and \"spans\"")
                found[str(raw["id"])] = parse_spans(raw.get("spans", []), None)
            except json.JSONDecodeError as error:
                errors.append(LineError(str(path), number, f"not valid JSON ({error.msg}, column {error.colno})"))
            except ValueError as error:
                errors.append(LineError(str(path), number, str(error)))
    return found


def read_passages(path: Path | str, errors: list[LineError], *, need_spans: bool = False) -> Iterator[Passage]:
    """The passages of a JSON Lines file, in order; bad lines go to `errors` and are skipped."""
    with Path(path).open(encoding="utf-8", errors="replace") as source:
        yield from _read_lines(str(path), source, errors, need_spans)


def _read_lines(name: str, lines: Iterable[str], errors: list[LineError], need_spans: bool) -> Iterator[Passage]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield parse_passage(json.loads(line), need_spans=need_spans)
        except json.JSONDecodeError as error:
            errors.append(LineError(name, number, f"not valid JSON ({error.msg}, column {error.colno})"))
        except ValueError as error:
            errors.append(LineError(name, number, str(error)))
