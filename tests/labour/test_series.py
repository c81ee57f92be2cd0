"""Periods and contiguous runs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from labour.datasets import frequency_of
from labour.eurostat import normalise_period
from labour.series import (
    check_finite,
    contiguous_runs,
    frequency,
    next_period,
    period_index,
    quarter_of,
    series_frequency,
)


def test_frequency_of_years_quarters_and_months():
    assert frequency("2021") == "A"
    assert frequency("2021-Q3") == "Q"
    assert frequency("2021-07") == "M"


@pytest.mark.parametrize(
    "bad",
    ["2021Q3", "2021-Q5", "2021-Q0", "2021-13", "2021-00", "2021-7", "", " 2021-Q1", "21", "20210", "2021-", " 2021"],
)
def test_frequency_rejects_other_spellings(bad):
    with pytest.raises(
        ValueError, match="is not a year like '2021', a quarter like '2021-Q3' or a month like '2021-07'"
    ):
        frequency(bad)


def test_frequency_rejects_non_strings():
    # The year as a number is not a period: an import stores periods as text.
    with pytest.raises(ValueError, match="is not a year like '2021'"):
        frequency(2021)  # type: ignore[arg-type]


@pytest.mark.parametrize("published", ["2021", "2021Q3", "2021-Q3", "2021M07", "2021-07"])
def test_every_period_an_import_stores_is_understood_alike(published):
    # What the importer stores (normalise_period) is a period here, of the frequency the import checks.
    stored = normalise_period(published, line=1)
    assert frequency(stored) == frequency_of(stored)


def test_period_index_is_consecutive():
    # A year is its own index; 2021*4 + 3 - 1 = 8086; 2021*12 + 7 - 1 = 24258.
    assert period_index("2021") == 2021
    assert period_index("2021-Q3") == 8086
    assert period_index("2021-07") == 24258
    assert period_index("2022") - period_index("2021") == 1
    assert period_index("2022-Q1") - period_index("2021-Q4") == 1
    assert period_index("2022-01") - period_index("2021-12") == 1


def test_next_period_rolls_over_the_year():
    assert next_period("2021") == "2022"
    assert next_period("1999") == "2000"
    assert next_period("0999") == "1000"  # four digits kept, as in the spelling of a year
    assert next_period("2021-Q3") == "2021-Q4"
    assert next_period("2021-Q4") == "2022-Q1"
    assert next_period("2021-09") == "2021-10"
    assert next_period("2021-12") == "2022-01"


def test_years_sort_by_their_index():
    years = ["2023", "1999", "2000", "2010"]
    assert sorted(years, key=period_index) == ["1999", "2000", "2010", "2023"]


def test_quarter_of_months():
    assert [quarter_of(f"2021-{month:02d}") for month in range(1, 13)] == (
        ["2021-Q1"] * 3 + ["2021-Q2"] * 3 + ["2021-Q3"] * 3 + ["2021-Q4"] * 3
    )
    with pytest.raises(ValueError, match="not a month"):
        quarter_of("2021-Q3")
    # A year spans four quarters, so it has no one quarter.
    with pytest.raises(ValueError, match="'2021' is not a month"):
        quarter_of("2021")


def test_contiguous_runs_split_at_gaps_and_sort():
    series = {"2021-Q2": 2.0, "2020-Q4": 0.0, "2021-Q1": 1.0, "2021-Q4": 4.0}
    runs = contiguous_runs(series)
    assert runs == [{"2020-Q4": 0.0, "2021-Q1": 1.0, "2021-Q2": 2.0}, {"2021-Q4": 4.0}]
    assert [list(run) for run in runs] == [["2020-Q4", "2021-Q1", "2021-Q2"], ["2021-Q4"]]


def test_contiguous_runs_of_months_across_a_year():
    series = {"2021-12": 1.0, "2022-01": 2.0, "2022-03": 3.0}
    assert contiguous_runs(series) == [{"2021-12": 1.0, "2022-01": 2.0}, {"2022-03": 3.0}]


def test_contiguous_runs_of_years():
    # 2016 is missing: 2013..2015 and 2017..2018 are two runs.
    series = {"2017": 7.0, "2013": 3.0, "2015": 5.0, "2014": 4.0, "2018": 8.0}
    runs = contiguous_runs(series)
    assert runs == [{"2013": 3.0, "2014": 4.0, "2015": 5.0}, {"2017": 7.0, "2018": 8.0}]
    assert [list(run) for run in runs] == [["2013", "2014", "2015"], ["2017", "2018"]]


def test_contiguous_runs_of_nothing():
    assert contiguous_runs({}) == []


def test_mixed_frequencies_are_rejected():
    with pytest.raises(ValueError, match="mixes quarters and months"):
        contiguous_runs({"2021-Q1": 1.0, "2021-04": 2.0})
    with pytest.raises(ValueError, match="mixes quarters and months"):
        series_frequency({"2021-Q1": 1.0, "2021-04": 2.0})
    assert series_frequency({}) is None
    assert series_frequency({"2021-04": 2.0}) == "M"


def test_years_mixed_with_quarters_or_months_are_rejected():
    with pytest.raises(ValueError, match="the series mixes years and quarters; give one frequency per series"):
        contiguous_runs({"2021": 1.0, "2022-Q1": 2.0})
    with pytest.raises(ValueError, match="mixes years and months"):
        series_frequency({"2021": 1.0, "2022-01": 2.0})
    with pytest.raises(ValueError, match="mixes years, quarters and months"):
        series_frequency({"2021": 1.0, "2022-Q1": 2.0, "2022-04": 3.0})
    assert series_frequency({"2021": 1.0, "2023": 3.0}) == "A"


def test_check_finite_names_the_period():
    check_finite({"2021-Q1": 1.0, "2021-Q2": 2, "2021-Q3": np.float32(1.5)})
    with pytest.raises(ValueError, match="2021-Q2 is nan, not a finite number"):
        check_finite({"2021-Q1": 1.0, "2021-Q2": math.nan})
    with pytest.raises(ValueError, match="2021-Q1 is None"):
        check_finite({"2021-Q1": None})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="2021-Q1 is True"):
        check_finite({"2021-Q1": True})
