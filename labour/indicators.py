"""Labour-market indicators over plain series: quarterly means, tightness, the Beveridge curve, mismatch.

Every function is pure: it takes mappings period -> value (see `labour.series`) and returns new ones.
Periods absent from an input stay absent from the output; nothing is interpolated or estimated.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from labour.series import (
    MONTHLY,
    check_finite,
    frequency,
    is_finite_number,
    period_index,
    quarter_of,
    series_frequency,
)

QUARTERLY_MEAN_METHOD = "mean of the three months"

# Results are rounded to this many decimals only to remove binary floating-point noise
# (5.0, 5.3 and 5.6 average to 5.299999999999999 otherwise); published figures carry one or two.
_NOISE_DECIMALS = 10

MOVE_KINDS = ("along_recovery", "along_downturn", "shift_out", "shift_in", "still")
_SHIFT_KINDS = ("shift_out", "shift_in")


def _clean(value: float) -> float:
    return round(float(value), _NOISE_DECIMALS)


def _check_non_negative(series: Mapping[str, float], name: str) -> None:
    check_finite(series, name)
    for period, value in series.items():
        if value < 0:
            raise ValueError(f"{name}: the value for {period} is {value}, a rate cannot be negative")


def _common_periods(first: Mapping[str, float], second: Mapping[str, float], names: tuple[str, str]) -> list[str]:
    """Periods present in both series, in period order; ValueError when their frequencies differ."""
    first_kind, second_kind = series_frequency(first), series_frequency(second)
    if first_kind is not None and second_kind is not None and first_kind != second_kind:
        raise ValueError(
            f"{names[0]} and {names[1]} have different frequencies; "
            "make the monthly one quarterly first (quarterly_from_monthly)"
        )
    return sorted(set(first) & set(second), key=period_index)


# -- Frequencies ----------------------------------------------------------------------------------


def quarterly_from_monthly(monthly: Mapping[str, float]) -> dict[str, float]:
    """Quarterly values as the mean of the three months, for quarters whose three months are all present.

    A quarter with a month missing is absent from the result rather than estimated from two months:
    a two-month mean would be a different statistic and would look like a published figure.
    """
    check_finite(monthly, "monthly series")
    months_by_quarter: dict[str, list[float]] = defaultdict(list)
    for period, value in monthly.items():
        if frequency(period) != MONTHLY:
            raise ValueError(f"period {period!r} is not a month like '2021-07'")
        months_by_quarter[quarter_of(period)].append(float(value))
    complete = {quarter: values for quarter, values in months_by_quarter.items() if len(values) == 3}
    return {quarter: _clean(sum(complete[quarter]) / 3) for quarter in sorted(complete, key=period_index)}


# -- Tightness and the Beveridge curve -------------------------------------------------------------


def tightness(vacancy_rate: Mapping[str, float], unemployment_rate: Mapping[str, float]) -> dict[str, float]:
    """Labour-market tightness v/u, the vacancy rate over the unemployment rate, per period.

    Only periods present in both series are kept, and only those with an unemployment rate above zero
    (the ratio is undefined there). Both series must have the same frequency.
    """
    _check_non_negative(vacancy_rate, "vacancy rate")
    _check_non_negative(unemployment_rate, "unemployment rate")
    periods = _common_periods(vacancy_rate, unemployment_rate, ("vacancy rate", "unemployment rate"))
    return {
        period: _clean(vacancy_rate[period] / unemployment_rate[period])
        for period in periods
        if unemployment_rate[period] > 0
    }


@dataclass(frozen=True)
class BeveridgePoint:
    """One period on the Beveridge curve: unemployment rate on the x axis, vacancy rate on the y axis."""

    period: str
    unemployment: float
    vacancy: float


def beveridge_path(vacancy_rate: Mapping[str, float], unemployment_rate: Mapping[str, float]) -> list[BeveridgePoint]:
    """The (u, v) points of the periods present in both series, in period order."""
    _check_non_negative(vacancy_rate, "vacancy rate")
    _check_non_negative(unemployment_rate, "unemployment rate")
    periods = _common_periods(vacancy_rate, unemployment_rate, ("vacancy rate", "unemployment rate"))
    return [BeveridgePoint(period, float(unemployment_rate[period]), float(vacancy_rate[period])) for period in periods]


@dataclass(frozen=True)
class CurveMove:
    """The move on the Beveridge curve from one period to the next.

    du and dv are the changes of the unemployment and vacancy rates (in their units, usually percentage
    points); kind is one of MOVE_KINDS, see `curve_moves`.
    """

    start: str
    end: str
    du: float
    dv: float
    kind: str


def _move_kind(du: float, dv: float, tolerance: float) -> str:
    # A change within the tolerance counts as no change.
    u_sign = 0 if abs(du) <= tolerance else (1 if du > 0 else -1)
    v_sign = 0 if abs(dv) <= tolerance else (1 if dv > 0 else -1)
    if u_sign == 0 and v_sign == 0:
        return "still"
    if u_sign == v_sign:
        return "shift_out" if u_sign > 0 else "shift_in"
    # Opposite signs, or only one rate moved: read as a move along a stable curve. A shift is only
    # claimed when both rates move beyond the tolerance in the same direction.
    return "along_recovery" if u_sign < 0 or v_sign > 0 else "along_downturn"


def curve_moves(path: Sequence[BeveridgePoint], tolerance: float = 0.05) -> list[CurveMove]:
    """The moves between consecutive points of a Beveridge path that are consecutive periods.

    The textbook reading (Pissarides; Blanchard and Diamond): the Beveridge curve slopes down, so over
    the business cycle the economy moves *along* it. Unemployment falling while vacancies rise is a
    recovery (the market tightens), the reverse a downturn; both are cyclical. Both rates rising at once
    moves the economy *off* the curve, outwards: more vacancies stay open for the same unemployment,
    which points to worse matching efficiency (a structural change: skills or regional mismatch, search
    intensity). Both falling is an inward shift, better matching.

    Kinds, with a change of at most `tolerance` (in the rates' units) counting as no change:
      - "along_recovery": u falls and v rises, or only one of them moves in that direction;
      - "along_downturn": u rises and v falls, or only one of them moves in that direction;
      - "shift_out": both rise beyond the tolerance;
      - "shift_in": both fall beyond the tolerance;
      - "still": both changes are within the tolerance.

    A single period's co-movement is a signal, not proof of a shift: rates are sampled with error,
    vacancies react faster than unemployment so the path loops anticlockwise around the curve in a
    cycle, and only shift moves that persist over several periods (see `net_shift`) suggest a
    structural change.

    A gap in the path breaks it: no move is produced between two points that are not consecutive periods.
    """
    if not math.isfinite(tolerance) or tolerance < 0:
        raise ValueError(f"tolerance must be a finite number of at least 0, not {tolerance!r}")
    moves: list[CurveMove] = []
    for before, after in zip(path, path[1:], strict=False):
        if frequency(before.period) != frequency(after.period):
            raise ValueError(f"the path mixes quarters and months ({before.period}, {after.period})")
        if period_index(after.period) != period_index(before.period) + 1:
            continue
        du = _clean(after.unemployment - before.unemployment)
        dv = _clean(after.vacancy - before.vacancy)
        moves.append(CurveMove(before.period, after.period, du, dv, _move_kind(du, dv, tolerance)))
    return moves


@dataclass(frozen=True)
class ShiftSummary:
    """How many of the moves over the last `window` periods of a path were shifts of the curve.

    moves counts the moves available in the window (fewer than `window` when the path has gaps);
    share is (shift_out + shift_in) / moves and net is (shift_out - shift_in) / moves, both None
    without any move. A positive net means the curve tended to move out (matching got worse).
    """

    window: int
    last_period: str | None
    moves: int
    shift_out: int
    shift_in: int
    share: float | None
    net: float | None


def net_shift(path: Sequence[BeveridgePoint], window: int = 4, tolerance: float = 0.05) -> ShiftSummary:
    """Summary of the shift moves that end in the last `window` periods of the path (see `curve_moves`)."""
    if window < 1:
        raise ValueError(f"window must be at least 1 period, not {window}")
    if not path:
        return ShiftSummary(window, None, 0, 0, 0, None, None)
    last = max(path, key=lambda point: period_index(point.period)).period
    first_end = period_index(last) - window + 1
    recent = [move for move in curve_moves(path, tolerance) if period_index(move.end) >= first_end]
    if not recent:
        return ShiftSummary(window, last, 0, 0, 0, None, None)
    outward = sum(move.kind == "shift_out" for move in recent)
    inward = sum(move.kind == "shift_in" for move in recent)
    count = len(recent)
    return ShiftSummary(
        window, last, count, outward, inward, _clean((outward + inward) / count), _clean((outward - inward) / count)
    )


# -- Mismatch --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MismatchIndex:
    """The mismatch index with what it was computed from, so a page can cite the elasticity and segments.

    segments are the segments present in both inputs, in sorted order; left_out those present in only one.
    """

    value: float
    elasticity: float
    segments: tuple[str, ...]
    vacancies_total: float
    unemployed_total: float
    left_out: tuple[str, ...] = ()


def _check_levels(levels: Mapping[str, float], name: str) -> None:
    if not levels:
        raise ValueError(f"{name}: no segment given")
    for segment, value in levels.items():
        if not is_finite_number(value):
            raise ValueError(f"{name}: the value for segment {segment!r} is {value!r}, not a finite number")
        if value < 0:
            raise ValueError(f"{name}: the value for segment {segment!r} is {value}, a count cannot be negative")


def mismatch_index(
    vacancies: Mapping[str, float], unemployed: Mapping[str, float], elasticity: float = 0.5
) -> MismatchIndex:
    """Mismatch index of Sahin, Song, Topa and Violante (2014, AEJ: Macroeconomics), for one period.

        M = 1 - sum_i (v_i / V)^a (u_i / U)^(1 - a)

    over segments i (regions or occupations) given as levels (counts of vacancies and of unemployed
    people, not rates), with V and U the totals over the segments present in both mappings and a the
    elasticity of matches with respect to vacancies in the matching function. M is 0 when vacancies
    and unemployment are distributed alike over the segments and approaches 1 as they sit in different
    segments; it is the share of hires lost because job seekers search in the wrong segments.
    Sahin et al. use a = 0.5 as the benchmark, the default here.
    """
    if not is_finite_number(elasticity) or not 0 < elasticity < 1:
        raise ValueError(f"elasticity must be strictly between 0 and 1, not {elasticity!r}")
    _check_levels(vacancies, "vacancies")
    _check_levels(unemployed, "unemployed")
    segments = tuple(sorted(set(vacancies) & set(unemployed)))
    if not segments:
        raise ValueError("no segment is present in both the vacancies and the unemployed")
    left_out = tuple(sorted(set(vacancies) ^ set(unemployed)))
    vacancies_total = float(sum(vacancies[segment] for segment in segments))
    unemployed_total = float(sum(unemployed[segment] for segment in segments))
    if vacancies_total == 0:
        raise ValueError("the vacancies total zero over the common segments; the index is undefined")
    if unemployed_total == 0:
        raise ValueError("the unemployed total zero over the common segments; the index is undefined")
    matched = sum(
        (vacancies[segment] / vacancies_total) ** elasticity
        * (unemployed[segment] / unemployed_total) ** (1 - elasticity)
        for segment in segments
    )
    return MismatchIndex(
        value=_clean(1 - matched),
        elasticity=float(elasticity),
        segments=segments,
        vacancies_total=vacancies_total,
        unemployed_total=unemployed_total,
        left_out=left_out,
    )
