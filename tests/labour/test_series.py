"""Periods and contiguous runs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from labour.series import (
    check_finite,
    contiguous_runs,
    frequency,
    next_period,
    period_index,
    quarter_of,
    series_frequency,
)


def test_frequency_of_quarters_and_months():
    assert frequency("2021-Q3") == "Q"
    assert frequency("2021-07") == "M"


@pytest.mark.parametrize(
    "bad", ["2021", "2021Q3", "2021-Q5", "2021-Q0", "2021-13", "2021-00", "2021-7", "", " 2021-Q1"]
)
def test_frequency_rejects_other_spellings(bad):
    with pytest.raises(ValueError, match="neither a quarter like '2021-Q3' nor a month like '2021-07'"):
        frequency(bad)


def test_frequency_rejects_non_strings():
    with pytest.raises(ValueError, match="neither a quarter"):
        frequency(2021)  # type: ignore[arg-type]


def test_period_index_is_consecutive():
    # 2021*4 + 3 - 1 = 8086; 2021*12 + 7 - 1 = 24258.
    assert period_index("2021-Q3") == 8086
    assert period_index("2021-07") == 24258
    assert period_index("2022-Q1") - period_index("2021-Q4") == 1
    assert period_index("2022-01") - period_index("2021-12") == 1


def test_next_period_rolls_over_the_year():
    assert next_period("2021-Q3") == "2021-Q4"
    assert next_period("2021-Q4") == "2022-Q1"
    assert next_period("2021-09") == "2021-10"
    assert next_period("2021-12") == "2022-01"


def test_quarter_of_months():
    assert [quarter_of(f"2021-{month:02d}") for month in range(1, 13)] == (
        ["2021-Q1"] * 3 + ["2021-Q2"] * 3 + ["2021-Q3"] * 3 + ["2021-Q4"] * 3
    )
    with pytest.raises(ValueError, match="not a month"):
        quarter_of("2021-Q3")


def test_contiguous_runs_split_at_gaps_and_sort():
    series = {"2021-Q2": 2.0, "2020-Q4": 0.0, "2021-Q1": 1.0, "2021-Q4": 4.0}
    runs = contiguous_runs(series)
    assert runs == [{"2020-Q4": 0.0, "2021-Q1": 1.0, "2021-Q2": 2.0}, {"2021-Q4": 4.0}]
    assert [list(run) for run in runs] == [["2020-Q4", "2021-Q1", "2021-Q2"], ["2021-Q4"]]


def test_contiguous_runs_of_months_across_a_year():
    series = {"2021-12": 1.0, "2022-01": 2.0, "2022-03": 3.0}
    assert contiguous_runs(series) == [{"2021-12": 1.0, "2022-01": 2.0}, {"2022-03": 3.0}]


def test_contiguous_runs_of_nothing():
    assert contiguous_runs({}) == []


def test_mixed_frequencies_are_rejected():
    with pytest.raises(ValueError, match="mixes quarters and months"):
        contiguous_runs({"2021-Q1": 1.0, "2021-04": 2.0})
    with pytest.raises(ValueError, match="mixes quarters and months"):
        series_frequency({"2021-Q1": 1.0, "2021-04": 2.0})
    assert series_frequency({}) is None
    assert series_frequency({"2021-04": 2.0}) == "M"


def test_check_finite_names_the_period():
    check_finite({"2021-Q1": 1.0, "2021-Q2": 2, "2021-Q3": np.float32(1.5)})
    with pytest.raises(ValueError, match="2021-Q2 is nan, not a finite number"):
        check_finite({"2021-Q1": 1.0, "2021-Q2": math.nan})
    with pytest.raises(ValueError, match="2021-Q1 is None"):
        check_finite({"2021-Q1": None})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="2021-Q1 is True"):
        check_finite({"2021-Q1": True})
