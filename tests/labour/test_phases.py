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
    with pytest.raises(ValueError, match="mixes years and quarters"):
        classify({"2020": 1.0, "2021-Q1": 1.0}, indicator="unemployment_rate", seasonally_adjusted=True)
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


# -- Annual series ----------------------------------------------------------------------------------
#
# A regional unemployment rate published only per year (Eurostat's lfst_r_lfu3rt). The stylised cycle
# lasts 8 years: with lambda 6.25 the HP gap keeps 1 - 1/(1 + 6.25*(2*sin(pi/8))**4) = 68% of it, and
# the gap follows the sine sin(2*pi*t/8) of the hot market (unemployment below trend). The direction is
# the change from the year before, so at the peak (offset 2) the gap has still risen and at the trough
# (offset 6) it has still fallen. Unambiguous offsets within a cycle, away from the zero crossings at 0
# and 4, where the gap is about 0 and its sign is decided by the filter's rounding:
ANNUAL_CYCLE = 8  # years
ANNUAL_EXPECTED = {1: "expansion", 2: "expansion", 3: "downturn", 5: "slowdown", 6: "slowdown", 7: "recovery"}


def years(count: int, start: str = "2008") -> list[str]:
    out = [start]
    while len(out) < count:
        out.append(next_period(out[-1]))
    return out


def annual_unemployment(count: int, start: str = "2008") -> dict[str, float]:
    """8 - 0.05*t - 1.5*sin(2*pi*t/8) for t = 0 .. count-1: unemployment that falls when the market heats."""
    return {
        year: 8.0 - 0.05 * t - 1.5 * math.sin(2 * math.pi * t / ANNUAL_CYCLE)
        for t, year in enumerate(years(count, start))
    }


def test_annual_unemployment_cycle_gives_the_phases_in_order():
    series = annual_unemployment(16)  # 2008 .. 2023, two cycles
    points = classify(series, indicator="unemployment_rate", seasonally_adjusted=True)
    assert [point.period for point in points] == list(series)
    method = points[0].method
    assert (method.frequency, method.hp_lambda, method.minimum_run) == ("A", 6.25, 8)
    assert method.seasonal_adjustment == "none: annual figures"
    assert all(point.adjusted == point.value for point in points)
    # The first and last two years are end points of the filter (provisional); in between:
    by_t = dict(enumerate(point.phase for point in points))
    checked = {t: by_t[t] for t in range(2, 14) if t % ANNUAL_CYCLE in ANNUAL_EXPECTED}
    assert checked == {t: ANNUAL_EXPECTED[t % ANNUAL_CYCLE] for t in checked}
    assert len(checked) == 9
    assert_oecd_order([point.phase for point in points[1:14]])
    # 2014 (t = 6), in the middle of the series and away from its ends, is a trough of the hot-market
    # sine: the gap is about 68% of the amplitude 1.5 below trend.
    assert points[6].period == "2014"
    assert points[6].gap == pytest.approx(-0.68 * 1.5, abs=0.05)


def test_annual_phases_of_the_last_two_years_are_provisional():
    # The same region read in 2019, four years of figures earlier: the phases up to 2015 (four years
    # before the end) are the ones the longer series gives; the last two years are read differently.
    full = classify(annual_unemployment(16), indicator="unemployment_rate", seasonally_adjusted=True)
    early = classify(annual_unemployment(12), indicator="unemployment_rate", seasonally_adjusted=True)
    assert [point.period for point in early][-1] == "2019"
    assert [point.phase for point in early[:8]] == [point.phase for point in full[:8]]
    assert [point.phase for point in early[-2:]] == ["downturn", "slowdown"]
    assert [point.phase for point in full[10:12]] == ["expansion", "downturn"]


def test_annual_series_has_no_seasons_to_adjust_whatever_the_flag():
    series = annual_unemployment(12)
    as_published = classify(series, indicator="unemployment_rate", seasonally_adjusted=False)
    assert as_published == classify(series, indicator="unemployment_rate", seasonally_adjusted=True)
    assert default_method("unemployment_rate", "A", seasonally_adjusted=False) == default_method(
        "unemployment_rate", "A", seasonally_adjusted=True
    )


def test_seven_years_get_no_phase_and_eight_do():
    assert classify(annual_unemployment(7), indicator="unemployment_rate", seasonally_adjusted=True) == []
    assert len(classify(annual_unemployment(8), indicator="unemployment_rate", seasonally_adjusted=True)) == 8


