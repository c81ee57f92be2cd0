"""The labour-market pages over HTTP, with the shipped Eurostat figures: every place and a comparison
of countries in one quarter, a country's Beveridge curve, tightness and cycle phase with the reasons,
flags explained, CSV exports with provenance, five languages, and a clear 4xx (never a 500)."""

from __future__ import annotations

import csv
import hashlib
import io
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from lxml import html as lxml_html

from labour.defaults import DEFAULT_DATA, load_default_figures
from labour.importer import import_file
from labour.indicators import QUARTERLY_MEAN_METHOD
from labour.picture import stored_phases
from records.db import transaction
from records.migrate import upgrade
from webapp.labour.export import QUARTERLY_COLUMNS, SERIES_COLUMNS

FLAGGED_TSV = Path(__file__).parents[1] / "labour" / "fixtures" / "estat_jvs_q_nace2.tsv"


@contextmanager
def figures_app(database_url: str, *, flagged: bool = False):
    """An app holding the shipped figures (and, when asked, a small file with Eurostat's flags)."""
    from webapp import create_app
    from webapp.graph_access import close_store

    application = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key", "NEO4J_URI": None,
                              "DATABASE_URL": database_url, "RATELIMIT_ENABLED": False})
    with application.app_context():
        from webapp.database import engine, session_factory
        upgrade(engine())
        load_default_figures(session_factory())
        if flagged:
            with transaction(session_factory()) as session:
                import_file(session, FLAGGED_TSV.name, FLAGGED_TSV.read_bytes(), actor="tester")
    try:
        yield application
    finally:
        close_store(application)
        with application.app_context():
            from webapp.database import engine
            engine().dispose()


@pytest.fixture(scope="module")
def labour_app(tmp_path_factory):
    """One app for the module: every request here only reads."""
    with figures_app(f"sqlite:///{tmp_path_factory.mktemp('labour') / 'app.db'}") as application:
        yield application


@pytest.fixture
def client(labour_app):
    return labour_app.test_client()


