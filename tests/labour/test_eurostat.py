"""Eurostat TSV and SDMX-CSV readers.

The fixtures are written by hand in Eurostat's layouts; their figures are illustrative, not Eurostat's.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from labour.eurostat import (
    EurostatFormatError,
    Observation,
    detect_format,
    read_file,
    read_sdmx_csv,
    read_tsv,
)
from tests.services import require_shared_data

FIXTURES = Path(__file__).parent / "fixtures"
JVS_TSV = FIXTURES / "estat_jvs_q_nace2.tsv"
UNE_CSV = FIXTURES / "une_rt_m.csv"

TSV_HEADER = "freq,unit,geo\\TIME_PERIOD\t2021Q3 \t2021Q4 \n"
SDMX_HEADER = "DATAFLOW,LAST UPDATE,freq,unit,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG\n"


def by_key(observations: list[Observation]) -> dict[tuple[str, str], Observation]:
    return {(obs.geo, obs.period): obs for obs in observations}


# -- TSV -----------------------------------------------------------------------------------------


def test_tsv_fixture_values_flags_and_missing():
    layout, observations = read_file(JVS_TSV.name, JVS_TSV.read_bytes())
    assert layout == "tsv"
    assert len(observations) == 9
    obs = by_key(observations)
    assert obs["DE", "2023-Q4"].value == 4.1
    assert obs["DE", "2023-Q4"].flags == ""
    assert (obs["DE", "2024-Q2"].value, obs["DE", "2024-Q2"].flags) == (3.7, "p")
    assert (obs["EL", "2023-Q4"].value, obs["EL", "2023-Q4"].flags) == (None, "")
    assert (obs["EL", "2024-Q1"].value, obs["EL", "2024-Q1"].flags) == (1.2, "e")
    assert (obs["EL", "2024-Q2"].value, obs["EL", "2024-Q2"].flags) == (None, "c")
    # Flags are kept whole: "bu" is break in series and low reliability, not two observations.
    assert (obs["FR", "2024-Q1"].value, obs["FR", "2024-Q1"].flags) == (2.4, "bu")


def test_tsv_dimensions_and_dataset():
    _, observations = read_file(JVS_TSV.name, JVS_TSV.read_bytes())
    first = observations[0]
    assert first.dataset == "jvs_q_nace2"
    assert first.dimensions == {
        "freq": "Q", "s_adj": "SA", "nace_r2": "B-S", "sizeclas": "TOTAL", "indic_em": "JOBRATE",
    }
    assert first.last_update is None
    assert {o.geo for o in observations} == {"DE", "EL", "FR"}
    assert [o.period for o in observations[:3]] == ["2023-Q4", "2024-Q1", "2024-Q2"]


@pytest.mark.parametrize("name", ["estat_jvs_q_nace2.tsv", "jvs_q_nace2.tsv", "downloads/JVS_Q_NACE2.tsv"])
def test_tsv_dataset_comes_from_the_file_name(name):
    _, observations = read_file(name, JVS_TSV.read_bytes())
    assert {o.dataset for o in observations} == {"jvs_q_nace2"}


def test_tsv_older_period_spellings_are_normalised():
    quarterly = list(read_tsv(TSV_HEADER + "Q,PC,DE\t3.1 \t2.9 \n", "jvs_q_nace2"))
    assert [o.period for o in quarterly] == ["2021-Q3", "2021-Q4"]


def test_tsv_monthly_and_annual_periods():
    monthly = list(read_tsv("freq,unit,geo\\TIME_PERIOD\t2021M07 \t2021-12 \nM,PC_ACT,AT\t6.1 \t5.9 \n", "une_rt_m"))
    assert [o.period for o in monthly] == ["2021-07", "2021-12"]
    annual = list(read_tsv("unit,geo\\time\t2021 \nPC,BE\t5.6 \n", "lfst_r_lfu3rt"))
    assert (annual[0].period, annual[0].value, annual[0].dimensions) == ("2021", 5.6, {"unit": "PC"})


def test_tsv_accepts_a_byte_order_mark_and_crlf():
    data = ("\ufeff" + TSV_HEADER + "Q,PC,DE\t3.1 \t2.9 p\n").replace("\n", "\r\n").encode()
    layout, observations = read_file("jvs_q_nace2.tsv", data)
    assert layout == "tsv"
    assert [(o.value, o.flags) for o in observations] == [(3.1, ""), (2.9, "p")]


# -- SDMX-CSV ------------------------------------------------------------------------------------


def test_sdmx_csv_fixture():
    layout, observations = read_file(UNE_CSV.name, UNE_CSV.read_bytes())
    assert layout == "sdmx-csv"
    assert len(observations) == 4
    obs = by_key(observations)
    at = obs["AT", "2024-11"]
    assert at == Observation(
        dataset="une_rt_m",
        dimensions={"freq": "M", "s_adj": "SA", "age": "TOTAL", "unit": "PC_ACT", "sex": "T"},
        geo="AT",
        period="2024-11",
        value=5.4,
        flags="",
        last_update="02/06/25 11:00:00",
    )
    assert (obs["AT", "2024-12"].value, obs["AT", "2024-12"].flags) == (5.5, "p")
    assert (obs["EL", "2024-12"].value, obs["EL", "2024-12"].flags) == (None, "")
    assert obs["EL", "2024-11"].value == 9.6


def test_sdmx_csv_without_flag_or_last_update_columns():
    text = "DATAFLOW,freq,geo,TIME_PERIOD,OBS_VALUE\nESTAT:JVS_Q_NACE2(1.0),Q,NL,2024Q3,4.4\n"
    [obs] = read_sdmx_csv(text)
    assert (obs.dataset, obs.period, obs.value, obs.flags, obs.last_update) == ("jvs_q_nace2", "2024-Q3", 4.4, "", None)
    assert obs.dimensions == {"freq": "Q"}


def test_observations_are_hashable():
    _, observations = read_file(UNE_CSV.name, UNE_CSV.read_bytes())
    assert len(set(observations)) == 4


# -- detection -----------------------------------------------------------------------------------


def test_detect_format():
    assert detect_format(JVS_TSV.read_text(encoding="utf-8")) == "tsv"
    assert detect_format(UNE_CSV.read_text(encoding="utf-8")) == "sdmx-csv"
    with pytest.raises(EurostatFormatError, match=r"^line 1: unknown layout"):
        detect_format("country,period,value\nDE,2024-Q1,4.0\n")


# -- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("x.tsv", b"", r"^line 1: the file is empty$"),
        ("x.tsv", b"\n  \n", r"^line 1: the file is empty$"),
        ("x.tsv", (TSV_HEADER + "Q,PC,DE\t3.1 \t2.9 \n").encode() + b"Q,PC,FR\t\xff\t1.0\n", r"^line 3: not UTF-8"),
        ("x.csv", b"country,period,value\nDE,2024-Q1,4.0\n", r"^line 1: unknown layout"),
        ("x.tsv", (TSV_HEADER + "Q,PC,DE\t3.1 \nQ,PC,FR\t1 \t2 \n").encode(), r"^line 2: expected 3 tab-separated"),
        ("x.tsv", (TSV_HEADER + "Q,DE\t3.1 \t2.9 \n").encode(), r"^line 2: the first cell holds 2 dimension values"),
        ("x.tsv", (TSV_HEADER + "Q,PC,DE\t3.1 \t2,9 \n").encode(), r"^line 2: value '2,9' is not a number"),
        ("x.tsv", (TSV_HEADER + "Q,PC,DE\tn/a \t2.9 \n").encode(), r"^line 2: value 'n/a' is not a number"),
        ("x.tsv", b"freq,geo\\TIME_PERIOD\t2021S1 \nA,DE\t1 \n", r"^line 1: period '2021S1' is not a year"),
        ("x.tsv", b"freq,unit\\TIME_PERIOD\t2021 \nA,PC\t1 \n", r"^line 1: the first header cell names no 'geo'"),
        ("x.csv", (SDMX_HEADER + "ESTAT:UNE_RT_M(1.0),,M,PC,DE,2024-01,3.1,\nESTAT:UNE_RT_M(1.0),,M,DE,2024-02,3.0,\n")
         .encode(), r"^line 3: expected 8 comma-separated cells, found 7$"),
        ("x.csv", (SDMX_HEADER + "ESTAT:UNE_RT_M(1.0),,M,PC,DE,2024-01,three,\n").encode(),
         r"^line 2: OBS_VALUE 'three' is not a number$"),
        ("x.csv", (SDMX_HEADER + "ESTAT:UNE_RT_M(1.0),,M,PC,DE,2024-01,nan,\n").encode(),
         r"^line 2: OBS_VALUE 'nan' is not a number$"),
        ("x.csv", (SDMX_HEADER + "ESTAT:UNE_RT_M(1.0),,M,PC,DE,2024-13,3.0,\n").encode(),
         r"^line 2: period '2024-13' is not a year, quarter or month$"),
        ("x.csv", (SDMX_HEADER + "ESTAT:UNE RT M,,M,PC,DE,2024-01,3.0,\n").encode(),
         r"^line 2: DATAFLOW 'ESTAT:UNE RT M' is not like"),
    ],
)
def test_bad_input_names_the_line(name, data, message):
    with pytest.raises(EurostatFormatError, match=message) as caught:
        read_file(name, data)
    assert caught.value.line == int(message.split()[1].rstrip(":"))


def test_readers_check_the_header_before_the_first_row():
    with pytest.raises(EurostatFormatError, match=r"^line 1: the SDMX-CSV header has no OBS_VALUE column$"):
        read_sdmx_csv("DATAFLOW,geo,TIME_PERIOD\n")
    with pytest.raises(EurostatFormatError, match=r"^line 1: not a Eurostat TSV header"):
        read_tsv(SDMX_HEADER, "une_rt_m")


# -- real data -----------------------------------------------------------------------------------


def test_real_unemployment_rates_parse_as_sdmx_csv():
    """The shared extract is the platform's own table, not a Eurostat download: it is refused as it is,
    and its figures, laid out as SDMX-CSV, come back unchanged and plausible."""
    path = require_shared_data("labour/unemployment_rate_m.csv")
    data = path.read_bytes()
    with pytest.raises(EurostatFormatError, match=r"^line 1: unknown layout"):
        read_file(path.name, data)

    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["DATAFLOW", "LAST UPDATE", "freq", "s_adj", "unit", "sex", "geo", "TIME_PERIOD", "OBS_VALUE"])
    for row in rows:
        writer.writerow(["ESTAT:UNE_RT_M(1.0)", row["vintage_committed"], "M", row["seasonal_adjustment"], "PC_ACT",
                         row["sex"], row["country"], row["period"].replace("-", "M"), row["value"]])
    layout, observations = read_file("une_rt_m.csv", out.getvalue().encode())

    assert layout == "sdmx-csv"
    assert len(observations) == len(rows) > 1000
    assert [o.value for o in observations] == [float(row["value"]) for row in rows]
    assert all(0 < o.value < 40 for o in observations)
    assert {o.dataset for o in observations} == {"une_rt_m"}
    assert "EL" in {o.geo for o in observations}
    assert all(len(o.period) == 7 and o.period[4] == "-" for o in observations)
