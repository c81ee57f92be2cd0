"""A place's labour market from its stored figures, and the phases stored after every import.

Uses the shipped Eurostat figures (labour/default_data), which are part of the project.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from labour.defaults import load_default_figures
from labour.importer import import_file
from labour.indicators import QUARTERLY_MEAN_METHOD
from labour.picture import latest_phase, picture, stored_phases
from records.db import transaction
from records.models import LabourPhase


@pytest.fixture
def shipped(session_factory):
    load_default_figures(session_factory)
    return session_factory


def test_germany_has_tightness_a_beveridge_path_and_phases_from_it(shipped):
    with shipped() as session:
        germany = picture(session, "DE")
    # 2016-Q4: unemployment (4.0 + 3.9 + 3.9) / 3 = 3.9333, derived from the months; vacancy rate 2.5.
    assert germany.unemployment.derived and germany.unemployment.method == QUARTERLY_MEAN_METHOD
    assert germany.unemployment.by_period["2016-Q4"] == pytest.approx(3.93333, abs=1e-4)
    assert germany.tightness["2016-Q4"] == pytest.approx(2.5 / 3.93333, abs=1e-4)
    # The path runs where both series exist: vacancies from 2016-Q3, complete unemployment quarters
    # from 2016-Q4 to 2021-Q4 (the months end in February 2022).
    assert (germany.beveridge[0].period, germany.beveridge[-1].period, len(germany.beveridge)) == (
        "2016-Q4", "2021-Q4", 21)
    assert {p.method.indicator for p in germany.phases} == {"tightness"}
    by_period = {p.period: p.phase for p in germany.phases}
    # The first pandemic quarters: tightness fell below its trend.
    assert by_period["2020-Q2"] == "slowdown"
    assert germany.current.period == "2021-Q4"
    assert {c.dataset for c in germany.coverage} == {"jvs_q_nace2", "une_rt_m"}


def test_a_country_without_vacancy_figures_is_read_from_unemployment(shipped):
    with shipped() as session:
        spain = picture(session, "ES")
    assert spain.vacancy is None and spain.tightness == {} and spain.beveridge == []
    assert {p.method.indicator for p in spain.phases} == {"unemployment_rate"}
    assert spain.phases[0].method.sign == -1
    assert {p.phase for p in spain.phases} <= {"expansion", "downturn", "slowdown", "recovery"}


def test_a_place_without_figures_has_an_empty_picture(shipped):
    with shipped() as session:
        nowhere = picture(session, "DE21")
        assert latest_phase(session, "DE21") is None
    assert not nowhere.has_figures and nowhere.phases == [] and nowhere.current is None


def test_phases_are_stored_with_their_inputs_and_method(shipped):
    with shipped() as session:
        stored = stored_phases(session, "DE")
        latest = latest_phase(session, "DE")
        places = session.scalar(select(func.count(func.distinct(LabourPhase.geo))))
        computed = picture(session, "DE").phases
    assert [s.period for s in stored] == [p.period for p in computed]
    assert latest.period == "2021-Q4" and latest.indicator == "tightness"
    assert latest.method.version == "phase-1" and latest.method.hp_lambda == 1600
    assert latest.inputs["phase"] == latest.phase and "gap" in latest.inputs["reading"]
    assert latest.inputs["thresholds"]["minimum_run"] == 8
    assert places == 29  # the 27 countries, EA19 and EU27_2020


def test_a_new_vintage_recomputes_the_phases_of_its_place(shipped):
    header = "DATAFLOW,LAST UPDATE,freq,s_adj,age,unit,sex,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG\n"
    # A revised January 2022 for Spain far above the others: the last quarter stays incomplete
    # (no March), so the phases cannot change; a revised 2021-12 moves the last complete quarter.
    revised = header + "ESTAT:UNE_RT_M(1.0),2025-01-01T00:00:00,M,SA,TOTAL,PC_ACT,T,ES,2021-12,30.0,\n"
    with shipped() as session:
        before = {p.period: p.inputs["value"] for p in stored_phases(session, "ES")}
    with transaction(shipped) as session:
        import_file(session, "une_rt_m-revised.csv", revised.encode(), actor="tester")
    with shipped() as session:
        after = {p.period: p.inputs["value"] for p in stored_phases(session, "ES")}
        germany = stored_phases(session, "DE")
    assert after["2021-Q4"] > before["2021-Q4"] + 5  # (x + y + 30) / 3 replaces (x + y + z) / 3
    assert after["2021-Q3"] == before["2021-Q3"]
    assert len(germany) == 21
