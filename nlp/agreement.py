"""Inter-coder agreement on one coded text: Krippendorff's alpha, Cohen's kappa and where coders differ.

Each coder's coding is a list of labelled character spans. Agreement is measured over units (words by
default for callers holding the text, see `word_units`): a unit takes a coder's label when that coder's
spans of the label cover at least half of it, and "none" is a category of its own.

- Per label, each unit is a yes/no question (did this coder give it the label?), so a sentence coded
  both context and enabling condition counts for both.
- Overall, each unit gets one nominal category per coder: the label covering most of it, ties going to
  the label that comes first in the label order, or "none".

Krippendorff's alpha comes from the `krippendorff` package and Cohen's kappa from scikit-learn; a
statistic that is undefined (no variation at all in the data) is reported as None.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

import krippendorff
import numpy as np
from sklearn.metrics import cohen_kappa_score

__all__ = [
    "DEFAULT_LABELS",
    "AgreementReport",
    "CodedSpan",
    "Disagreement",
    "PairAgreement",
    "agreement",
    "format_report",
    "word_units",
]

# The facilitators' coding scheme; labels outside it still work and sort after these.
DEFAULT_LABELS = ("context", "mechanism", "outcome", "enabling", "hindering")

_WORD = re.compile(r"\w+")
# Nominal category codes: 0 is "none", label i of the label order is i + 1. Integers rather than
# strings so that no label name can collide with the "none" category.
_NONE = 0


@dataclass(frozen=True)
class CodedSpan:
    start: int
    end: int
    label: str


@dataclass
class PairAgreement:
    coder_a: str
    coder_b: str
    kappa: float | None
    kappa_by_label: dict[str, float | None]
    units: int


@dataclass
class Disagreement:
    start: int
    end: int
    labels: dict[str, list[str]]


@dataclass
class AgreementReport:
    coders: list[str]
    units: int
    alpha: float | None
    alpha_by_label: dict[str, float | None]
    pairs: list[PairAgreement]
    disagreements: list[Disagreement]
    percent_agreement: float | None


def word_units(text: str) -> list[tuple[int, int]]:
    """The `\\w+` runs of `text` as (start, end) character ranges, end exclusive."""
    return [(match.start(), match.end()) for match in _WORD.finditer(text)]


def agreement(text_length: int, codings: dict[str, list[CodedSpan]], units: list[tuple[int, int]] | None = None,
              labels: Sequence[str] | None = None) -> AgreementReport:
    """Agreement between the coders of one text of `text_length` characters.

    `codings` maps each coder to their spans (CodedSpan or (start, end, label) tuples). `units` are the
    (start, end) ranges agreement is measured over; without them every character is a unit, since only
    the length of the text is known here: pass `word_units(text)` for word-level agreement. `labels`
    fixes the label set and its order (which breaks ties between labels covering a unit equally); a span
    with a label outside it is an error. Without it, the labels the coders used are taken, those of
    DEFAULT_LABELS first in that order, then the rest alphabetically.
    """
    text_length = _offset(text_length, "text_length")
    if text_length < 0:
        raise ValueError(f"text_length must not be negative, not {text_length}")
    coders = list(codings)
    spans = {coder: [_coded_span(span, coder, text_length) for span in codings[coder]] for coder in coders}
    label_order = _label_order(labels, (span.label for coder_spans in spans.values() for span in coder_spans))
    unit_ranges = _checked_units(units, text_length)

    starts = np.array([start for start, _ in unit_ranges], dtype=np.int64)
    ends = np.array([end for _, end in unit_ranges], dtype=np.int64)
    # Per coder: which labels each unit carries (units x labels) and its single nominal category.
    carries = {}
    nominal = {}
    for coder in coders:
        carries[coder], nominal[coder] = _unit_labels(spans[coder], label_order, text_length, starts, ends)

    n_units = len(unit_ranges)
    if len(coders) < 2:
        return AgreementReport(coders=coders, units=n_units, alpha=None,
                               alpha_by_label=dict.fromkeys(label_order), pairs=[], disagreements=[],
                               percent_agreement=None)

    alpha = _alpha(np.array([nominal[coder] for coder in coders]))
    alpha_by_label = {label: _alpha(np.array([carries[coder][:, index] for coder in coders]).astype(np.int64))
                      for index, label in enumerate(label_order)}
    pairs = [PairAgreement(coder_a=a, coder_b=b, kappa=_kappa(nominal[a], nominal[b]),
                           kappa_by_label={label: _kappa(carries[a][:, index], carries[b][:, index])
                                           for index, label in enumerate(label_order)},
                           units=n_units)
             for a, b in combinations(coders, 2)]

    stacked = np.stack([carries[coder] for coder in coders])  # coders x units x labels
    agreed = (stacked == stacked[0]).all(axis=(0, 2))
    percent = float(agreed.mean()) if n_units else None
    disagreements = _disagreements(unit_ranges, agreed, coders, carries, label_order)
    return AgreementReport(coders=coders, units=n_units, alpha=alpha, alpha_by_label=alpha_by_label, pairs=pairs,
                           disagreements=disagreements, percent_agreement=percent)


def format_report(report: AgreementReport) -> str:
    """A short plain-text table of the report, for the command line."""
    lines = [f"{len(report.coders)} coders ({', '.join(report.coders) or '-'}), {report.units} units"]
    if report.percent_agreement is not None:
        lines.append(f"all coders agree on {report.percent_agreement:.1%} of units")
    header = ["alpha", *(f"kappa {pair.coder_a}/{pair.coder_b}" for pair in report.pairs)]
    rows = [("overall", [report.alpha, *(pair.kappa for pair in report.pairs)])]
    rows += [(label, [alpha, *(pair.kappa_by_label.get(label) for pair in report.pairs)])
             for label, alpha in report.alpha_by_label.items()]
    first = max(len(name) for name, _ in rows)
    widths = [max(len(title), 6) for title in header]
    lines.append("  ".join([" " * first, *(title.rjust(width) for title, width in zip(header, widths, strict=True))]))
    for name, values in rows:
        cells = [_format_value(value).rjust(width) for value, width in zip(values, widths, strict=True)]
        lines.append("  ".join([name.ljust(first), *cells]))
    if report.disagreements:
        lines.append(f"{len(report.disagreements)} disagreements:")
        shown = report.disagreements[:_SHOWN_DISAGREEMENTS]
        for item in shown:
            given = "; ".join(f"{coder}: {', '.join(labels) or 'none'}" for coder, labels in item.labels.items())
            lines.append(f"  {item.start}-{item.end}  {given}")
        if len(report.disagreements) > len(shown):
            lines.append(f"  ... and {len(report.disagreements) - len(shown)} more")
    return "\n".join(lines)


# A terminal table, not a listing: the report object holds every disagreement.
_SHOWN_DISAGREEMENTS = 10


def _format_value(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _coded_span(span: CodedSpan | tuple[int, int, str], coder: str, text_length: int) -> CodedSpan:
    if not isinstance(span, CodedSpan):
        try:
            start, end, label = span
        except (TypeError, ValueError):
            raise ValueError(f"coder {coder!r}: a span is (start, end, label), not {span!r}") from None
        span = CodedSpan(start, end, label)
    span = CodedSpan(_offset(span.start, f"coder {coder!r}: span {span}"),
                     _offset(span.end, f"coder {coder!r}: span {span}"), span.label)
    if not isinstance(span.label, str) or not span.label:
        raise ValueError(f"coder {coder!r}: span {span} needs a non-empty string label")
    if span.start >= span.end:
        raise ValueError(f"coder {coder!r}: span {span} is empty or reversed (start must be below end)")
    if span.start < 0 or span.end > text_length:
        raise ValueError(f"coder {coder!r}: span {span} lies outside the text (0..{text_length})")
    return span


def _offset(value: object, where: str) -> int:
    # operator.index lets numpy integers through but not floats, whose truncation would shift a range.
    if isinstance(value, bool):
        raise ValueError(f"{where}: {value!r} is not a character offset")
    try:
        return operator.index(value)
    except TypeError:
        raise ValueError(f"{where}: {value!r} is not a character offset") from None


def _label_order(labels: Sequence[str] | None, used: Iterable[str]) -> list[str]:
    used = set(used)
    if labels is None:
        known = [label for label in DEFAULT_LABELS if label in used]
        return known + sorted(used.difference(DEFAULT_LABELS))
    if isinstance(labels, str):
        raise ValueError("labels is a sequence of label names, not one string")
    order = list(dict.fromkeys(labels))
    unknown = sorted(used.difference(order))
    if unknown:
        raise ValueError(f"spans use labels outside the given labels: {', '.join(map(repr, unknown))}")
    return order


def _checked_units(units: list[tuple[int, int]] | None, text_length: int) -> list[tuple[int, int]]:
    if units is None:
        return [(index, index + 1) for index in range(text_length)]
    checked = []
    for unit in units:
        try:
            start, end = unit
        except (TypeError, ValueError):
            raise ValueError(f"a unit is a (start, end) pair, not {unit!r}") from None
        start, end = _offset(start, f"unit {unit!r}"), _offset(end, f"unit {unit!r}")
        if not 0 <= start < end <= text_length:
            raise ValueError(f"unit {unit!r} is empty or lies outside the text (0..{text_length})")
        checked.append((start, end))
    # Disagreements merge neighbouring units, so units are taken in text order whatever order they came in.
    return sorted(checked)


def _unit_labels(spans: list[CodedSpan], label_order: list[str], text_length: int, starts: np.ndarray,
                 ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which labels a coder gives each unit (units x labels, bool) and the coder's nominal code per unit."""
    coverage = np.zeros((len(starts), len(label_order)), dtype=np.int64)
    for index, label in enumerate(label_order):
        depth = np.zeros(text_length + 1, dtype=np.int64)
        for span in spans:
            if span.label == label:
                depth[span.start] += 1
                depth[span.end] -= 1
        # Characters covered by any span of the label, counted once even where spans of it overlap, so
        # that two spans splitting a word between them cover it as one span would.
        covered = np.concatenate(([0], np.cumsum(np.cumsum(depth[:-1]) > 0)))
        coverage[:, index] = covered[ends] - covered[starts]
    carries = 2 * coverage >= (ends - starts)[:, np.newaxis]
    # argmax takes the first of equal maxima, which is the label earlier in the label order.
    best = np.argmax(np.where(carries, coverage, -1), axis=1) if label_order else np.zeros(len(starts), np.int64)
    nominal = np.where(carries.any(axis=1), best + 1, _NONE).astype(np.int64)
    return carries, nominal


