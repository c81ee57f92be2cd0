"""The occupational shortage page and its JSON, and the command that imports shortage files: lists as
published, scorecards with their cut-offs, five languages, and a clear 4xx for odd questions.

The files are written for the tests; their figures and sources are illustrative, not published ones."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from tests.labour.test_shortage_records import CUTOFFS, INDICATORS, LIST
from tests.webapp.test_api_labour import answer, check
from tests.webapp.test_labour import figures_app


@pytest.fixture(scope="module")
def shortage_app(tmp_path_factory):
    """The shipped figures plus three shortage files imported through the command an administrator uses."""
    folder = tmp_path_factory.mktemp("shortages")
    with figures_app(f"sqlite:///{folder / 'app.db'}") as application:
        files = []
        for name, data in (("list.csv", LIST), ("cutoffs.csv", CUTOFFS), ("indicators.csv", INDICATORS)):
            (folder / name).write_bytes(data)
            files.append(str(folder / name))
        result = application.test_cli_runner().invoke(args=["labour", "import-shortages", *files])
        assert result.exit_code == 0, result.output
        yield application


@pytest.fixture
def client(shortage_app):
    return shortage_app.test_client()


def page(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return lxml_html.fromstring(response.get_data(as_text=True))


def row_text(tree, isco: str) -> str:
    row = tree.xpath(f'//table[@id="signals-table"]//tr[@data-isco="{isco}"]')
    assert row, f"no row for ISCO {isco}"
    return " ".join(row[0].text_content().split())


def test_the_command_reports_each_file_and_refuses_a_bad_one(make_app, tmp_path):
    runner = make_app().test_cli_runner()
    good, bad = tmp_path / "list.csv", tmp_path / "bad.csv"
    good.write_bytes(LIST)
    bad.write_bytes(LIST.replace(b"DE,4110", b"DE,9999"))
    result = runner.invoke(args=["labour", "import-shortages", str(good), str(bad)])
    assert result.exit_code == 1
    assert "list.csv (shortage and surplus list): 5 rows imported, 1 outside the EU-27 left out." in result.output
    assert "Refused, nothing imported: bad.csv: line 4: ISCO-08 code '9999' is not a group" in result.output
    again = runner.invoke(args=["labour", "import-shortages", str(good)])
    assert again.exit_code == 0 and "already imported" in again.output and "nothing changed" in again.output
    status = runner.invoke(args=["labour", "status"])
    assert "Shortage signals: 5 rows of shortage and surplus list." in status.output


def test_a_country_shows_lists_scores_and_verdicts_with_the_cutoffs(client):
    tree = page(client, "/labour/shortages?country=DE&lang=en")
    software = row_text(tree, "2512")
    assert "Software developers" in software and "shortage — Test list A" in software
    assert "140 (3 pts)" in software and "0.8 (3 pts)" in software and "Shortage" in software
    assert "No shortage" in row_text(tree, "3221")
    clerks = row_text(tree, "4110")
    assert "surplus — Test list A" in clerks and "Too few indicators" in clerks and "12.5" in clerks
    assert "job_ad_growth" in tree.xpath('string(//*[@id="unscored-note"])')
    cutoffs = " ".join(" ".join(tree.xpath('//table[@id="cutoffs-table"]//tr[@data-indicator="vacancy_duration"]'
                                         '/*//text()')).split())
    assert ("Vacancy duration (days) vacancy_duration 90 110 130 a higher value means a shortage Test cut-offs"
            in cutoffs)
    assert tree.xpath('//tr[@data-isco="2512"]//a/@href') == ["http://data.europa.eu/esco/isco/C2512"]
    assert "from 2.0 points" in tree.xpath('string(//*[@id="scorecard-rule"])')


def test_the_page_speaks_german(client):
    tree = page(client, "/labour/shortages?country=DE&lang=de")
    assert tree.xpath("string(//h1)") == "Engpassberufe"
    assert "Engpass — Test list A" in row_text(tree, "2512") and "Kein Engpass" in row_text(tree, "3221")
    # Unit groups are titled in English only, and marked so for screen readers.
    assert tree.xpath('//tr[@data-isco="2512"]/td[1]/@lang') == ["en"]


def test_an_earlier_year_can_be_chosen_and_a_year_without_signals_falls_back(client):
    assert "Test list A" in row_text(page(client, "/labour/shortages?country=DE&year=2023"), "2512")
    tree = page(client, "/labour/shortages?country=DE&year=2019")
    assert "No signals are held for 2019. Shown instead: 2024" in tree.xpath('string(//*[@role="alert"])')


@pytest.mark.parametrize("url, message", [
    ("/labour/shortages?country=XX", "“XX” is not the code of an EU country"),
    ("/labour/shortages?country=DE&year=20x4", "“20x4” is not a year like 2024. Shown instead: 2024."),
    ("/labour/shortages?country=%00%ff" + "a" * 300, "is not the code of an EU country"),
])
def test_odd_questions_get_a_400_that_says_why(client, url, message):
    tree = page(client, url, 400)
    assert message in tree.xpath('string(//*[@role="alert"])')


def test_a_country_without_signals_and_a_platform_without_any_say_so(client, make_app):
    assert "No shortage signals are held for Spain" in page(client, "/labour/shortages?country=ES").text_content()
    empty = page(make_app().test_client(), "/labour/shortages")
    assert "almpo labour import-shortages FILE" in empty.xpath('string(//*[@id="nothing-held"])')


def test_the_index_leads_to_the_shortage_page(client):
    tree = page(client, "/labour/?lang=fr")
    assert tree.xpath('//a[@id="shortages-link"]/@href') == ["/labour/shortages?lang=fr"]


def test_the_json_matches_the_document(client, spec):
    found = answer(client, spec, "/api/labour/shortages/DE")
    assert (found["year"], found["years"]) == (2024, [2024, 2023])
    software = next(o for o in found["occupations"] if o["isco"] == "2512")
    assert software["esco_uri"] == "http://data.europa.eu/esco/isco/C2512"
    assert software["readings"]["vacancy_duration"] == {"value": 140, "source": "Test figures", "score": 3}
    assert software["scorecard"] == {"mean": 3.0, "verdict": "shortage", "missing": []}
    assert [c["indicator"] for c in found["cutoffs"]] == ["unemployed_per_vacancy", "vacancy_duration"]
    assert found["unscored"] == ["job_ad_growth"]


@pytest.mark.parametrize("url, status, message", [
    ("/api/labour/shortages/XX", 404, "There is no EU country 'XX'"),
    ("/api/labour/shortages/ES", 404, "No shortage signals are held for ES"),
    ("/api/labour/shortages/DE?year=2019", 404, "years held: 2024, 2023"),
    ("/api/labour/shortages/DE?year=later", 400, "is not a year like 2024"),
])
def test_what_cannot_be_answered_is_a_documented_error(client, spec, url, status, message):
    response = client.get(url)
    assert response.status_code == status
    assert message in response.get_json()["error"]["message"]
    check(spec, response, request_too=False)
