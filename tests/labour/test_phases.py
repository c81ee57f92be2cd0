"""Business-cycle phases on synthetic cycles whose phases are known in advance."""

from __future__ import annotations

import json
import math

import pytest

from labour.phases import (
    METHOD_VERSION,
    PHASES,
    PhaseMethod,
    classify,
    current_phase,
    default_method,
    directions,
    explain,
    phase_of,
)
from labour.series import next_period

CYCLE = 20  # quarters
# Offsets within a cycle of the sine sin(2*pi*t/20) where the phase is unambiguous (away from the
# turning points at 0, 5, 10 and 15): rising above trend, falling above, falling below, rising below.
EXPECTED = {2: "expansion", 3: "expansion", 7: "downturn", 8: "downturn", 12: "slowdown", 13: "slowdown"}
EXPECTED |= {17: "recovery", 18: "recovery"}
# Quarters of a season pattern, summing to zero over the year.
SEASON = (0.4, -0.1, -0.5, 0.2)


def periods(count: int, start: str = "2000-Q1") -> list[str]:
    out = [start]
    while len(out) < count:
        out.append(next_period(out[-1]))
    return out


def cycle_series(count: int, *, level: float, slope: float, amplitude: float, season=None, start="2000-Q1"):
    """level + slope*t + amplitude*sin(2*pi*t/20) (+ the season of the quarter) for t = 0 .. count-1."""
    return {
        period: level
        + slope * t
        + amplitude * math.sin(2 * math.pi * t / CYCLE)
        + (season[t % len(season)] if season else 0.0)
        for t, period in enumerate(periods(count, start))
    }


def assert_oecd_order(phases: list[str]) -> None:
    """Each change of phase goes to the next phase in the OECD order (expansion -> downturn -> ...)."""
    changes = [phase for index, phase in enumerate(phases) if index == 0 or phase != phases[index - 1]]
    for before, after in zip(changes, changes[1:], strict=False):
        assert PHASES.index(after) == (PHASES.index(before) + 1) % 4, changes
    assert set(changes) == set(PHASES)


def assert_expected_phases(points, first: int, last: int) -> None:
    """The phases at the unambiguous offsets, for t in [first, last] (end-point effects left out)."""
    by_t = dict(enumerate(point.phase for point in points))
    checked = {t: by_t[t] for t in range(first, last + 1) if t % CYCLE in EXPECTED}
    assert checked == {t: EXPECTED[t % CYCLE] for t in checked}
    assert len(checked) >= 16


# -- The synthetic cycle ----------------------------------------------------------------------------


def test_vacancy_rate_cycle_on_a_trend():
    # Three cycles of 20 quarters on a rising linear trend; HP with lambda 1600 keeps ~94% of a
    # 20-quarter cycle in the gap (1 - 1/(1 + 1600*(2*sin(pi/20))**4) = 1 - 1/16.3).
    series = cycle_series(60, level=2.0, slope=0.01, amplitude=1.0)
    points = classify(series, indicator="vacancy_rate", seasonally_adjusted=True)
    assert [point.period for point in points] == list(series)
    assert_expected_phases(points, first=2, last=55)
    assert_oecd_order([point.phase for point in points[2:56]])
    middle = points[20:40]
    # In the middle cycle the gap follows the sine closely: its peak at t = 25 is ~0.94.
    assert max(point.gap for point in middle) == pytest.approx(0.94, abs=0.05)
    assert min(point.gap for point in middle) == pytest.approx(-0.94, abs=0.05)


def test_unemployment_is_read_with_its_sign_turned():
    # Unemployment below trend is a hot market: 8 - sin(...) has the phases of +sin(...).
    series = cycle_series(60, level=8.0, slope=-0.02, amplitude=-1.0)
    points = classify(series, indicator="unemployment_rate", seasonally_adjusted=True)
    assert_expected_phases(points, first=2, last=55)
    assert_oecd_order([point.phase for point in points[2:56]])
    for point in points:
        # gap = (adjusted - trend) * sign, with sign -1 for unemployment
        assert point.gap == pytest.approx(-(point.adjusted - point.trend), abs=1e-12)
        assert point.method.sign == -1


def test_seasonal_series_is_adjusted_with_stl():
    series = cycle_series(60, level=2.0, slope=0.01, amplitude=1.0, season=SEASON)
    points = classify(series, indicator="vacancy_rate", seasonally_adjusted=False)
    assert points[0].method.seasonal_adjustment == "STL period 4"
    assert_expected_phases(points, first=2, last=55)
    assert_oecd_order([point.phase for point in points[2:56]])
    # The value is kept as published, the adjusted value has the season removed: at t = 21 (Q2,
    # season -0.1) the published value is 2 + 0.21 + sin(2*pi/20) - 0.1 and the adjusted one ~0.1 higher.
    point = points[21]
    published = 2.0 + 0.21 + math.sin(2 * math.pi / CYCLE) - 0.1
    assert point.value == pytest.approx(published, abs=1e-12)
    assert point.adjusted - point.value == pytest.approx(0.1, abs=0.03)


