"""Shortage list reader and the scorecard of shortage indicators.

The lists and indicator values below are written by hand for the tests; they are not any country's list.
"""

from __future__ import annotations

import math

import pytest

from labour.shortages import (
    IndicatorCutoffs,
    ShortageEntry,
    ShortageFileError,
    isco_uri,
    read_shortage_list,
    score_indicator,
    scorecard,
)

HEADER = "country,isco,status,year,source\n"


# -- Shortage lists ---------------------------------------------------------------------------------


def test_reads_a_list_with_a_bom_and_blank_lines():
    text = "\ufeff" + HEADER + "DE,2512,shortage,2023,EURES\n\nFR,9112,Surplus,2023, national list \n"
    assert read_shortage_list(text) == [
        ShortageEntry("DE", "2512", "shortage", 2023, "EURES"),
        ShortageEntry("FR", "9112", "surplus", 2023, "national list"),
    ]


def test_columns_may_come_in_any_order_and_codes_of_any_level():
    text = "year,source,isco,country,status\n2022,EURES,0,AT,shortage\n2022,EURES,22,AT,shortage\n"
    entries = read_shortage_list(text)
    assert [(entry.isco, entry.year, entry.country) for entry in entries] == [("0", 2022, "AT"), ("22", 2022, "AT")]


def test_a_repeated_entry_is_kept_once_and_a_header_alone_is_an_empty_list():
    text = HEADER + "DE,2512,shortage,2023,EURES\nDE,2512,shortage,2023,EURES\n"
    assert len(read_shortage_list(text)) == 1
    assert read_shortage_list(HEADER) == []


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("DE,2512,shortage,2023", "line 3: missing column source"),
        ("DE,2512,shortage,2023,EURES,extra", "line 3: found 6 cells, expected 5"),
        ("DE,2512,lack,2023,EURES", "line 3: unknown status 'lack'"),
        ("DE,25123,shortage,2023,EURES", "line 3: ISCO-08 code '25123' is not 1 to 4 digits"),
        ("DE,25A2,shortage,2023,EURES", "line 3: ISCO-08 code '25A2' is not 1 to 4 digits"),
        ("DE,,shortage,2023,EURES", "line 3: ISCO-08 code '' is not 1 to 4 digits"),
        ("DE,2512,shortage,1989,EURES", "line 3: year '1989' is not a 4-digit year between 1990 and 2100"),
        ("DE,2512,shortage,2101,EURES", "line 3: year '2101' is not a 4-digit year"),
        ("DE,2512,shortage,23,EURES", "line 3: year '23' is not a 4-digit year"),
        ("de,2512,shortage,2023,EURES", "line 3: country 'de' is not a 2-letter uppercase code"),
        ("DEU,2512,shortage,2023,EURES", "line 3: country 'DEU' is not a 2-letter uppercase code"),
        ("DE,2512,shortage,2023,", "line 3: the source is empty"),
        ("DE,2512,surplus,2023,other list", "line 3: DE ISCO 2512 in 2023 is 'surplus' here but 'shortage' on line 2"),
    ],
)
def test_each_bad_line_is_named_and_nothing_is_returned(line, message):
    text = HEADER + "DE,2512,shortage,2023,EURES\n" + line + "\nFR,9112,surplus,2023,EURES\n"
    with pytest.raises(ShortageFileError, match=f"^{message}") as caught:
        read_shortage_list(text)
    assert caught.value.line == 3
    assert isinstance(caught.value, ValueError)


def test_header_errors_are_on_line_one():
    with pytest.raises(ShortageFileError, match="^line 1: the header has no column source"):
        read_shortage_list("country,isco,status,year\nDE,2512,shortage,2023\n")
    with pytest.raises(ShortageFileError, match="^line 1: unknown column 'note'"):
        read_shortage_list("country,isco,status,year,source,note\n")
    with pytest.raises(ShortageFileError, match="^line 1: the file is empty"):
        read_shortage_list("\ufeff \n")


def test_isco_uri_follows_esco():
    assert isco_uri("2512") == "http://data.europa.eu/esco/isco/C2512"
    assert isco_uri("0") == "http://data.europa.eu/esco/isco/C0"
    with pytest.raises(ValueError, match="ISCO-08 code '25120' is not 1 to 4 digits"):
        isco_uri("25120")


# -- Scorecard --------------------------------------------------------------------------------------

VACANCY_DURATION = IndicatorCutoffs("vacancy_duration_days", (100.0, 130.0, 160.0), higher_means_shortage=True)
JOBSEEKERS_PER_VACANCY = IndicatorCutoffs("jobseekers_per_vacancy", (1.0, 2.0, 3.0), higher_means_shortage=False)
WAGE_GROWTH = IndicatorCutoffs("wage_growth_pct", (2.0, 3.0, 4.0), higher_means_shortage=True)
ALL = (VACANCY_DURATION, JOBSEEKERS_PER_VACANCY, WAGE_GROWTH)


