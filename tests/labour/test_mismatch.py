"""The mismatch index across countries from imported counts, and the page that shows it.

The counts below are written for the tests in Eurostat's SDMX-CSV layout; they are illustrative.
"""

from __future__ import annotations

from math import sqrt

import pytest
from lxml import html as lxml_html

from labour.importer import import_file
from labour.mismatch import mismatch_across_countries
from records.db import transaction

JVS = "DATAFLOW,LAST UPDATE,freq,s_adj,nace_r2,sizeclas,indic_em,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG\n"
UNE_Q = "DATAFLOW,LAST UPDATE,freq,s_adj,age,unit,sex,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG\n"
UNE_M = UNE_Q
VACANCIES = JVS + "".join(
    f"ESTAT:JVS_Q_NACE2(1.0),15/03/25 23:00:00,Q,NSA,B-S,TOTAL,JOBVAC,{geo},2024-Q3,{value},\n"
    for geo, value in (("DE", 800000), ("ES", 150000), ("NL", 450000), ("FI", 40000), ("AT", 90000)))
# The rate series of the same table must not be taken for counts.
RATES = JVS + "ESTAT:JVS_Q_NACE2(1.0),15/03/25 23:00:00,Q,NSA,B-S,TOTAL,JOBRATE,SE,2024-Q3,4.1,\n"
UNEMPLOYED_QUARTERLY = UNE_Q + "".join(
    f"ESTAT:UNE_RT_Q(1.0),15/03/25 23:00:00,Q,NSA,Y15-74,THS_PER,T,{geo},2024-Q3,{value},\n"
    for geo, value in (("DE", 1500), ("ES", 3000), ("NL", 350)))
# Finland's unemployed from its three months (mean 200 thousand); Austria has only two of them.
UNEMPLOYED_MONTHLY = UNE_M + "".join(
    f"ESTAT:UNE_RT_M(1.0),15/03/25 23:00:00,M,NSA,TOTAL,THS_PER,T,{geo},{month},{value},\n"
    for geo, month, value in (("FI", "2024-07", 190), ("FI", "2024-08", 200), ("FI", "2024-09", 210),
                              ("AT", "2024-07", 250), ("AT", "2024-08", 260)))


def load(factory, *files: tuple[str, str]) -> None:
    for name, text in files:
        with transaction(factory) as session:
            import_file(session, name, text.encode(), actor="tester")


def by_hand(vacancies: dict[str, float], unemployed: dict[str, float], a: float) -> float:
    total_v, total_u = sum(vacancies.values()), sum(unemployed.values())
    return 1 - sum((vacancies[g] / total_v) ** a * (unemployed[g] / total_u) ** (1 - a) for g in vacancies)


def test_the_index_spans_the_countries_with_both_counts(session_factory):
    load(session_factory, ("jvs.csv", VACANCIES), ("rates.csv", RATES), ("une_q.csv", UNEMPLOYED_QUARTERLY),
         ("une_m.csv", UNEMPLOYED_MONTHLY))
    with session_factory() as session:
        found = mismatch_across_countries(session, "2024-Q3")
        steeper = mismatch_across_countries(session, "2024-Q3", 0.3)
        empty = mismatch_across_countries(session, "2019-Q1")
    assert [s.geo for s in found.segments] == ["DE", "ES", "FI", "NL"]
    finland = next(s for s in found.segments if s.geo == "FI")
    assert finland.unemployed == pytest.approx(200_000) and finland.unemployed_from_months
    assert "AT" in found.left_out and "SE" in found.left_out  # a month missing; a rate is not a count
    vacancies = {"DE": 800_000, "ES": 150_000, "FI": 40_000, "NL": 450_000}
    unemployed = {"DE": 1_500_000, "ES": 3_000_000, "FI": 200_000, "NL": 350_000}
    assert found.index.value == pytest.approx(by_hand(vacancies, unemployed, 0.5), abs=1e-9)
    assert found.index.value == pytest.approx(1 - (sqrt(8 / 14.4 * 15 / 50.5) + sqrt(1.5 / 14.4 * 30 / 50.5)
                                                   + sqrt(0.4 / 14.4 * 2 / 50.5) + sqrt(4.5 / 14.4 * 3.5 / 50.5)))
    assert steeper.index.value == pytest.approx(by_hand(vacancies, unemployed, 0.3), abs=1e-9)
    assert steeper.index.value != found.index.value and steeper.elasticity == 0.3
    assert empty.index is None and empty.segments == []


def test_one_country_alone_gives_no_index(session_factory):
    load(session_factory, ("jvs.csv", VACANCIES), ("une_m.csv", UNEMPLOYED_MONTHLY))
    with session_factory() as session:
        found = mismatch_across_countries(session, "2024-Q3")
    assert [s.geo for s in found.segments] == ["FI"] and found.index is None


# -- on the page ---------------------------------------------------------------------------------


def page(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    return lxml_html.fromstring(response.get_data(as_text=True))


def test_the_shipped_rates_do_not_allow_the_index_and_the_page_says_what_would(tmp_path):
    from tests.webapp.test_labour import figures_app

    with figures_app(f"sqlite:///{tmp_path / 'app.db'}") as application:
        tree = page(application.test_client(), "/labour/?quarter=2021-Q3")
    missing = " ".join(tree.xpath('string(//*[@id="mismatch-missing"])').split())
    assert "JOBVAC" in missing and "THS_PER" in missing and "never guessed from rates" in missing


def test_imported_counts_show_the_index_with_its_elasticity(make_app):
    app = make_app()
    with app.app_context():
        from webapp.database import session_factory
        # The rates give the page its quarters; the counts give the index.
        load(session_factory(), ("jvs.csv", VACANCIES), ("rates.csv", RATES), ("une_q.csv", UNEMPLOYED_QUARTERLY),
             ("une_m.csv", UNEMPLOYED_MONTHLY))
    client = app.test_client()
    tree = page(client, "/labour/?quarter=2024-Q3&lang=en")
    value = " ".join(tree.xpath('string(//*[@id="mismatch-value"])').split())
    assert value.startswith("M = 0.") and "elasticity a = 0.5, over 4 countries" in value
    rows = tree.xpath('//table[@id="mismatch-table"]//tr[@data-geo]/@data-geo')
    assert rows == ["DE", "ES", "FI", "NL"]
    assert "AT" in tree.xpath('string(//*[@id="mismatch-left-out"])')
    german = page(client, "/labour/?quarter=2024-Q3&elasticity=0.3&lang=de")
    assert "Elastizität a = 0,3" in german.xpath('string(//*[@id="mismatch-value"])')
    odd = page(client, "/labour/?quarter=2024-Q3&elasticity=1.5", 400)
    assert "“1.5” is not one of the elasticities offered" in odd.xpath('string(//*[@role="alert"])')
    assert "a = 0.5" in odd.xpath('string(//*[@id="mismatch-value"])')