def test_a_missing_year_splits_the_annual_runs():
    first = annual_unemployment(12)  # 2008 .. 2019
    # 2020 is missing; 2021 .. 2027 is 7 years, one short of the minimum run of 8.
    short = annual_unemployment(7, start="2021")
    points = classify(first | short, indicator="unemployment_rate", seasonally_adjusted=True)
    assert [point.period for point in points] == list(first)
    assert points == classify(first, indicator="unemployment_rate", seasonally_adjusted=True)
    # With 2028 the second run reaches 8 years and is classified on its own.
    longer = annual_unemployment(8, start="2021")
    points = classify(first | longer, indicator="unemployment_rate", seasonally_adjusted=True)
    assert [point.period for point in points] == list(first) + list(longer)
    assert points[12:] == classify(longer, indicator="unemployment_rate", seasonally_adjusted=True)


def test_annual_method_defaults_and_validation():
    method = default_method("unemployment_rate", "A", seasonally_adjusted=True)
    assert method.as_dict() == {
        "version": "phase-1",
        "indicator": "unemployment_rate",
        "sign": -1,
        "frequency": "A",
        "seasonal_adjustment": "none: annual figures",
        "trend_filter": "HP",
        "hp_lambda": 6.25,  # 1600 / 4**4
        "direction_tolerance": 0.01,
        "minimum_run": 8,
    }
    assert not method.adjusts_seasons
    assert PhaseMethod.from_dict(json.loads(json.dumps(method.as_dict()))) == method
    for adjustment in ("STL period 4", "STL period 12", "none: already adjusted"):
        with pytest.raises(ValueError, match="annual figures have no seasons to adjust"):
            PhaseMethod(**(method.as_dict() | {"seasonal_adjustment": adjustment}))
    # And a quarterly or monthly method cannot claim the annual label.
    quarterly = default_method("unemployment_rate", "Q", seasonally_adjusted=True)
    with pytest.raises(ValueError, match="seasonal adjustment must be one of"):
        PhaseMethod(**(quarterly.as_dict() | {"seasonal_adjustment": "none: annual figures"}))
    # Without STL the floor of the minimum run is the HP filter's 4 periods.
    assert default_method("unemployment_rate", "A", seasonally_adjusted=True, minimum_run=4).minimum_run == 4
    with pytest.raises(ValueError, match="the minimum run must be at least 4 periods here, not 3"):
        default_method("unemployment_rate", "A", seasonally_adjusted=True, minimum_run=3)
    with pytest.raises(ValueError, match="frequency must be 'A', 'Q' or 'M', not 'W'"):
        default_method("unemployment_rate", "W", seasonally_adjusted=True)


def test_an_annual_series_needs_an_annual_method():
    series = annual_unemployment(12)
    quarterly = default_method("unemployment_rate", "Q", seasonally_adjusted=True)
    with pytest.raises(ValueError, match="the method is for frequency 'Q', the series is 'A'"):
        classify(series, indicator="unemployment_rate", seasonally_adjusted=True, method=quarterly)
    # An annual method fits an annual series whatever its seasonally_adjusted flag, as neither is adjusted.
    annual = default_method("unemployment_rate", "A", seasonally_adjusted=False, minimum_run=12)
    for flag in (False, True):
        assert len(classify(series, indicator="unemployment_rate", seasonally_adjusted=flag, method=annual)) == 12
    # A run one year short of the method's minimum gets no phase.
    series.pop("2019")
    assert classify(series, indicator="unemployment_rate", seasonally_adjusted=True, method=annual) == []


def test_explain_an_annual_point():
    points = classify(annual_unemployment(16), indicator="unemployment_rate", seasonally_adjusted=True)
    point = points[11]  # 2019, t = 11: above trend (unemployment below it) and falling
    assert (point.period, point.phase) == ("2019", "downturn")
    facts = explain(point)
    assert (facts["period"], facts["phase"], facts["level"], facts["direction"]) == (
        "2019",
        "downturn",
        "above trend",
        "falling",
    )
    assert facts["value"] == pytest.approx(8.0 - 0.05 * 11 - 1.5 * math.sin(2 * math.pi * 11 / 8), abs=1e-12)
    assert facts["adjusted"] == facts["value"]
    assert facts["gap"] == pytest.approx(-(point.adjusted - point.trend), abs=1e-12)
    assert facts["change"] < -0.01
    assert facts["thresholds"] == {"gap": 0.0, "direction_tolerance": 0.01, "minimum_run": 8}
    assert facts["method"]["seasonal_adjustment"] == "none: annual figures"
    assert facts["method"]["hp_lambda"] == 6.25
    assert facts["method_version"] == METHOD_VERSION
    assert facts["reading"].startswith("gap +") and facts["reading"].endswith("beyond the tolerance 0.01): downturn")
    assert current_phase(points).period == "2023"
