"""Quarterly means, tightness, Beveridge curve moves and the mismatch index, on hand-computed cases."""

from __future__ import annotations

import math

import pytest

from labour.indicators import (
    QUARTERLY_MEAN_METHOD,
    BeveridgePoint,
    CurveMove,
    beveridge_path,
    curve_moves,
    mismatch_index,
    net_shift,
    quarterly_from_monthly,
    tightness,
)

# -- Quarterly means --------------------------------------------------------------------------------


def test_quarterly_mean_of_three_months():
    # (5.0 + 5.3 + 5.6) / 3 = 15.9 / 3 = 5.3
    monthly = {"2021-07": 5.0, "2021-08": 5.3, "2021-09": 5.6}
    assert quarterly_from_monthly(monthly) == {"2021-Q3": 5.3}
    assert QUARTERLY_MEAN_METHOD == "mean of the three months"


def test_quarter_with_a_missing_month_is_absent():
    # Q1: (6.0 + 6.3 + 6.6) / 3 = 6.3; Q2 lacks May so it is absent, not the mean of April and June.
    monthly = {"2021-01": 6.0, "2021-02": 6.3, "2021-03": 6.6, "2021-04": 7.0, "2021-06": 7.2}
    assert quarterly_from_monthly(monthly) == {"2021-Q1": 6.3}


def test_quarters_come_out_in_order_across_years():
    # Q4 2020: (1 + 2 + 3) / 3 = 2; Q1 2021: (4 + 5 + 7) / 3 = 16 / 3 = 5.3333333333
    monthly = {"2021-03": 7.0, "2021-01": 4.0, "2020-12": 3.0, "2021-02": 5.0, "2020-10": 1.0, "2020-11": 2.0}
    result = quarterly_from_monthly(monthly)
    assert list(result) == ["2020-Q4", "2021-Q1"]
    assert result == {"2020-Q4": 2.0, "2021-Q1": 5.3333333333}


def test_quarterly_from_monthly_rejects_quarters_and_nan():
    with pytest.raises(ValueError, match="'2021-Q1' is not a month"):
        quarterly_from_monthly({"2021-Q1": 1.0})
    with pytest.raises(ValueError, match="2021-02 is nan"):
        quarterly_from_monthly({"2021-01": 1.0, "2021-02": math.nan, "2021-03": 1.0})


# -- Tightness --------------------------------------------------------------------------------------


def test_tightness_is_vacancies_over_unemployment():
    # 3.0 / 6.0 = 0.5; 2.4 / 8.0 = 0.3; 2021-Q3 has no vacancy rate, 2021-Q4 zero unemployment.
    vacancies = {"2021-Q1": 3.0, "2021-Q2": 2.4, "2021-Q4": 1.0}
    unemployment = {"2021-Q1": 6.0, "2021-Q2": 8.0, "2021-Q3": 7.0, "2021-Q4": 0.0}
    assert tightness(vacancies, unemployment) == {"2021-Q1": 0.5, "2021-Q2": 0.3}


def test_tightness_rejects_mixed_frequencies_and_negative_rates():
    with pytest.raises(ValueError, match="different frequencies; make the monthly one quarterly first"):
        tightness({"2021-Q1": 3.0}, {"2021-01": 6.0})
    with pytest.raises(ValueError, match="vacancy rate: the value for 2021-Q1 is -3.0"):
        tightness({"2021-Q1": -3.0}, {"2021-Q1": 6.0})


# -- Beveridge curve --------------------------------------------------------------------------------


def test_beveridge_path_keeps_common_periods_in_order():
    vacancies = {"2021-Q2": 2.0, "2021-Q1": 1.5, "2021-Q3": 2.2}
    unemployment = {"2021-Q1": 7.0, "2021-Q2": 6.5, "2020-Q4": 7.5}
    assert beveridge_path(vacancies, unemployment) == [
        BeveridgePoint("2021-Q1", unemployment=7.0, vacancy=1.5),
        BeveridgePoint("2021-Q2", unemployment=6.5, vacancy=2.0),
    ]


def _path(*points: tuple[str, float, float]) -> list[BeveridgePoint]:
    return [BeveridgePoint(period, u, v) for period, u, v in points]


def test_curve_moves_of_each_kind():
    path = _path(
        ("2020-Q1", 7.0, 2.0),
        ("2020-Q2", 6.5, 2.3),  # du = -0.5, dv = +0.3: along the curve, recovery
        ("2020-Q3", 7.2, 2.0),  # du = +0.7, dv = -0.3: along the curve, downturn
        ("2020-Q4", 7.5, 2.4),  # du = +0.3, dv = +0.4: both rise, shift out
        ("2021-Q1", 7.1, 2.1),  # du = -0.4, dv = -0.3: both fall, shift in
        ("2021-Q2", 7.13, 2.08),  # du = +0.03, dv = -0.02: both within 0.05, still
    )
    assert curve_moves(path) == [
        CurveMove("2020-Q1", "2020-Q2", -0.5, 0.3, "along_recovery"),
        CurveMove("2020-Q2", "2020-Q3", 0.7, -0.3, "along_downturn"),
        CurveMove("2020-Q3", "2020-Q4", 0.3, 0.4, "shift_out"),
        CurveMove("2020-Q4", "2021-Q1", -0.4, -0.3, "shift_in"),
        CurveMove("2021-Q1", "2021-Q2", 0.03, -0.02, "still"),
    ]


