"""Shortage files into records and the signals read back, on SQLite and PostgreSQL.

The lists, indicator values and cut-offs below are written for the tests; their figures and sources
are illustrative, not published ones.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from labour.shortage_records import (
    ShortageImportRefused,
    countries_with_signals,
    import_shortage_file,
    shortage_signals,
)
from records.db import transaction
from records.models import (
    AuditEntry,
    IndicatorCutoff,
    OccupationIndicatorValue,
    ShortageImport,
    ShortageListEntry,
)

LIST = b"""country,isco,status,year,source
DE,2512,shortage,2024,Test list A
DE,3221,shortage,2024,Test list A
DE,4110,surplus,2024,Test list A
NO,2512,shortage,2024,Test list A
DE,2512,shortage,2023,Test list A
FR,7126,shortage,2024,Test list B
"""

CUTOFFS = b"""indicator,cutoff_1,cutoff_2,cutoff_3,higher_means_shortage,source,label
vacancy_duration,90,110,130,yes,Test cut-offs,Vacancy duration (days)
unemployed_per_vacancy,1,2,3,no,Test cut-offs,Unemployed per vacancy
"""

INDICATORS = b"""country,isco,year,indicator,value,source
DE,2512,2024,vacancy_duration,140,Test figures
DE,2512,2024,unemployed_per_vacancy,0.8,Test figures
DE,3221,2024,vacancy_duration,100,Test figures
DE,3221,2024,unemployed_per_vacancy,2.5,Test figures
DE,4110,2024,vacancy_duration,60,Test figures
DE,4110,2024,job_ad_growth,12.5,Test figures
"""


def run(factory, name: str, data: bytes):
    with transaction(factory) as session:
        return import_shortage_file(session, name, data, actor="tester")


def stored(factory) -> tuple[int, int, int, int]:
    with factory() as session:
        return tuple(session.scalar(select(func.count()).select_from(model)) for model in (
            ShortageImport, ShortageListEntry, OccupationIndicatorValue, IndicatorCutoff))


def test_each_kind_is_told_by_its_header_and_stored_with_an_audit_entry(session_factory):
    listed = run(session_factory, "list.csv", LIST)
    cutoffs = run(session_factory, "cutoffs.csv", CUTOFFS)
    values = run(session_factory, "indicators.csv", INDICATORS)
    assert (listed.kind, listed.rows, listed.outside_scope) == ("list", 5, 1)  # Norway is left out, counted
    assert (cutoffs.kind, cutoffs.rows) == ("cutoffs", 2)
    assert (values.kind, values.rows) == ("indicators", 6)
    assert stored(session_factory) == (3, 5, 6, 2)
    with session_factory() as session:
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "shortages.import")).all()
    assert {entry.detail["kind"] for entry in audit} == {"list", "cutoffs", "indicators"}
    assert {entry.actor for entry in audit} == {"tester"}


def test_the_same_file_twice_changes_nothing(session_factory):
    first = run(session_factory, "list.csv", LIST)
    again = run(session_factory, "renamed.csv", LIST)
    assert again.already_imported and again.import_id == first.import_id and again.rows == 5
    assert stored(session_factory) == (1, 5, 0, 0)


def test_a_country_and_year_read_back_as_lists_and_scorecards(session_factory):
    for name, data in (("list.csv", LIST), ("cutoffs.csv", CUTOFFS), ("indicators.csv", INDICATORS)):
        run(session_factory, name, data)
    with session_factory() as session:
        assert countries_with_signals(session) == ["DE", "FR"]
        signals = shortage_signals(session, "DE")
        older = shortage_signals(session, "DE", 2023)
    assert (signals.year, signals.years) == (2024, [2024, 2023])
    by_code = {o.isco: o for o in signals.occupations}
    assert list(by_code) == ["2512", "3221", "4110"]
    software = by_code["2512"]
    assert [(item.status, item.source) for item in software.listed] == [("shortage", "Test list A")]
    # 140 days is past the third cut-off (3 points); 0.8 unemployed per vacancy is at or below all three (3).
    assert software.scorecard.scores == {"vacancy_duration": 3, "unemployed_per_vacancy": 3}
    assert (software.scorecard.mean, software.scorecard.verdict) == (3.0, "shortage")
    # 100 days: 1 point; 2.5 per vacancy: at or below the third cut-off only, 1 point.
    assert (by_code["3221"].scorecard.mean, by_code["3221"].scorecard.verdict) == (1.0, "no_shortage")
    # One scored indicator is too few for a verdict; the other has no cut-offs and is shown unscored.
    clerks = by_code["4110"]
    assert clerks.scorecard.verdict == "not_enough_indicators" and clerks.scorecard.mean is None
    assert signals.unscored == ["job_ad_growth"]
    assert [o.isco for o in older.occupations] == ["2512"] and older.occupations[0].scorecard is None


def test_a_corrected_file_wins_over_the_earlier_one(session_factory):
    run(session_factory, "cutoffs.csv", CUTOFFS)
    run(session_factory, "indicators.csv", INDICATORS)
    run(session_factory, "corrected.csv", b"country,isco,year,indicator,value,source\n"
                                          b"DE,2512,2024,vacancy_duration,95,Test figures (corrected)\n")
    run(session_factory, "cutoffs-2.csv", CUTOFFS.replace(b"90,110,130", b"80,90,100"))
    with session_factory() as session:
        signals = shortage_signals(session, "DE", 2024)
    software = next(o for o in signals.occupations if o.isco == "2512")
    assert software.readings["vacancy_duration"].value == 95
    assert software.readings["vacancy_duration"].source == "Test figures (corrected)"
    cutoffs = {c.name: c.cutoffs for c in signals.cutoffs}
    assert cutoffs["vacancy_duration"] == (80, 90, 100)
    assert software.scorecard.scores["vacancy_duration"] == 2


@pytest.mark.parametrize("name, data, message", [
    ("notes.csv", b"name,comment\nx,y\n", "notes.csv: line 1: the header is not one of a shortage file's"),
    ("list.csv", LIST.replace(b"DE,4110", b"DE,9999"), "list.csv: line 4: ISCO-08 code '9999' is not a group"),
    ("list.csv", LIST.replace(b"DE,4110", b"XX,4110"), "list.csv: line 4: country 'XX' is not an EU-27 country"),
    ("list.csv", LIST.replace(b"DE,4110", b"GR,4110"), "Eurostat writes Greece as EL"),
    ("list.csv", LIST + b"DE,4110,shortage,2024,Test list A\n", "line 8: DE ISCO 4110 in 2024 is 'shortage' here"),
    ("list.csv", LIST[:-20], "line 7: missing column"),
    ("indicators.csv", INDICATORS.replace(b"0.8", b"n/a"), "line 3: value 'n/a' is not a number"),
    ("indicators.csv", INDICATORS.replace(b"0.8", b"nan"), "line 3: value 'nan' is not a number"),
    ("indicators.csv", INDICATORS + b"DE,2512,2024,vacancy_duration,150,Test figures\n",
     "line 8: vacancy_duration of DE ISCO 2512 in 2024 is 150 here but 140 on line 2"),
    ("cutoffs.csv", CUTOFFS.replace(b"90,110,130", b"130,110,90"), "line 2: vacancy_duration: the cut-offs must"),
    ("cutoffs.csv", CUTOFFS.replace(b",yes,", b",maybe,"), "line 2: higher_means_shortage 'maybe' is not yes or no"),
    ("cutoffs.csv", CUTOFFS.replace(b"Vacancy duration (days)", b"x" * 201), "line 2: the label is 201 characters"),
    ("list.csv", LIST.replace(b"Test list A", b"y" * 301, 1), "line 2: the source is 301 characters long"),
    ("binary.csv", b"\xff\xfe\x00c\x00o", "binary.csv: not UTF-8 text"),
    ("list.csv", LIST.replace(b"DE,4110", b"DE,41\x0010"), "line 4: the line contains a NUL character"),
    ("list.csv", LIST.replace(b"Test list A", b"Test\x00list", 1), "line 2: the line contains a NUL character"),
    ("list.csv", b"country,isco\x00,status,year,source\n", "line 1: the header is not one of a shortage file's"),
    ("empty.csv", b"", "the header is not one of a shortage file's"),
])
def test_bad_files_are_refused_whole_naming_the_line(session_factory, name, data, message):
    run(session_factory, "cutoffs.csv", CUTOFFS)
    before = stored(session_factory)
    with pytest.raises(ShortageImportRefused) as refused:
        run(session_factory, name, data)
    assert message in str(refused.value)
    assert stored(session_factory) == before
