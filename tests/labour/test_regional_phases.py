"""A NUTS-2 region's cycle phase per year, from Eurostat's annual regional unemployment table
(lfst_r_lfu3rt) imported as TSV: stored with its inputs, shown on the region's page and in the JSON.

The regional figures below follow a textbook eight-year cycle; they are illustrative, not published ones.
"""

from __future__ import annotations

import math

import pytest
from lxml import html as lxml_html

from labour.importer import import_file
from labour.picture import picture, stored_phases
from records.db import transaction

YEARS = list(range(2008, 2024))


def regional_tsv(geo: str = "DE21", years: list[int] = YEARS) -> bytes:
    rates = [round(6 - 1.5 * math.sin(2 * math.pi * (year - 2008) / 8), 1) for year in years]
    header = "freq,isced11,sex,age,unit,geo\\TIME_PERIOD\t" + "\t".join(f"{year} " for year in years)
    row = f"A,TOTAL,T,Y15-74,PC,{geo}\t" + "\t".join(f"{rate} " for rate in rates)
    # Another education level of the same table: imported, but not the headline series read for phases.
    other = f"A,ED0-2,T,Y15-74,PC,{geo}\t" + "\t".join(f"{rate + 3} " for rate in rates)
    return f"{header}\n{row}\n{other}\n".encode()


def load(factory, data: bytes, name: str = "estat_lfst_r_lfu3rt.tsv") -> None:
    with transaction(factory) as session:
        import_file(session, name, data, actor="tester")


def test_a_region_gets_a_phase_per_year_from_its_annual_unemployment_rate(session_factory):
    load(session_factory, regional_tsv())
    with session_factory() as session:
        found = picture(session, "DE21")
        stored = stored_phases(session, "DE21")
    assert found.unemployment.annual and not found.unemployment.derived
    assert found.tightness == {} and found.beveridge == []  # no regional vacancy rates
    assert [p.period for p in stored] == [p.period for p in found.phases]
    assert stored[0].period.isdigit() and len(stored[0].period) == 4
    method = stored[-1].method
    assert (method.frequency, method.hp_lambda, method.minimum_run) == ("A", 6.25, 8)
    assert stored[-1].indicator == "unemployment_rate" and stored[-1].inputs["reading"]
    by_year = {p.period: p.phase for p in stored}
    # Unemployment is lowest in 2010 and highest in 2014: a tight market around the first, slack around the second.
    assert by_year["2010"] in ("expansion", "downturn") and by_year["2014"] in ("slowdown", "recovery")


def test_seven_years_give_no_phase(session_factory):
    load(session_factory, regional_tsv(years=list(range(2017, 2024))))
    with session_factory() as session:
        assert picture(session, "DE21").phases == [] and stored_phases(session, "DE21") == []


# -- on the page and in the JSON ------------------------------------------------------------------


@pytest.fixture
def client(make_app):
    app = make_app()
    with app.app_context():
        from webapp.database import session_factory
        load(session_factory(), regional_tsv())
    return app.test_client()


def test_the_region_page_reads_its_phases_per_year(client):
    response = client.get("/labour/DE21?lang=en")
    assert response.status_code == 200
    tree = lxml_html.fromstring(response.get_data(as_text=True))
    assert "lfst_r_lfu3rt" in tree.xpath('string(//*[@id="annual-note"])')
    assert tree.xpath('//table[@id="time-table"]//th[@scope="col"][1]/text()') == ["Year"]
    assert tree.xpath('//table[@id="time-table"]//tr[@data-period="2023"]')
    assert "last two years" in tree.xpath('string(//*[@id="provisional"])')
    assert "annual figures have no seasons" in tree.text_content()
    assert tree.xpath('//*[@id="quarterly-csv"]') == []  # there is no quarterly rate to download
    assert client.get("/labour/DE21/unemployment-quarterly.csv").status_code == 404