def test_one_rate_moving_alone_reads_as_along_the_curve():
    # A shift is claimed only when both rates move beyond the tolerance the same way.
    path = _path(
        ("2020-Q1", 7.0, 2.0),
        ("2020-Q2", 6.5, 2.02),  # du = -0.5, dv = +0.02 (within 0.05): recovery
        ("2020-Q3", 6.48, 1.7),  # du = -0.02 (within), dv = -0.32: downturn
        ("2020-Q4", 6.48, 2.1),  # du = 0, dv = +0.4: recovery
    )
    assert [move.kind for move in curve_moves(path)] == ["along_recovery", "along_downturn", "along_recovery"]


def test_a_gap_breaks_the_path():
    # 2020-Q3 is missing: no move from Q2 to Q4.
    path = _path(("2020-Q1", 7.0, 2.0), ("2020-Q2", 6.5, 2.3), ("2020-Q4", 6.0, 2.8), ("2021-Q1", 5.8, 3.0))
    moves = curve_moves(path)
    assert [(move.start, move.end) for move in moves] == [("2020-Q1", "2020-Q2"), ("2020-Q4", "2021-Q1")]


def test_the_tolerance_decides_what_is_still():
    path = _path(("2020-Q1", 7.0, 2.0), ("2020-Q2", 7.1, 2.1))  # du = dv = +0.1
    assert curve_moves(path)[0].kind == "shift_out"
    assert curve_moves(path, tolerance=0.1)[0].kind == "still"
    with pytest.raises(ValueError, match="tolerance must be a finite number of at least 0"):
        curve_moves(path, tolerance=-0.1)


def test_net_shift_over_the_last_window():
    path = _path(
        ("2020-Q1", 7.0, 2.0),
        ("2020-Q2", 6.5, 2.3),  # along_recovery (outside the last 4 quarters)
        ("2020-Q3", 6.8, 2.6),  # shift_out
        ("2020-Q4", 7.0, 2.8),  # shift_out
        ("2021-Q1", 6.5, 3.0),  # along_recovery
        ("2021-Q2", 6.2, 2.7),  # shift_in
    )
    summary = net_shift(path, window=4)
    # Moves ending in 2020-Q3 .. 2021-Q2: 2 out, 1 in, 1 along -> share 3/4, net (2 - 1)/4.
    assert (summary.last_period, summary.moves, summary.shift_out, summary.shift_in) == ("2021-Q2", 4, 2, 1)
    assert summary.share == 0.75
    assert summary.net == 0.25
    empty = net_shift([], window=4)
    assert (empty.moves, empty.share, empty.net) == (0, None, None)


# -- Mismatch index ---------------------------------------------------------------------------------


def test_mismatch_of_identical_distributions_is_zero():
    # Shares 0.5/0.3/0.2 in both: sum = 0.5 + 0.3 + 0.2 = 1, so M = 0.
    result = mismatch_index({"A": 50, "B": 30, "C": 20}, {"A": 500, "B": 300, "C": 200})
    assert result.value == 0.0
    assert result.segments == ("A", "B", "C")


def test_mismatch_of_two_opposite_regions():
    # v shares 0.9/0.1, u shares 0.1/0.9, a = 0.5: M = 1 - 2 * sqrt(0.9 * 0.1) = 1 - 2 * 0.3 = 0.4
    result = mismatch_index({"north": 90, "south": 10}, {"north": 10, "south": 90}, elasticity=0.5)
    assert result.value == 0.4
    assert result.elasticity == 0.5
    assert (result.vacancies_total, result.unemployed_total) == (100.0, 100.0)


def test_mismatch_with_another_elasticity():
    # a = 0.25: 0.9**0.25 * 0.1**0.75 + 0.1**0.25 * 0.9**0.75 = 0.1731... + 0.5196... = 0.6928...
    expected = 1 - (0.9**0.25 * 0.1**0.75 + 0.1**0.25 * 0.9**0.75)
    result = mismatch_index({"north": 90, "south": 10}, {"north": 10, "south": 90}, elasticity=0.25)
    assert result.value == pytest.approx(expected, abs=1e-10)
    assert result.value == pytest.approx(0.3072, abs=1e-4)


def test_mismatch_uses_only_common_segments():
    # "east" has no unemployed figure: left out, so this is the two-region case above.
    result = mismatch_index({"north": 90, "south": 10, "east": 500}, {"north": 10, "south": 90})
    assert result.value == 0.4
    assert result.left_out == ("east",)


@pytest.mark.parametrize(
    ("vacancies", "unemployed", "elasticity", "message"),
    [
        ({}, {"A": 1}, 0.5, "vacancies: no segment given"),
        ({"A": 1}, {}, 0.5, "unemployed: no segment given"),
        ({"A": -1, "B": 2}, {"A": 1, "B": 1}, 0.5, "segment 'A' is -1, a count cannot be negative"),
        ({"A": 1}, {"A": math.nan}, 0.5, "segment 'A' is nan, not a finite number"),
        ({"A": 0, "B": 0}, {"A": 1, "B": 1}, 0.5, "the vacancies total zero"),
        ({"A": 1, "B": 1}, {"A": 0, "B": 0}, 0.5, "the unemployed total zero"),
        ({"A": 1}, {"B": 1}, 0.5, "no segment is present in both"),
        ({"A": 1}, {"A": 1}, 0.0, "elasticity must be strictly between 0 and 1, not 0.0"),
        ({"A": 1}, {"A": 1}, 1.0, "elasticity must be strictly between 0 and 1, not 1.0"),
    ],
)
def test_mismatch_rejects_bad_input(vacancies, unemployed, elasticity, message):
    with pytest.raises(ValueError, match=message):
        mismatch_index(vacancies, unemployed, elasticity)