def test_without_adjustment_the_season_would_flip_the_phases():
    # The same series read as if already adjusted: the quarterly season makes the direction flip.
    series = cycle_series(60, level=2.0, slope=0.01, amplitude=1.0, season=SEASON)
    as_if_adjusted = classify(series, indicator="vacancy_rate", seasonally_adjusted=True)
    with_stl = classify(series, indicator="vacancy_rate", seasonally_adjusted=False)
    assert all(point.adjusted == point.value for point in as_if_adjusted)

    def phase_changes(points):
        return sum(a.phase != b.phase for a, b in zip(points, points[1:], strict=False))

    # Three cycles have 4 phase changes each, so about 12 (11 to 13 with the ends); the season left in
    # adds a change almost every quarter.
    assert 11 <= phase_changes(with_stl) <= 13
    assert phase_changes(as_if_adjusted) > 25


def test_monthly_cycle_uses_the_monthly_lambda():
    # A 60-month cycle over 180 months; lambda 129600 (Ravn and Uhlig: 1600 * 3**4).
    months = []
    period = "2000-01"
    for _ in range(180):
        months.append(period)
        period = next_period(period)
    series = {p: 5.0 + math.sin(2 * math.pi * t / 60) for t, p in enumerate(months)}
    points = classify(series, indicator="vacancy_rate", seasonally_adjusted=True)
    assert points[0].method.hp_lambda == 129600.0
    assert points[0].method.minimum_run == 24
    by_t = {t: point.phase for t, point in enumerate(points)}
    # Within the middle cycle (t = 60 .. 119): quarter points of the sine at 67, 82, 97, 112.
    assert (by_t[67], by_t[82], by_t[97], by_t[112]) == ("expansion", "downturn", "slowdown", "recovery")
    assert_oecd_order([point.phase for point in points[6:174]])


# -- Runs, gaps and edge cases ----------------------------------------------------------------------


def test_a_gap_splits_the_runs_and_a_short_run_gets_no_phase():
    first = cycle_series(40, level=2.0, slope=0.0, amplitude=1.0)  # 2000-Q1 .. 2009-Q4
    # 2010-Q1 is missing; 2010-Q2 .. 2011-Q4 is 7 quarters, one short of the minimum run of 8.
    short = cycle_series(7, level=9.0, slope=0.0, amplitude=1.0, start="2010-Q2")
    points = classify(first | short, indicator="vacancy_rate", seasonally_adjusted=True)
    assert [point.period for point in points] == list(first)
    # The first run is classified exactly as on its own: nothing from after the gap leaks into it.
    assert points == classify(first, indicator="vacancy_rate", seasonally_adjusted=True)


def test_a_run_of_exactly_the_minimum_length_is_classified():
    run = cycle_series(8, level=2.0, slope=0.0, amplitude=1.0)
    assert len(classify(run, indicator="vacancy_rate", seasonally_adjusted=True)) == 8
    run.pop("2001-Q4")
    assert classify(run, indicator="vacancy_rate", seasonally_adjusted=True) == []


def test_first_point_takes_the_next_change_direction_and_has_no_change():
    series = cycle_series(40, level=2.0, slope=0.0, amplitude=1.0)
    points = classify(series, indicator="vacancy_rate", seasonally_adjusted=True)
    first, second = points[0], points[1]
    assert first.change is None
    assert first.direction_from == "next change"
    assert second.change == pytest.approx(second.gap - first.gap, abs=1e-12)
    # Both rising, so their phases share the direction: recovery or expansion.
    assert {first.phase, second.phase} <= {"recovery", "expansion"}


def test_a_straight_line_has_no_cycle_and_no_phase():
    # The HP trend of a straight line is the line itself: every gap and change is ~0, within the tolerance.
    series = {period: 3.0 + 0.1 * t for t, period in enumerate(periods(20))}
    assert classify(series, indicator="vacancy_rate", seasonally_adjusted=True) == []


def test_a_large_tolerance_keeps_directions_from_changing():
    series = cycle_series(40, level=2.0, slope=0.0, amplitude=1.0)
    method = default_method("vacancy_rate", "Q", seasonally_adjusted=True, direction_tolerance=10.0)
    assert classify(series, indicator="vacancy_rate", seasonally_adjusted=True, method=method) == []