def _alpha(reliability: np.ndarray) -> float | None:
    """Nominal Krippendorff's alpha of a coders x units matrix of category codes, None when undefined."""
    # With fewer than two categories in the data alpha is 0/0: krippendorff raises for a one-value domain
    # and numpy warns about the division, so such data never reaches it.
    if np.unique(reliability).size < 2:
        return None
    return _finite(krippendorff.alpha(reliability_data=reliability, level_of_measurement="nominal"))


def _kappa(first: np.ndarray, second: np.ndarray) -> float | None:
    """Cohen's kappa of two coders' category codes over the same units, None when undefined."""
    # When both coders use one and the same category everywhere, chance agreement is 1 and kappa is 0/0:
    # scikit-learn then emits UndefinedMetricWarning, so that case is answered here instead.
    if np.unique(np.concatenate((first, second))).size < 2:
        return None
    return _finite(cohen_kappa_score(first, second))


def _finite(value: float) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None


def _disagreements(unit_ranges: list[tuple[int, int]], agreed: np.ndarray, coders: list[str],
                   carries: dict[str, np.ndarray], label_order: list[str]) -> list[Disagreement]:
    found: list[Disagreement] = []
    previous = None
    for index, (start, end) in enumerate(unit_ranges):
        if agreed[index]:
            previous = None
            continue
        given = {coder: [label for label, has in zip(label_order, carries[coder][index], strict=True) if has]
                 for coder in coders}
        if given == previous:
            found[-1].end = max(found[-1].end, end)
        else:
            found.append(Disagreement(start=start, end=end, labels=given))
            previous = given
    return found
