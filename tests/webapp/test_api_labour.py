"""The labour-market JSON API, held to the OpenAPI document: places with coverage, series with the
provenance of every figure, indicators and stored phases; the platform's error shape for what is not
there; the same answers on PostgreSQL."""

from __future__ import annotations

import pytest
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from werkzeug import Request

from labour.datasets import DATASETS
from labour.indicators import MOVE_KINDS, QUARTERLY_MEAN_METHOD
from labour.phases import PHASES
from tests import services
from tests.webapp.test_labour import figures_app


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    """The shipped figures and a small file with flags and missing values; every request only reads."""
    with figures_app(f"sqlite:///{tmp_path_factory.mktemp('api-labour') / 'app.db'}", flagged=True) as application:
        yield application.test_client()


def check(spec: OpenAPI, response, *, request_too: bool = True) -> None:
    request = WerkzeugOpenAPIRequest(Request(dict(response.request.environ)))
    if request_too:
        spec.validate_request(request)
    spec.validate_response(request, WerkzeugOpenAPIResponse(response))


def answer(client, spec, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    check(spec, response)
    return response.get_json()


def test_the_document_lists_the_codes_the_code_uses(document):
    schemas = document["components"]["schemas"]
    assert schemas["LabourDataset"]["enum"] == list(DATASETS)
    assert schemas["LabourPhase"]["enum"] == list(PHASES)
    kinds = schemas["LabourIndicators"]["properties"]["moves"]["items"]["properties"]["kind"]["enum"]
    assert kinds == list(MOVE_KINDS)


@pytest.mark.parametrize("url", [
    "/api/labour/places",
    "/api/labour/series/DE/jvs_q_nace2",
    "/api/labour/series/DE/une_rt_m",
    "/api/labour/series/EL/jvs_q_nace2",
    "/api/labour/indicators/DE",
    "/api/labour/indicators/ES",
    "/api/labour/indicators/FR",
    "/api/labour/indicators/EU27_2020",
    "/api/labour/phases/DE",
    "/api/labour/phases/ES",
    "/api/labour/phases/FR",
])
def test_answers_match_the_document(api, spec, url):
    answer(api, spec, url)


def test_places_come_with_their_coverage_and_current_phase(api, spec):
    found = answer(api, spec, "/api/labour/places")
    assert found["attribution"] == "Source: Eurostat"
    kinds = [place["kind"] for place in found["places"]]
    assert kinds == sorted(kinds, key=("country", "region", "aggregate").index)
    germany = next(place for place in found["places"] if place["geo"] == "DE")
    assert germany["name"] == "Germany" and germany["current_phase"] == {
        "period": "2021-Q4", "phase": "expansion", "indicator": "tightness"}
    assert {row["dataset"]: (row["first"], row["last"], row["periods"]) for row in germany["coverage"]} == {
        "jvs_q_nace2": ("2016-Q3", "2024-Q4", 34), "une_rt_m": ("2016-10", "2022-02", 65)}
    assert [p["geo"] for p in found["places"] if p["kind"] == "aggregate"] == ["EA19", "EU27_2020"]


def test_a_series_carries_flags_missing_values_and_provenance(api, spec):
    found = answer(api, spec, "/api/labour/series/EL/jvs_q_nace2")
    figures = {figure["period"]: figure for figure in found["figures"]}
    assert (figures["2024-Q2"]["value"], figures["2024-Q2"]["flags"]) == (None, "c")
    assert (figures["2024-Q1"]["value"], figures["2024-Q1"]["flags"]) == (1.2, "e")
    assert figures["2024-Q1"]["file_name"] == "estat_jvs_q_nace2.tsv" and len(figures["2024-Q1"]["sha256"]) == 64
    assert found["dataset"]["code"] == "jvs_q_nace2" and found["seasonally_adjusted"] is True
    germany = answer(api, spec, "/api/labour/series/DE/une_rt_m")
    assert germany["figures"][0] == germany["figures"][0] | {"period": "2016-10", "value": 4.0, "flags": "",
                                                             "file_name": "une_rt_m.csv",
                                                             "attribution": "Source: Eurostat"}


def test_indicators_say_when_the_unemployment_rate_is_derived(api, spec):
    found = answer(api, spec, "/api/labour/indicators/DE")
    unemployment = found["unemployment"]
    assert (unemployment["dataset"], unemployment["derived"], unemployment["method"]) == (
        "une_rt_m", True, QUARTERLY_MEAN_METHOD)
    assert unemployment["quarterly"][0]["period"] == "2016-Q4"
    assert unemployment["quarterly"][0]["value"] == pytest.approx(3.9333333333)
    assert found["beveridge"][0] == {"period": "2016-Q4", "unemployment": pytest.approx(3.9333333333), "vacancy": 2.5}
    assert found["tightness"][0]["value"] == pytest.approx(2.5 / 3.9333333333)
    assert found["moves"][-1] == {"start": "2021-Q3", "end": "2021-Q4", "du": pytest.approx(-0.2),
                                  "dv": pytest.approx(0.4), "kind": "along_recovery"}
    assert found["shift"]["last_period"] == "2021-Q4"
    spain = answer(api, spec, "/api/labour/indicators/ES")
    assert spain["vacancy"] is None and spain["tightness"] == [] and spain["beveridge"] == []
    assert spain["shift"] is None and spain["unemployment"]["derived"] is True


def test_phases_come_with_their_inputs_and_method(api, spec):
    found = answer(api, spec, "/api/labour/phases/DE")
    current = found["current"]
    assert (current["period"], current["phase"], current["indicator"]) == ("2021-Q4", "expansion", "tightness")
    assert current["inputs"]["reading"].endswith(": expansion")
    assert current["method"]["hp_lambda"] == 1600.0 and current["method"]["version"] == "phase-1"
    assert found["phases"][-1] == current and found["provisional_note"].startswith("Provisional")
    spain = answer(api, spec, "/api/labour/phases/ES")
    assert spain["current"]["indicator"] == "unemployment_rate"


@pytest.mark.parametrize("url, message", [
    ("/api/labour/phases/XX", "There is no place 'XX'"),
    ("/api/labour/indicators/XX", "There is no place 'XX'"),
    ("/api/labour/series/XX/jvs_q_nace2", "There is no place 'XX'"),
    ("/api/labour/series/DE/nope", "Unknown dataset 'nope'"),
    ("/api/labour/series/ES/jvs_q_nace2", "No jvs_q_nace2 figures are held for ES."),
    ("/api/labour/indicators/DE21", "No labour-market figures are held for DE21"),
    ("/api/labour/phases/DE21", "No labour-market figures are held for DE21"),
])
def test_what_is_not_there_is_a_documented_404(api, spec, url, message):
    response = api.get(url)
    assert response.status_code == 404
    error = response.get_json()["error"]
    assert error["status"] == 404 and message in error["message"]
    check(spec, response, request_too=False)


@pytest.mark.parametrize("url", [
    "/api/labour/phases/%F0%9F%98%80",
    "/api/labour/indicators/" + "A" * 3000,
    "/api/labour/series/DE/" + "x" * 3000,
    "/api/labour/series/DE%00/jvs_q_nace2",
    "/api/labour/indicators/de",
    "/api/labour/places?geo=DE&geo=ES",
])
def test_odd_input_never_gets_a_500(api, spec, url):
    response = api.get(url)
    assert response.status_code in {200, 404} and response.is_json
    check(spec, response, request_too=False)


@pytest.mark.postgres
def test_the_same_answers_and_pages_on_postgresql(spec):
    if not services.POSTGRES_URL:
        services.missing("postgres")
    from tests.conftest import _fresh_postgres_engine
    _fresh_postgres_engine().dispose()
    with figures_app(services.POSTGRES_URL) as application:
        client = application.test_client()
        places = answer(client, spec, "/api/labour/places")
        assert len(places["places"]) == 29
        figures = answer(client, spec, "/api/labour/series/DE/jvs_q_nace2")["figures"]
        # PostgreSQL keeps the offset of every moment.
        assert figures[1]["published_at"] == "2022-04-25T12:58:58+00:00"
        assert answer(client, spec, "/api/labour/indicators/DE")["unemployment"]["derived"] is True
        assert answer(client, spec, "/api/labour/phases/DE")["current"]["period"] == "2021-Q4"
        page = client.get("/labour/DE")
        assert page.status_code == 200 and '<tr data-period="2016-Q4"><th scope="row">2016-Q4</th>' \
            '<td class="num">3.93</td><td class="num">2.5</td></tr>' in page.get_data(as_text=True)
        assert client.get("/labour/?quarter=2019-Q4").status_code == 200


def test_the_shipped_rates_give_no_mismatch_index_and_say_what_it_needs(api, spec):
    found = answer(api, spec, "/api/labour/mismatch/2021-Q3")
    assert found["value"] is None and found["segments"] == [] and len(found["left_out"]) == 27
    assert "JOBVAC" in found["needed"] and "THS_PER" in found["needed"]


def test_imported_counts_give_the_mismatch_index_with_its_inputs(make_app, spec):
    from tests.labour.test_mismatch import UNEMPLOYED_MONTHLY, UNEMPLOYED_QUARTERLY, VACANCIES, load

    app = make_app()
    with app.app_context():
        from webapp.database import session_factory
        load(session_factory(), ("jvs.csv", VACANCIES), ("une_q.csv", UNEMPLOYED_QUARTERLY),
             ("une_m.csv", UNEMPLOYED_MONTHLY))
    client = app.test_client()
    found = answer(client, spec, "/api/labour/mismatch/2024-Q3?elasticity=0.4")
    assert found["elasticity"] == 0.4 and 0 < found["value"] < 1 and found["needed"] is None
    assert [s["geo"] for s in found["segments"]] == ["DE", "ES", "FI", "NL"]
    assert found["vacancies_total"] == 1_440_000 and found["unemployed_total"] == 5_050_000
    assert next(s for s in found["segments"] if s["geo"] == "FI")["unemployed_from_months"] is True


@pytest.mark.parametrize("url, message", [
    ("/api/labour/mismatch/2024Q3", "is not a quarter like 2024-Q3"),
    ("/api/labour/mismatch/2024-Q3?elasticity=1", "is not a number strictly between 0 and 1"),
    ("/api/labour/mismatch/2024-Q3?elasticity=nan", "is not a number strictly between 0 and 1"),
])
def test_an_odd_mismatch_question_is_a_documented_400(api, spec, url, message):
    response = api.get(url)
    assert response.status_code == 400 and message in response.get_json()["error"]["message"]
    check(spec, response, request_too=False)


def test_a_region_with_annual_figures_gives_them_and_its_phases_per_year(make_app, spec):
    from tests.labour.test_regional_phases import load, regional_tsv

    app = make_app()
    with app.app_context():
        from webapp.database import session_factory
        load(session_factory(), regional_tsv())
    client = app.test_client()
    indicators = answer(client, spec, "/api/labour/indicators/DE21")
    assert indicators["unemployment"]["frequency"] == "A" and indicators["unemployment"]["quarterly"] == []
    assert [v["period"] for v in indicators["unemployment"]["annual"]][:2] == ["2008", "2009"]
    phases = answer(client, spec, "/api/labour/phases/DE21")
    assert phases["current"]["period"] == "2023" and phases["current"]["method"]["hp_lambda"] == 6.25
