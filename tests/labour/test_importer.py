"""Importing Eurostat files into observation records, on SQLite and PostgreSQL.

The fixtures are hand-written in Eurostat's layouts; their figures are illustrative.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from labour.defaults import DEFAULT_DATA, load_default_figures
from labour.importer import ImportRefused, import_file
from labour.observations import coverage, headline_series
from records.db import transaction
from records.models import AuditEntry, LabourImport, LabourObservation, LabourSeries

FIXTURES = Path(__file__).parent / "fixtures"
TSV = (FIXTURES / "estat_jvs_q_nace2.tsv").read_bytes()
SDMX = (FIXTURES / "une_rt_m.csv").read_bytes()
SDMX_HEADER = "DATAFLOW,LAST UPDATE,freq,s_adj,age,unit,sex,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG\n"
UNE = "ESTAT:UNE_RT_M(1.0),02/06/25 11:00:00,M,SA,TOTAL,PC_ACT,T"
TSV_HEADER = "freq,s_adj,nace_r2,sizeclas,indic_em,geo\\TIME_PERIOD\t2023-Q4 \t2024-Q1 \n"


def counts(factory) -> tuple[int, int]:
    with factory() as session:
        return (session.scalar(select(func.count()).select_from(LabourImport)),
                session.scalar(select(func.count()).select_from(LabourObservation)))


def run_import(factory, name: str, data: bytes):
    with transaction(factory) as session:
        return import_file(session, name, data, actor="tester")


def test_tsv_import_keeps_flags_and_missing_values(session_factory):
    report = run_import(session_factory, "estat_jvs_q_nace2.tsv", TSV)
    assert (report.format, report.datasets) == ("tsv", ("jvs_q_nace2",))
    # 3 places x 3 quarters; EL 2023-Q4 and 2024-Q2 are ':'; flags p, e, c, bu.
    assert (report.observations, report.missing, report.flagged) == (9, 2, 4)
    with session_factory() as session:
        greece = headline_series(session, "jvs_q_nace2", "EL")
        germany = headline_series(session, "jvs_q_nace2", "DE")
        audit = session.scalar(select(AuditEntry).where(AuditEntry.action == "labour.import"))
    assert [(f.period, f.value, f.flags) for f in greece.figures.values()] == [
        ("2023-Q4", None, ""), ("2024-Q1", 1.2, "e"), ("2024-Q2", None, "c")]
    assert greece.values() == {"2024-Q1": 1.2}  # a missing figure stays missing
    assert germany.figures["2024-Q2"].flags == "p" and germany.seasonally_adjusted
    assert germany.figures["2024-Q2"].file_name == "estat_jvs_q_nace2.tsv"
    assert germany.attribution == "Source: Eurostat"
    assert audit.actor == "tester" and audit.detail["observations"] == 9


def test_sdmx_import_keeps_flags_missing_values_and_the_publishers_date(session_factory):
    report = run_import(session_factory, "une_rt_m.csv", SDMX)
    assert (report.format, report.observations, report.missing, report.flagged) == ("sdmx-csv", 4, 1, 1)
    with session_factory() as session:
        austria = headline_series(session, "une_rt_m", "AT")
        record = session.scalar(select(LabourImport))
    assert austria.values() == {"2024-11": 5.4, "2024-12": 5.5}
    assert austria.figures["2024-12"].flags == "p"
    # '02/06/25 11:00:00' is day/month/year: 2 June 2025.
    assert austria.figures["2024-12"].published_at == datetime(2025, 6, 2, 11, tzinfo=UTC)
    assert record.published_at.replace(tzinfo=UTC) == datetime(2025, 6, 2, 11, tzinfo=UTC)


def test_the_same_file_twice_changes_nothing(session_factory):
    first = run_import(session_factory, "une_rt_m.csv", SDMX)
    before = counts(session_factory)
    second = run_import(session_factory, "renamed.csv", SDMX)
    assert second.already_imported and second.import_id == first.import_id
    assert counts(session_factory) == before == (1, 4)


def test_a_newer_vintage_is_shown_and_the_older_one_kept(session_factory):
    run_import(session_factory, "une_rt_m.csv", SDMX)
    revised = (SDMX_HEADER + "ESTAT:UNE_RT_M(1.0),15/07/25 11:00:00,M,SA,TOTAL,PC_ACT,T,AT,2024-12,5.6,\n").encode()
    run_import(session_factory, "une_rt_m-july.csv", revised)
    with session_factory() as session:
        austria = headline_series(session, "une_rt_m", "AT")
        stored = session.scalars(select(LabourObservation.value).join(LabourSeries).where(
            LabourSeries.geo == "AT", LabourObservation.period == "2024-12")).all()
    assert austria.figures["2024-12"].value == 5.6 and austria.figures["2024-12"].flags == ""
    assert austria.figures["2024-11"].value == 5.4  # untouched by the revision
    assert sorted(stored) == [5.5, 5.6]


def test_countries_outside_the_eu_are_left_out_and_counted(session_factory):
    data = (SDMX_HEADER + f"{UNE},AT,2024-11,5.4,\n{UNE},NO,2024-11,4.1,\n{UNE},EU27_2020,2024-11,5.9,\n").encode()
    report = run_import(session_factory, "une.csv", data)
    assert (report.observations, report.outside_scope) == (2, 1)
    with session_factory() as session:
        assert {c.geo for c in coverage(session)} == {"AT", "EU27_2020"}


BAD_FILES = {
    "neither format": ("notes.csv", "country;period;value\nDE;2024-Q1;3.9\n", 1, "unknown layout"),
    "truncated TSV row": ("estat_jvs_q_nace2.tsv", TSV_HEADER + "Q,SA,B-S,TOTAL,JOBRATE,DE\t4.1 \t3.9 \n"
                          "Q,SA,B-S,TOTAL,JOBRATE,FR\t2.", 3, "expected 3 tab-separated cells"),
    "truncated SDMX row": ("une.csv", SDMX_HEADER + f"{UNE},AT,2024-11,5.4,\n{UNE},AT,2024-1", 3,
                           "comma-separated cells"),
    "unknown dimension code": ("une.csv", SDMX_HEADER + f"{UNE},AT,2024-11,5.4,\n"
                               "ESTAT:UNE_RT_M(1.0),02/06/25 11:00:00,M,XSA,TOTAL,PC_ACT,T,AT,2024-12,5.5,\n",
                               3, "unknown s_adj code 'XSA'"),
    "unknown dataset": ("une.csv", SDMX_HEADER.replace("une", "x") +
                        "ESTAT:LFSA_EGAN(1.0),02/06/25 11:00:00,M,SA,TOTAL,PC_ACT,T,AT,2024-11,5.4,\n",
                        2, "dataset 'lfsa_egan' is not one the platform reads"),
    "period that does not parse": ("une.csv", SDMX_HEADER + f"{UNE},AT,2024-11,5.4,\n{UNE},AT,Nov 2024,5.5,\n",
                                   3, "period 'Nov 2024'"),
    "period of another frequency": ("une.csv", SDMX_HEADER + f"{UNE},AT,2024-Q4,5.4,\n", 2,
                                    "does not match une_rt_m's frequency"),
    "value that is not a number": ("une.csv", SDMX_HEADER + f"{UNE},AT,2024-11,five,\n", 2,
                                   "OBS_VALUE 'five' is not a number"),
    "TSV value that is not a number": ("estat_jvs_q_nace2.tsv", TSV_HEADER + "Q,SA,B-S,TOTAL,JOBRATE,DE\t4,1 \t3.9 \n",
                                       2, "value '4,1' is not a number"),
    "conflicting duplicate": ("une.csv", SDMX_HEADER + f"{UNE},AT,2024-11,5.4,\n{UNE},AT,2024-12,5.5,\n"
                              f"{UNE},AT,2024-11,5.9,\n", 4, "given twice with different values (5.4 on line 2"),
    "unknown geography": ("une.csv", SDMX_HEADER + f"{UNE},AT,2024-11,5.4,\n{UNE},XX,2024-11,5.5,\n", 3,
                          "geography 'XX' is not in the NUTS 2021 scheme"),
    "NUTS code that does not exist": ("une.csv", SDMX_HEADER + f"{UNE},DE99,2024-11,5.5,\n", 2, "'DE99'"),
    "date Eurostat does not write": ("une.csv", SDMX_HEADER + "ESTAT:UNE_RT_M(1.0),yesterday,M,SA,TOTAL,PC_ACT,T,"
                                     "AT,2024-11,5.4,\n", 2, "LAST UPDATE 'yesterday'"),
    "not UTF-8": ("une.csv", None, 3, "not UTF-8"),
    "empty": ("une.csv", "", 1, "the file is empty"),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_a_bad_file_names_its_line_and_imports_nothing(session_factory, case):
    name, text, line, problem = BAD_FILES[case]
    data = (SDMX_HEADER + f"{UNE},AT,2024-11,5.4,\n").encode() + b"\xff\xfe\n" if text is None else text.encode()
    run_import(session_factory, "earlier.csv", SDMX)
    before = counts(session_factory)
    with pytest.raises(ImportRefused) as refused:
        run_import(session_factory, name, data)
    assert f"line {line}:" in str(refused.value) and problem in str(refused.value)
    assert str(refused.value).startswith(f"{name}: ")
    assert counts(session_factory) == before


def test_the_shipped_figures_load_once_with_their_attribution(session_factory):
    first = load_default_figures(session_factory)
    second = load_default_figures(session_factory)
    assert [r.observations for r in first] == [165, 1885]
    assert all(r.already_imported for r in second) and counts(session_factory) == (2, 2050)
    with session_factory() as session:
        germany = headline_series(session, "jvs_q_nace2", "DE")
        spain = headline_series(session, "une_rt_m", "ES")
        covered = {(c.dataset, c.geo): c for c in coverage(session)}
    assert germany.figures["2016-Q3"].value == 2.4 and germany.attribution == "Source: Eurostat"
    assert (covered["jvs_q_nace2", "DE"].first, covered["jvs_q_nace2", "DE"].last) == ("2016-Q3", "2024-Q4")
    assert ("jvs_q_nace2", "ES") not in covered  # no vacancy figures for Spain are shipped
    assert (spain.figures["2016-10"].period, list(spain.figures)[-1]) == ("2016-10", "2022-02")
    assert len(covered) == 5 + 29
    assert "Source: Eurostat" in (DEFAULT_DATA / "README.md").read_text()


def test_cli_imports_reports_and_refuses(make_app, tmp_path):
    app = make_app()
    runner = app.test_cli_runner()
    good, bad = tmp_path / "une_rt_m.csv", tmp_path / "estat_jvs_q_nace2.tsv"
    good.write_bytes(SDMX)
    bad.write_text(TSV_HEADER + "Q,SA,B-S,TOTAL,JOBRATE,DE\t4.1 \n")
    result = runner.invoke(args=["labour", "import", str(good), str(bad)])
    assert result.exit_code == 1
    assert "une_rt_m.csv (sdmx-csv, une_rt_m): 4 figures imported, 1 missing, 1 flagged." in result.output
    assert "Refused, nothing imported: estat_jvs_q_nace2.tsv: line 2: expected 3 tab-separated cells" in result.output
    again = runner.invoke(args=["labour", "import", str(good)])
    assert again.exit_code == 0 and "already imported" in again.output and "nothing changed" in again.output
    status = runner.invoke(args=["labour", "status"])
    assert "une_rt_m       AT         2024-11 to 2024-12: 2 periods, 0 missing, 1 flagged" in status.output