def page(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return lxml_html.fromstring(response.get_data(as_text=True))


def text(tree, xpath: str) -> str:
    return " ".join(" ".join(node.text_content().split()) for node in tree.xpath(xpath))


def cells(tree, table_id: str, period: str) -> list[str]:
    row = tree.xpath(f'//table[@id="{table_id}"]//tr[@data-period="{period}"]')
    assert row, f"no row for {period} in {table_id}"
    return [" ".join(cell.text_content().split()) for cell in row[0].xpath("./th|./td")]


# -- a country's page ----------------------------------------------------------------------------

def test_a_country_page_shows_its_beveridge_curve_with_the_unemployment_rate_derived_from_months(client):
    tree = page(client, "/labour/DE")
    assert text(tree, "//h1") == "Germany: the labour market"
    source = text(tree, '//p[@id="source"]')
    assert "Source: Eurostat" in source and "jvs_q_nace2" in source and "une_rt_m" in source
    # 2016-Q4: the months 4.0, 3.9 and 3.9 give 3.93; the vacancy rate is 2.5.
    assert cells(tree, "beveridge-table", "2016-Q4") == ["2016-Q4", "3.93", "2.5"]
    assert "(derived)" in text(tree, '//table[@id="beveridge-table"]//thead')
    assert text(tree, '//table[@id="beveridge-table"]/caption') == "Beveridge curve of Germany: the figures per quarter"
    canvas = tree.xpath('//canvas[@id="beveridge-chart"]')[0]
    assert canvas.get("role") == "img"
    assert "Beveridge curve of Germany from 2016-Q4 to 2021-Q4" in canvas.get("aria-label")
    # Tightness 2016-Q4 is 2.5 / 3.9333 = 0.636; 2016-Q3 has a vacancy rate but no unemployment rate.
    assert cells(tree, "time-table", "2016-Q4")[1:4] == ["3.93", "2.5", "0.636"]
    assert cells(tree, "time-table", "2016-Q3")[1:4] == ["no figure", "2.4", "no figure"]


def test_a_country_page_says_its_current_phase_and_why(labour_app, client):
    tree = page(client, "/labour/DE")
    with labour_app.app_context():
        from webapp.database import session_factory
        with session_factory()() as session:
            phases = stored_phases(session, "DE")
    current = tree.xpath('//p[contains(@class, "current-line")]')[0]
    assert (current.get("data-period"), current.get("data-phase")) == ("2021-Q4", "expansion")
    assert "Phase in 2021-Q4: Expansion" in current.text_content()
    assert text(tree, '//q[@id="recorded-reading"]') == phases[-1].inputs["reading"]
    reading = text(tree, '//p[@id="reading"]')
    assert reading.startswith("The labour-market tightness") and "getting tighter" in reading
    facts = text(tree, '//section[@id="current-phase"]//dl')
    assert "phase-1" in facts and "1600" in facts and "published seasonally adjusted" in facts
    assert "Provisional" in text(tree, '//p[@id="provisional"]')
    # The phases table holds every stored phase, each with the figures it was read from.
    rows = tree.xpath('//table[@id="phases-table"]/tbody/tr')
    assert [row.get("data-period") for row in rows] == [p.period for p in phases]
    assert cells(tree, "phases-table", "2021-Q4")[1] == "Expansion"
    # The legend names each phase beside its colour.
    legend = text(tree, '//div[@id="phase-legend"]')
    assert all(name in legend for name in ("Expansion", "Downturn", "Slowdown", "Recovery"))


def test_the_last_moves_on_the_curve_are_told_in_words(client):
    tree = page(client, "/labour/DE")
    moves = [" ".join(li.text_content().split()) for li in tree.xpath('//ul[@class="moves"]/li')]
    assert moves[-1] == ("2021-Q3 to 2021-Q4: along the curve, tightening "
                         "(unemployment -0.2 points, vacancies +0.4 points)")
    assert len(moves) == 4 and "0 were shifts outwards and 0 shifts inwards" in text(tree, '//section[@id="beveridge"]')


def test_a_country_without_vacancy_figures_reads_its_phase_from_unemployment(client):
    tree = page(client, "/labour/ES")
    assert text(tree, '//p[@id="no-vacancy"]') == (
        "No job vacancy figures are held for Spain: the Beveridge curve and labour-market tightness need them. "
        "The phase is read from the unemployment rate.")
    assert not tree.xpath('//canvas[@id="beveridge-chart"]') and tree.xpath('//canvas[@id="time-chart"]')
    assert "unemployment rate" in text(tree, '//section[@id="current-phase"]//dl')
    assert tree.xpath('//p[contains(@class, "current-line")]')[0].get("data-period") == "2021-Q4"
    # Columns of figures that are not held are left out rather than filled with "no figure".
    assert "Job vacancy rate" not in text(tree, '//table[@id="time-table"]//thead')


def test_an_aggregate_is_marked_as_one(client):
    tree = page(client, "/labour/EU27_2020")
    assert "is an aggregate Eurostat publishes beside the member states" in text(tree, "//main")
    assert text(tree, "//h1") == "European Union (27 countries, from 2020): the labour market"


# -- places that are unknown or hold nothing ------------------------------------------------------

def test_an_unknown_place_is_a_404_page_that_says_so(client):
    tree = page(client, "/labour/XX", 404)
    assert "There is no place with the code “XX”" in text(tree, '//p[@id="problem"]')


def test_a_known_place_without_figures_says_how_figures_are_imported(client):
    tree = page(client, "/labour/DE21")
    assert text(tree, "//h1") == "Oberbayern: the labour market"
    message = text(tree, '//section[@id="no-figures"]')
    assert "No labour-market figures are held for Oberbayern yet" in message
    assert text(tree, '//section[@id="no-figures"]//code') == "almpo labour import FILE"


def test_a_code_in_lower_case_leads_to_the_place(client):
    response = client.get("/labour/de?lang=fr")
    assert response.status_code == 308 and response.headers["Location"].endswith("/labour/DE?lang=fr")


@pytest.mark.parametrize("url", [
    "/labour/%F0%9F%98%80", "/labour/" + "A" * 3000, "/labour/DE%00", "/labour/%E2%80%AEDE",
    "/labour/DE/%F0%9F%98%80.csv", "/labour/XX/une_rt_m.csv", "/labour/DE/" + "x" * 3000 + ".csv",
    "/labour/DE21/unemployment-quarterly.csv", "/labour/ES/jvs_q_nace2.csv",
    "/labour/?quarter=%00", "/labour/?quarter=" + "9" * 5000, "/labour/?quarter=2019-Q4&quarter=x",
    "/labour/DE?lang=%F0%9F%98%80", "/labour/?lang=xx&quarter=2019-Q9",
])
def test_odd_addresses_never_get_a_500(client, url):
    assert client.get(url).status_code in {200, 400, 404}


# -- every place, and countries compared ----------------------------------------------------------

def test_the_index_lists_countries_then_aggregates_with_their_coverage_and_phase(client):
    tree = page(client, "/labour/")
    rows = tree.xpath('//table[@id="places-table"]/tbody/tr')
    kinds = [row.get("data-kind") for row in rows]
    assert kinds == sorted(kinds, key=("country", "region", "aggregate").index)
    assert [row.get("data-geo") for row in rows if row.get("data-kind") == "aggregate"] == ["EA19", "EU27_2020"]
    assert len([kind for kind in kinds if kind == "country"]) == 27
    germany = " ".join(tree.xpath('//table[@id="places-table"]//tr[@data-geo="DE"]')[0].text_content().split())
    assert "jvs_q_nace2: 2016-Q3 to 2024-Q4: 34 periods, 0 missing, 0 flagged" in germany
    assert "une_rt_m: 2016-10 to 2022-02: 65 periods" in germany and "Expansion in 2021-Q4" in germany
    assert "EU or euro-area aggregate" in text(tree, '//table[@id="places-table"]//tr[@data-geo="EA19"]')
    assert "Source: Eurostat" in text(tree, '//p[@id="source"]')
    assert "Not covered" in text(tree, '//section[contains(@class, "about-figures")]')
    # Without a quarter, the latest one most countries hold.
    assert text(tree, '//table[@id="comparison-table"]/caption').endswith("in 2021-Q4")


def test_countries_are_compared_in_the_quarter_asked_for(client):
    tree = page(client, "/labour/?quarter=2019-Q4")
    assert text(tree, '//table[@id="comparison-table"]/caption').endswith("in 2019-Q4")
    germany = tree.xpath('//table[@id="comparison-table"]//tr[@data-geo="DE"]')[0]
    figures = {td.get("data-figure"): " ".join(td.text_content().split()) for td in germany.xpath("./td")}
    # 3.1 / 3.2333 (the mean of 3.2, 3.2 and 3.3) = 0.959
    assert figures == {"unemployment": "3.23 derived", "vacancy": "3.1", "tightness": "0.959", "phase": "Downturn"}
    spain = tree.xpath('//table[@id="comparison-table"]//tr[@data-geo="ES"]')[0]
    assert " ".join(spain.xpath('./td[@data-figure="vacancy"]')[0].text_content().split()) == "no figure"
    assert " ".join(spain.xpath('./td[@data-figure="tightness"]')[0].text_content().split()) == "no figure"
    assert tree.xpath('//select[@id="quarter"]/option[@selected]')[0].get("value") == "2019-Q4"


def test_a_quarter_that_is_not_one_gets_a_400_that_falls_back(client):
    tree = page(client, "/labour/?quarter=nonsense", 400)
    assert text(tree, '//div[@role="alert"]') == (
        "“nonsense” is not a quarter like 2019-Q4. Shown instead: 2021-Q4, the latest quarter for which "
        "most countries have figures.")
    assert text(tree, '//table[@id="comparison-table"]/caption').endswith("in 2021-Q4")
    tree = page(client, "/labour/?quarter=1990-Q1")
    assert "No figures are held for 1990-Q1" in text(tree, '//div[@role="alert"]')


def test_the_main_navigation_leads_to_the_labour_market(client):
    tree = page(client, "/wizard/")
    assert tree.xpath('//nav[@aria-label="Main"]//a[text()="Labour market"]')[0].get("href") == "/labour/"


def test_with_no_figures_at_all_the_index_says_how_to_import_them(make_app):
    response = make_app().test_client().get("/labour/")
    tree = lxml_html.fromstring(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "No labour-market figures are held yet" in text(tree, '//p[@id="nothing-held"]')
    assert not tree.xpath('//table[@id="comparison-table"]')


def test_the_notes_on_the_shipped_figures_are_served(client):
    response = client.get("/labour/default-data/README.md")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert "**Source: Eurostat.**" in response.get_data(as_text=True)


# -- languages -----------------------------------------------------------------------------------

def test_a_country_page_in_german_names_the_phases_in_german(client):
    response = client.get("/labour/DE?lang=de")
    tree = lxml_html.fromstring(response.get_data(as_text=True))
    assert tree.get("lang") == "de"
    assert text(tree, "//h1") == "Deutschland: der Arbeitsmarkt"
    assert text(tree, '//h2[@id="beveridge-title"]') == "Beveridge-Kurve"
    assert "Quelle: Eurostat" in text(tree, '//p[@id="source"]')
    assert cells(tree, "beveridge-table", "2016-Q4") == ["2016-Q4", "3,93", "2,5"]
    phases = {period: cells(tree, "phases-table", period)[1] for period in ("2017-Q1", "2017-Q4", "2019-Q4")}
    assert phases == {"2017-Q1": "Erholung", "2017-Q4": "Abschwächung", "2019-Q4": "Abschwung"}
    assert "Phasen des Zyklus" in text(tree, '//div[@id="phase-legend"]')
    assert "Source: Eurostat" not in response.get_data(as_text=True)


@pytest.mark.parametrize("language, title, recovery", [
    ("fr", "Allemagne : le marché du travail", "Reprise"),
    ("es", "Alemania: el mercado de trabajo", "Recuperación"),
    ("it", "Germania: il mercato del lavoro", "Ripresa"),
])
def test_the_browsers_language_is_followed(client, language, title, recovery):
    response = client.get("/labour/DE", headers={"Accept-Language": f"{language};q=0.9,en;q=0.5"})
    tree = lxml_html.fromstring(response.get_data(as_text=True))
    assert tree.get("lang") == language and text(tree, "//h1") == title
    assert cells(tree, "phases-table", "2017-Q1")[1] == recovery


def test_the_language_switch_keeps_the_question(client):
    tree = page(client, "/labour/?quarter=2019-Q4&lang=it")
    links = {a.get("hreflang"): a.get("href") for a in tree.xpath('//nav[contains(@class, "languages")]//a')}
    assert set(links) == {"en", "de", "fr", "es", "it"}
    assert "quarter=2019-Q4" in links["de"] and "lang=de" in links["de"]
    assert text(tree, '//table[@id="comparison-table"]//tr[@data-geo="ES"]/td[@data-figure="vacancy"]') == "nessun dato"


# -- CSV -----------------------------------------------------------------------------------------

def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_a_series_downloads_as_csv_with_the_provenance_of_every_figure(client):
    response = client.get("/labour/DE/jvs_q_nace2.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="DE-jvs_q_nace2.csv"'
    assert response.get_data(as_text=True).splitlines()[0] == ",".join(SERIES_COLUMNS)
    rows = read_csv(response)
    assert [row["period"] for row in rows][:2] == ["2016-Q3", "2016-Q4"] and len(rows) == 34
    row = rows[1]
    assert (row["dataset"], row["geo"], row["value"], row["flags"]) == ("jvs_q_nace2", "DE", "2.5", "")
    assert row["series"] == "freq=Q,s_adj=SA,nace_r2=B-S,sizeclas=TOTAL,indic_em=JOBRATE"
    assert row["seasonal_adjustment"] == "SA" and row["attribution"] == "Source: Eurostat"
    assert row["file_name"] == "jvs_q_nace2.csv"
    assert row["sha256"] == hashlib.sha256((DEFAULT_DATA / "jvs_q_nace2.csv").read_bytes()).hexdigest()
    assert datetime.fromisoformat(row["published_at"]) == datetime.fromisoformat("2022-04-25T12:58:58+00:00")
    assert datetime.fromisoformat(row["imported_at"]).tzinfo is not None
    monthly = read_csv(client.get("/labour/DE/une_rt_m.csv"))
    assert len(monthly) == 65 and monthly[0]["period"] == "2016-10" and monthly[0]["value"] == "4.0"


def test_the_derived_quarterly_unemployment_rate_says_how_it_was_made(client):
    response = client.get("/labour/DE/unemployment-quarterly.csv")
    assert response.headers["Content-Disposition"] == 'attachment; filename="DE-unemployment-quarterly.csv"'
    assert response.get_data(as_text=True).splitlines()[0] == ",".join(QUARTERLY_COLUMNS)
    first = read_csv(response)[0]
    assert (first["period"], first["derived"], first["method"]) == ("2016-Q4", "true", QUARTERLY_MEAN_METHOD)
    assert first["source_periods"] == "2016-10;2016-11;2016-12" and first["dataset"] == "une_rt_m"
    assert float(first["value"]) == pytest.approx((4.0 + 3.9 + 3.9) / 3)
    assert first["file_name"] == "une_rt_m.csv" and first["attribution"] == "Source: Eurostat"


@pytest.mark.parametrize("url, message", [
    ("/labour/DE/nope.csv", "There is no dataset “nope” here"),
    ("/labour/ES/jvs_q_nace2.csv", "No figures of jvs_q_nace2 are held for Spain."),
    ("/labour/XX/une_rt_m.csv", "There is no place with the code “XX”"),
    ("/labour/DE21/unemployment-quarterly.csv", "No quarterly unemployment rate"),
])
def test_a_csv_that_cannot_be_had_is_a_404_that_says_why(client, url, message):
    tree = page(client, url, 404)
    assert message in text(tree, '//p[@id="problem"]')


# -- flags ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def flagged_client(tmp_path_factory):
    """The shipped figures and a small file with flags: p, e, c, bu and missing values."""
    with figures_app(f"sqlite:///{tmp_path_factory.mktemp('flags') / 'app.db'}", flagged=True) as application:
        yield application.test_client()


def test_flagged_figures_are_listed_with_what_each_flag_means(flagged_client):
    tree = page(flagged_client, "/labour/FR")
    assert cells(tree, "flags-table", "2024-Q1") == [
        "jvs_q_nace2", "2024-Q1", "2.4", "bu", "b: break in time series; u: low reliability"]
    row = tree.xpath('//table[@id="coverage-table"]//tr[@data-dataset="jvs_q_nace2"]')[0]
    coverage = [" ".join(cell.text_content().split()) for cell in row.xpath("./th|./td")]
    assert coverage[1:6] == ["2023-Q4 – 2024-Q2", "3", "0", "1", FLAGGED_TSV.name]
    # Vacancies and unemployment cover different quarters here: no curve is drawn from them.
    assert "cover no common quarter" in text(tree, '//p[@id="no-overlap"]')
    greece = page(flagged_client, "/labour/EL")
    assert cells(greece, "flags-table", "2024-Q1")[2:] == ["1.2", "e", "e: estimated"]
    assert cells(greece, "flags-table", "2024-Q2")[2:] == ["no figure", "c", "c: confidential"]
    # A newer file replaces a figure: Germany's 2024-Q2 is now the provisional one.
    assert cells(page(flagged_client, "/labour/DE"), "flags-table", "2024-Q2")[2:] == ["3.7", "p", "p: provisional"]


def test_a_place_without_flagged_figures_says_so(client):
    assert text(page(client, "/labour/DE"), '//p[@id="no-flags"]') == "No figure held for Germany carries a flag."


def test_a_missing_figure_stays_missing_in_the_csv_with_its_flag(flagged_client):
    rows = {row["period"]: row for row in read_csv(flagged_client.get("/labour/EL/jvs_q_nace2.csv"))}
    assert (rows["2023-Q4"]["value"], rows["2023-Q4"]["flags"]) == ("", "")
    assert (rows["2024-Q2"]["value"], rows["2024-Q2"]["flags"]) == ("", "c")
    assert (rows["2024-Q1"]["value"], rows["2024-Q1"]["flags"]) == ("1.2", "e")
    assert rows["2024-Q1"]["file_name"] == FLAGGED_TSV.name and rows["2024-Q1"]["published_at"] == ""