def test_mixed_frequencies_and_bad_values_are_rejected():
    with pytest.raises(ValueError, match="mixes quarters and months"):
        classify({"2021-Q1": 1.0, "2021-04": 1.0}, indicator="vacancy_rate", seasonally_adjusted=True)
    with pytest.raises(ValueError, match="2021-Q1 is nan"):
        classify({"2021-Q1": math.nan}, indicator="vacancy_rate", seasonally_adjusted=True)
    with pytest.raises(ValueError, match="indicator 'jobs' is not one of"):
        classify({"2021-Q1": 1.0}, indicator="jobs", seasonally_adjusted=True)
    assert classify({}, indicator="tightness", seasonally_adjusted=True) == []


def test_a_method_must_fit_the_series():
    series = cycle_series(12, level=2.0, slope=0.0, amplitude=1.0)
    monthly = default_method("vacancy_rate", "M", seasonally_adjusted=True)
    with pytest.raises(ValueError, match="the method is for frequency 'M', the series is 'Q'"):
        classify(series, indicator="vacancy_rate", seasonally_adjusted=True, method=monthly)
    adjusted = default_method("vacancy_rate", "Q", seasonally_adjusted=True)
    with pytest.raises(ValueError, match="does not fit a series that is not seasonally adjusted"):
        classify(series, indicator="vacancy_rate", seasonally_adjusted=False, method=adjusted)
    with pytest.raises(ValueError, match="the method is for 'vacancy_rate', the series is 'tightness'"):
        classify(series, indicator="tightness", seasonally_adjusted=True, method=adjusted)


def test_phase_method_defaults_and_validation():
    method = default_method("unemployment_rate", "Q", seasonally_adjusted=False)
    assert method.as_dict() == {
        "version": METHOD_VERSION,
        "indicator": "unemployment_rate",
        "sign": -1,
        "frequency": "Q",
        "seasonal_adjustment": "STL period 4",
        "trend_filter": "HP",
        "hp_lambda": 1600.0,
        "direction_tolerance": 0.01,
        "minimum_run": 8,
    }
    assert PhaseMethod.from_dict(json.loads(json.dumps(method.as_dict()))) == method
    assert default_method("tightness", "M", seasonally_adjusted=True).seasonal_adjustment == "none: already adjusted"
    with pytest.raises(ValueError, match="the sign of unemployment_rate is -1, not 1"):
        PhaseMethod(**(method.as_dict() | {"sign": 1}))
    with pytest.raises(ValueError, match="the minimum run must be at least 8 periods here, not 6"):
        default_method("vacancy_rate", "Q", seasonally_adjusted=False, minimum_run=6)
    with pytest.raises(ValueError, match="seasonal adjustment must be one of"):
        PhaseMethod(**(method.as_dict() | {"seasonal_adjustment": "STL period 12"}))


# -- Directions, phases, explanation ----------------------------------------------------------------


def test_directions_keep_the_previous_one_within_the_tolerance():
    # tolerance 0.1: None and 0.05 come before the first decisive change (+0.3) and take it;
    # -0.05 is within the tolerance and keeps "rising"; -0.2 turns it to "falling"; +0.1 is not beyond.
    changes = [None, 0.05, 0.3, -0.05, -0.2, 0.1]
    assert directions(changes, 0.1) == ["rising", "rising", "rising", "rising", "falling", "falling"]
    assert directions([None, 0.05, -0.05], 0.1) == [None, None, None]


def test_phase_of_level_and_direction():
    assert [phase_of(0.5, "rising"), phase_of(0.5, "falling"), phase_of(-0.5, "falling"), phase_of(-0.5, "rising")] == [
        "expansion",
        "downturn",
        "slowdown",
        "recovery",
    ]
    # A gap of exactly 0 is not above trend.
    assert phase_of(0.0, "rising") == "recovery"
    with pytest.raises(ValueError, match="direction must be 'rising' or 'falling'"):
        phase_of(0.5, "flat")


def test_current_phase_and_explain():
    series = cycle_series(60, level=2.0, slope=0.01, amplitude=1.0)
    points = classify(series, indicator="vacancy_rate", seasonally_adjusted=True)
    assert current_phase([]) is None
    latest = current_phase(list(reversed(points)))
    assert latest is points[-1]
    assert latest.period == "2014-Q4"
    middle = points[22]  # t = 22: above trend and rising
    facts = explain(middle)
    assert facts["phase"] == "expansion"
    assert (facts["indicator"], facts["method_version"], facts["level"], facts["direction"]) == (
        "vacancy_rate",
        "phase-1",
        "above trend",
        "rising",
    )
    assert facts["gap"] == middle.gap > 0
    assert facts["change"] == middle.change > 0.01
    assert facts["thresholds"] == {"gap": 0.0, "direction_tolerance": 0.01, "minimum_run": 8}
    assert facts["reading"].endswith(": expansion")
    assert json.loads(json.dumps(middle.as_dict()))["method"]["hp_lambda"] == 1600.0