@pytest.mark.parametrize(
    ("value", "points"),
    [(99.9, 0), (100.0, 1), (129.9, 1), (130.0, 2), (159.9, 2), (160.0, 3), (400.0, 3)],
)
def test_score_where_higher_means_shortage(value, points):
    assert score_indicator(value, VACANCY_DURATION) == points


@pytest.mark.parametrize(
    ("value", "points"),
    [(3.1, 0), (3.0, 1), (2.1, 1), (2.0, 2), (1.1, 2), (1.0, 3), (0.2, 3)],
)
def test_score_where_lower_means_shortage_is_mirrored(value, points):
    assert score_indicator(value, JOBSEEKERS_PER_VACANCY) == points


def test_score_rejects_a_missing_number():
    with pytest.raises(ValueError, match="vacancy_duration_days: the value nan is not a finite number"):
        score_indicator(math.nan, VACANCY_DURATION)


def test_cutoffs_must_ascend():
    with pytest.raises(ValueError, match="strictly ascending"):
        IndicatorCutoffs("x", (3.0, 2.0, 1.0), higher_means_shortage=False)
    with pytest.raises(ValueError, match="exactly three cut-offs"):
        IndicatorCutoffs("x", (1.0, 2.0), higher_means_shortage=True)  # type: ignore[arg-type]


def test_mean_of_exactly_two_is_a_shortage():
    # duration 130 -> 2 points, 2.0 jobseekers per vacancy -> 2 points: mean (2 + 2) / 2 = 2.0
    card = scorecard("2512", {"vacancy_duration_days": 130.0, "jobseekers_per_vacancy": 2.0}, ALL)
    assert card.scores == {"vacancy_duration_days": 2, "jobseekers_per_vacancy": 2}
    assert (card.mean, card.verdict) == (2.0, "shortage")
    assert card.missing == ("wage_growth_pct",)


def test_mean_of_exactly_one_and_a_half_shows_signs_of_shortage():
    # duration 100 -> 1 point, 2.0 jobseekers per vacancy -> 2 points: mean (1 + 2) / 2 = 1.5
    card = scorecard("2512", {"vacancy_duration_days": 100.0, "jobseekers_per_vacancy": 2.0}, ALL)
    assert (card.mean, card.verdict) == (1.5, "signs_of_shortage")


def test_mean_just_below_the_thresholds():
    # 2 + 2 + 1 = 5 points over three: 5 / 3 = 1.6666666667, signs of shortage (below 2.0)
    values = {"vacancy_duration_days": 130.0, "jobseekers_per_vacancy": 2.0, "wage_growth_pct": 2.5}
    card = scorecard("2512", values, ALL)
    assert (card.mean, card.verdict) == (1.6666666667, "signs_of_shortage")
    # 1 + 2 + 1 = 4 points over three: 4 / 3 = 1.3333333333, no shortage (below 1.5)
    values["vacancy_duration_days"] = 100.0
    card = scorecard("2512", values, ALL)
    assert (card.mean, card.verdict) == (1.3333333333, "no_shortage")


def test_too_few_indicators_give_no_verdict():
    card = scorecard("2512", {"vacancy_duration_days": 200.0, "jobseekers_per_vacancy": None}, ALL)
    assert card.scores == {"vacancy_duration_days": 3}
    assert (card.mean, card.verdict) == (None, "not_enough_indicators")
    assert card.missing == ("jobseekers_per_vacancy", "wage_growth_pct")
    # With a minimum of 1 the single indicator decides: 3 points.
    card = scorecard("2512", {"vacancy_duration_days": 200.0}, ALL, minimum=1)
    assert (card.mean, card.verdict) == (3.0, "shortage")


def test_thresholds_are_parameters():
    # mean 1.5 is a shortage when the shortage threshold is lowered to 1.5.
    values = {"vacancy_duration_days": 100.0, "jobseekers_per_vacancy": 2.0}
    card = scorecard("2512", values, ALL, shortage_at=1.5, signs_at=1.0)
    assert card.verdict == "shortage"
    assert card.thresholds == {"shortage_at": 1.5, "signs_at": 1.0, "minimum": 2.0}


def test_scorecard_rejects_values_without_cutoffs_and_duplicate_cutoffs():
    with pytest.raises(ValueError, match="no cut-offs for the indicator"):
        scorecard("2512", {"unknown": 1.0}, ALL)
    with pytest.raises(ValueError, match="cut-offs for 'wage_growth_pct' are given twice"):
        scorecard("2512", {}, (WAGE_GROWTH, WAGE_GROWTH))
