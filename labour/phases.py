"""Business-cycle phase of the labour market per period, in the four phases of the OECD's leading indicators.

The OECD reads its composite leading indicators (CLI) as a deviation from trend and names four phases:

    expansion  above trend and rising
    downturn   above trend and falling
    slowdown   below trend and falling
    recovery   below trend and rising

Here the cyclical indicator is a labour-market series (unemployment rate, vacancy rate or tightness),
quarterly, monthly or annual. Per contiguous run of the series: the seasonal pattern is removed with
STL when a quarterly or monthly series is not already seasonally adjusted, the trend is estimated with
the Hodrick-Prescott filter, and the gap (adjusted minus trend, with its sign turned so that a positive
gap is always a hotter market than trend) gives the level; the change of the gap from the previous
period gives the direction.

Annual series, such as the regional unemployment rate Eurostat publishes only per year (lfst_r_lfu3rt),
are never seasonally adjusted: an annual figure averages over all the seasons of its year, so there is
no seasonal pattern left to remove. Their HP lambda is 6.25 and their shortest run eight years (see
HP_LAMBDAS and MINIMUM_RUNS).

End-point problem: the HP filter is two-sided, so the trend at a period depends on the periods after
it. At the end of a run there are none, the trend follows the last observations closely and the gap
there is small and unreliable. The phases of the last few periods (roughly the last year of quarters
or months, the last two years or so of annual figures) are therefore provisional and are revised when
new data arrive; a page should say so next to the current phase. The first periods of a run have the
same weakness.

Every result carries its `PhaseMethod`, whose `version` is METHOD_VERSION, so a stored phase can be
traced to the rules and parameters that produced it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from statsmodels.tsa.filters.hp_filter import hpfilter
from statsmodels.tsa.seasonal import STL

from labour.series import ANNUAL, MONTHLY, QUARTERLY, check_finite, contiguous_runs, period_index, series_frequency

PHASES = ("expansion", "downturn", "slowdown", "recovery")
# Annual series were added without changing any quarterly or monthly result (the same methods, phases
# and explanations come out for them), so the version stayed "phase-1".
METHOD_VERSION = "phase-1"
FREQUENCIES = (ANNUAL, QUARTERLY, MONTHLY)

# +1 when a higher value means a hotter (tighter) labour market, -1 when it means a colder one.
INDICATOR_SIGNS = {"unemployment_rate": -1, "vacancy_rate": 1, "tightness": 1}

ALREADY_ADJUSTED = "none: already adjusted"
# The seasonal adjustment of every annual series. It is not ALREADY_ADJUSTED because nobody adjusted
# the figures: a year's figure averages over its seasons, so there is nothing to adjust.
ANNUAL_FIGURES = "none: annual figures"
# Only quarters and months have seasons for STL to remove.
SEASONAL_PERIODS = {QUARTERLY: 4, MONTHLY: 12}
TREND_FILTER = "HP"
# Ravn and Uhlig (2002): scale lambda with the fourth power of the observation frequency, 1600 for
# quarters (Hodrick and Prescott's value), 1600 * 3**4 = 129600 for months and 1600 / 4**4 = 6.25 for years.
HP_LAMBDAS = {ANNUAL: 6.25, QUARTERLY: 1600.0, MONTHLY: 129600.0}
# Quarters and months: two years; shorter runs give neither a seasonal pattern STL can estimate nor a
# trend worth the name. Years: eight. With lambda 6.25 the HP trend bends within a few years (an
# eight-year cycle keeps only about two thirds of its swing in the gap) and the first and last two years
# or so of a run lean on one side of the data; as a business cycle lasts some two to eight years, a
# regional series shorter than eight years holds at most one cycle read mostly from its provisional
# ends, and tells nothing about a cycle.
MINIMUM_RUNS = {ANNUAL: 8, QUARTERLY: 8, MONTHLY: 24}
# In the indicator's own unit per period, whatever the frequency. Rates are published to 0.1 percentage
# point, so a change of the gap by at most 0.01 point is noise and keeps the previous direction;
# tightness (a ratio usually between 0.05 and 1) is published to about three decimals, hence 0.001.
DIRECTION_TOLERANCES = {"unemployment_rate": 0.01, "vacancy_rate": 0.01, "tightness": 0.001}

# Where a point's direction came from (PhasePoint.direction_from).
FROM_CHANGE = "change"
FROM_PREVIOUS = "previous change"
FROM_NEXT = "next change"


def _stl_label(frequency: str) -> str:
    return f"STL period {SEASONAL_PERIODS[frequency]}"


def _check_frequency(frequency: str) -> None:
    if frequency not in FREQUENCIES:
        raise ValueError(f"frequency must be 'A', 'Q' or 'M', not {frequency!r}")


def _allowed_adjustments(frequency: str) -> tuple[str, ...]:
    if frequency == ANNUAL:
        return (ANNUAL_FIGURES,)
    return (ALREADY_ADJUSTED, _stl_label(frequency))


def _seasonal_adjustment(frequency: str, seasonally_adjusted: bool) -> str:
    """The seasonal adjustment a series of this frequency needs; for annual series the flag does not matter."""
    if frequency == ANNUAL:
        return ANNUAL_FIGURES
    return ALREADY_ADJUSTED if seasonally_adjusted else _stl_label(frequency)


def _check_indicator(indicator: str) -> None:
    if indicator not in INDICATOR_SIGNS:
        raise ValueError(f"indicator {indicator!r} is not one of {', '.join(sorted(INDICATOR_SIGNS))}")


@dataclass(frozen=True)
class PhaseMethod:
    """The rules and parameters a phase was computed with; stored with every result.

    seasonal_adjustment is "none: already adjusted" or "STL period 4" / "STL period 12" (robust STL with
    statsmodels' default smoothers) for quarters and months, and always "none: annual figures" for years,
    which have no seasons. direction_tolerance is in the indicator's unit: a change of the gap no larger
    than it keeps the previous direction, so noise does not flip the phase back and forth.
    Contiguous runs shorter than minimum_run periods get no phase at all.
    """

    version: str
    indicator: str
    sign: int
    frequency: str
    seasonal_adjustment: str
    trend_filter: str
    hp_lambda: float
    direction_tolerance: float
    minimum_run: int

    def __post_init__(self) -> None:
        _check_indicator(self.indicator)
        if self.sign != INDICATOR_SIGNS[self.indicator]:
            raise ValueError(f"the sign of {self.indicator} is {INDICATOR_SIGNS[self.indicator]:+d}, not {self.sign!r}")
        _check_frequency(self.frequency)
        allowed = _allowed_adjustments(self.frequency)
        if self.seasonal_adjustment not in allowed:
            why = "annual figures have no seasons to adjust: " if self.frequency == ANNUAL else ""
            raise ValueError(f"{why}seasonal adjustment must be one of {allowed}, not {self.seasonal_adjustment!r}")
        if self.trend_filter != TREND_FILTER:
            raise ValueError(f"the only trend filter is {TREND_FILTER!r}, not {self.trend_filter!r}")
        if not math.isfinite(self.hp_lambda) or self.hp_lambda <= 0:
            raise ValueError(f"the HP lambda must be a positive number, not {self.hp_lambda!r}")
        if not math.isfinite(self.direction_tolerance) or self.direction_tolerance < 0:
            raise ValueError(f"the direction tolerance must be at least 0, not {self.direction_tolerance!r}")
        # STL needs two full seasonal cycles; the HP filter needs a few points to tell trend from cycle.
        shortest = 2 * SEASONAL_PERIODS[self.frequency] if self.adjusts_seasons else 4
        if self.minimum_run < shortest:
            raise ValueError(f"the minimum run must be at least {shortest} periods here, not {self.minimum_run}")

    @property
    def adjusts_seasons(self) -> bool:
        return self.seasonal_adjustment not in (ALREADY_ADJUSTED, ANNUAL_FIGURES)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PhaseMethod:
        return cls(**data)


def default_method(
    indicator: str,
    frequency: str,
    *,
    seasonally_adjusted: bool,
    direction_tolerance: float | None = None,
    minimum_run: int | None = None,
) -> PhaseMethod:
    """The method of this version for an indicator and frequency ('A', 'Q' or 'M'), with the documented defaults.

    `seasonally_adjusted` chooses between no adjustment and STL for quarters and months. For years it
    makes no difference: annual figures carry no seasonality, and the adjustment is ANNUAL_FIGURES.
    """
    _check_indicator(indicator)
    _check_frequency(frequency)
    return PhaseMethod(
        version=METHOD_VERSION,
        indicator=indicator,
        sign=INDICATOR_SIGNS[indicator],
        frequency=frequency,
        seasonal_adjustment=_seasonal_adjustment(frequency, seasonally_adjusted),
        trend_filter=TREND_FILTER,
        hp_lambda=HP_LAMBDAS[frequency],
        direction_tolerance=DIRECTION_TOLERANCES[indicator] if direction_tolerance is None else direction_tolerance,
        minimum_run=MINIMUM_RUNS[frequency] if minimum_run is None else minimum_run,
    )


@dataclass(frozen=True)
class PhasePoint:
    """The phase of one period with the figures it was read from.

    value is the figure as published; adjusted is it after seasonal adjustment (equal to value when the
    series was already adjusted); trend is the HP trend of adjusted, in the indicator's unit; gap is
    (adjusted - trend) * sign, positive when the market is hotter than trend; change is the gap minus the
    previous period's gap, None for the first period of a run. direction_from tells whether the direction
    comes from this change, was kept from the previous one (change within the tolerance), or was taken
    from the next change beyond the tolerance (start of a run).
    """

    period: str
    phase: str
    value: float
    adjusted: float
    trend: float
    gap: float
    change: float | None
    method: PhaseMethod
    direction_from: str = FROM_CHANGE

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def directions(changes: Sequence[float | None], tolerance: float) -> list[str | None]:
    """'rising' or 'falling' per position, from the changes of a gap over one contiguous run.

    A change whose size is at most `tolerance` (and a missing change, None) keeps the previous direction.
    Positions before the first change beyond the tolerance, the first point of a run among them, take
    that first change's direction: the HP gap is smooth, so the direction at the start of a run is best
    read from where it goes next. Every position is None when no change exceeds the tolerance.
    """
    result: list[str | None] = []
    current: str | None = None
    for change in changes:
        if change is not None and abs(change) > tolerance:
            current = "rising" if change > 0 else "falling"
        result.append(current)
    first = next((index for index, direction in enumerate(result) if direction is not None), None)
    if first is None:
        return result
    return [result[first]] * first + result[first:]


def phase_of(gap: float, direction: str) -> str:
    """The OECD phase of a gap (positive: above trend) and a direction ('rising' or 'falling').

    A gap of exactly 0 counts as below trend, as the OECD calls a phase above trend only above 100.
    """
    if direction not in ("rising", "falling"):
        raise ValueError(f"direction must be 'rising' or 'falling', not {direction!r}")
    if gap > 0:
        return "expansion" if direction == "rising" else "downturn"
    return "recovery" if direction == "rising" else "slowdown"


def _check_fits(method: PhaseMethod, indicator: str, frequency: str, seasonally_adjusted: bool) -> None:
    if method.version != METHOD_VERSION:
        raise ValueError(f"this code implements method {METHOD_VERSION!r}, not {method.version!r}")
    if method.indicator != indicator:
        raise ValueError(f"the method is for {method.indicator!r}, the series is {indicator!r}")
    if method.frequency != frequency:
        raise ValueError(f"the method is for frequency {method.frequency!r}, the series is {frequency!r}")
    expected = _seasonal_adjustment(frequency, seasonally_adjusted)
    if method.seasonal_adjustment != expected:
        # Only quarters and months get here: an annual method can only say ANNUAL_FIGURES.
        raise ValueError(
            f"the method's seasonal adjustment {method.seasonal_adjustment!r} does not fit a series that is "
            f"{'already' if seasonally_adjusted else 'not'} seasonally adjusted (expected {expected!r})"
        )


def _classify_run(run: Mapping[str, float], method: PhaseMethod) -> list[PhasePoint]:
    periods = list(run)
    values = np.array([float(run[period]) for period in periods])
    if method.adjusts_seasons:
        seasonal = STL(values, period=SEASONAL_PERIODS[method.frequency], robust=True).fit().seasonal
        adjusted = values - np.asarray(seasonal)
    else:
        adjusted = values.copy()
    _cycle, trend = hpfilter(adjusted, lamb=method.hp_lambda)
    trend = np.asarray(trend, dtype=float)
    gaps = method.sign * (adjusted - trend)
    changes: list[float | None] = [None] + [float(gaps[i] - gaps[i - 1]) for i in range(1, len(gaps))]
    run_directions = directions(changes, method.direction_tolerance)
    points: list[PhasePoint] = []
    seen_decisive = False
    for index, period in enumerate(periods):
        direction = run_directions[index]
        if direction is None:
            continue
        change = changes[index]
        if change is not None and abs(change) > method.direction_tolerance:
            source = FROM_CHANGE
            seen_decisive = True
        else:
            source = FROM_PREVIOUS if seen_decisive else FROM_NEXT
        points.append(
            PhasePoint(
                period=period,
                phase=phase_of(float(gaps[index]), direction),
                value=float(values[index]),
                adjusted=float(adjusted[index]),
                trend=float(trend[index]),
                gap=float(gaps[index]),
                change=change,
                method=method,
                direction_from=source,
            )
        )
    return points


def classify(
    series: Mapping[str, float],
    *,
    indicator: str,
    seasonally_adjusted: bool,
    method: PhaseMethod | None = None,
) -> list[PhasePoint]:
    """The phase of every period of the series that can be classified, in period order.

    The series is split at every gap and each contiguous run is treated on its own, so no filter ever
    bridges a gap; runs shorter than the method's minimum_run get no phase. STL is applied only to a
    quarterly or monthly series whose `seasonally_adjusted` is false; an annual series is never adjusted,
    whatever the flag says, as its figures carry no seasons. The first point of a run has no previous
    change and takes the direction of the first change beyond the tolerance (see `directions`); a run in
    which no change exceeds the tolerance gets no phase. `method` defaults to `default_method` for the
    indicator and the series' frequency; a given method must fit both and the seasonal adjustment.

    The last few phases of a run are provisional: see the module's note on the HP end-point problem.
    ValueError for an unknown indicator, a series mixing years, quarters or months, or a value that is
    not a finite number.
    """
    _check_indicator(indicator)
    check_finite(series, indicator)
    frequency = series_frequency(series)
    if frequency is None:
        return []
    if method is None:
        method = default_method(indicator, frequency, seasonally_adjusted=seasonally_adjusted)
    else:
        _check_fits(method, indicator, frequency, seasonally_adjusted)
    points: list[PhasePoint] = []
    for run in contiguous_runs(series):
        if len(run) >= method.minimum_run:
            points.extend(_classify_run(run, method))
    return points


def current_phase(points: Sequence[PhasePoint]) -> PhasePoint | None:
    """The point of the latest period, None without points; its phase is provisional (HP end point)."""
    if not points:
        return None
    return max(points, key=lambda point: period_index(point.period))


def explain(point: PhasePoint) -> dict[str, Any]:
    """The inputs and thresholds behind a point's phase, for a page to cite."""
    method = point.method
    direction = "rising" if point.phase in ("expansion", "recovery") else "falling"
    level = "above trend" if point.gap > 0 else "at or below trend"
    if point.direction_from == FROM_CHANGE:
        direction_reason = f"change {point.change:+.4g} beyond the tolerance {method.direction_tolerance:g}"
    elif point.direction_from == FROM_PREVIOUS:
        direction_reason = (
            f"change {point.change:+.4g} within the tolerance {method.direction_tolerance:g}: previous direction kept"
        )
    else:
        direction_reason = "start of a run: direction of the next change beyond the tolerance"
    return {
        "period": point.period,
        "phase": point.phase,
        "indicator": method.indicator,
        "sign": method.sign,
        "value": point.value,
        "adjusted": point.adjusted,
        "trend": point.trend,
        "gap": point.gap,
        "change": point.change,
        "level": level,
        "direction": direction,
        "direction_from": point.direction_from,
        "reading": f"gap {point.gap:+.4g} ({level}), {direction} ({direction_reason}): {point.phase}",
        "thresholds": {
            "gap": 0.0,
            "direction_tolerance": method.direction_tolerance,
            "minimum_run": method.minimum_run,
        },
        "method_version": method.version,
        "method": method.as_dict(),
        "provisional_note": "HP trend: the last phases of a run are revised when new data arrive",
    }
