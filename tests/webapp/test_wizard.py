"""The Design Wizard over HTTP: open to everyone, its question in the address, the same answer as JSON,
and a clear 400 (never a 500) for anything it cannot answer."""

import pytest

from labour.defaults import load_default_figures
from records.demo import load_demo_content


@pytest.fixture
def evidence_app(app):
    with app.app_context():
        from webapp.database import session_factory
        load_demo_content(session_factory())
    return app


@pytest.fixture
def labour_app(evidence_app):
    with evidence_app.app_context():
        from webapp.database import session_factory
        load_default_figures(session_factory())
    return evidence_app


def test_the_phase_comes_from_the_countrys_figures_and_the_user_may_override_it(labour_app, client):
    query = "region=DE21&group=all_unemployed&horizon=medium"
    derived = client.get(f"/wizard/answer.json?{query}").get_json()
    # Germany's latest quarter with figures (2021-Q4) is an expansion, read from tightness.
    assert (derived["cycle_phase"], derived["phase_source"]) == ("expansion", "country")
    assert derived["phase_context"]["period"] == "2021-Q4" and derived["phase_context"]["indicator"] == "tightness"
    page = client.get(f"/wizard/?{query}&lang=de").get_data(as_text=True)
    assert "Konjunkturphase: Expansion" in page and 'href="/labour/DE?lang=de"' in page
    assert "Aus den Arbeitsmarktdaten für Deutschland, 2021-Q4" in page
    chosen = client.get(f"/wizard/answer.json?{query}&phase=slowdown").get_json()
    assert (chosen["cycle_phase"], chosen["phase_source"], chosen["phase_context"]) == ("slowdown", "user", None)
    order = lambda answer: [r["code"] for r in answer["mechanisms"]]  # noqa: E731
    assert order(chosen) != order(derived)
    page = client.get(f"/wizard/?{query}&phase=slowdown").get_data(as_text=True)
    assert "You chose this phase yourself." in page
    assert "the search time given up during a long course costs less" in page
    assert "with the phase (ranked" in page
    # Spain's figures give no vacancies: its phase is read from unemployment.
    spain = client.get("/wizard/answer.json?region=ES61&group=youth_neet").get_json()
    assert spain["phase_source"] == "country" and spain["phase_context"]["indicator"] == "unemployment_rate"


def test_without_figures_for_the_country_no_phase_is_invented(evidence_app, client):
    answer = client.get("/wizard/answer.json?region=DE21&group=all_unemployed").get_json()
    assert (answer["cycle_phase"], answer["phase_source"]) == (None, "none")
    assert "holds no labour-market figures for this country" in client.get(
        "/wizard/?region=DE21&group=all_unemployed").get_data(as_text=True)


def test_the_wizard_is_open_to_everyone_in_five_languages(evidence_app, client):
    page = client.get("/wizard/?lang=it")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="it">' in html and "Giovani e NEET" in html
    assert client.get("/wizard/", headers={"Accept-Language": "fr-BE,fr;q=0.9"}).get_data(
        as_text=True).count('<html lang="fr">') == 1


def test_results_are_in_the_page_and_the_same_in_json(evidence_app, client):
    query = "region=ES61&group=youth_neet&objective=employment&horizon=short"
    page = client.get(f"/wizard/?{query}").get_data(as_text=True)
    answer = client.get(f"/wizard/answer.json?{query}")
    assert answer.status_code == 200
    found = answer.get_json()
    assert found["unemployment_band"] == "high" and found["band_source"] == "region"
    assert found["region_rate"] == {"region": "ES61", "year": 2022, "rate": 19.0,
                                    "source_url": found["region_rate"]["source_url"]}
    first = found["mechanisms"][0]
    assert f'data-code="{first["code"]}"' in page
    assert first["evidence"] and first["evidence"][0]["source"]["citation"]
    assert {"code", "score", "expected", "sources", "countries", "designs", "enabling", "hindering",
            "practices", "contested", "why"} <= set(first)
    assert found["programme_types"]


@pytest.mark.parametrize("query, message", [
    ("region=XX99", "Unknown region"),
    ("group=all_unemployed&group=women", "already covers every group"),
    ("region=ES61&objective=%3Cscript%3E", "Unknown objective"),
    ("region=ES61&horizon=forever", "Unknown horizon"),
    ("band=extreme", "Unknown unemployment band"),
    ("skill=9", "Unknown skill level"),
    ("region=ES61&phase=boom", "Unknown business-cycle phase"),
    ("&".join(["group=women"] * 3 + [f"group=g{n}" for n in range(11)]), "at most ten"),
    ("objective=employment", "Describe the context"),
])
def test_questions_it_cannot_answer_get_a_400_with_the_reason(evidence_app, client, query, message):
    page = client.get(f"/wizard/?{query}")
    assert page.status_code == 400 and message in page.get_data(as_text=True)
    assert "<script>" not in page.get_data(as_text=True)
    answer = client.get(f"/wizard/answer.json?{query}")
    assert answer.status_code == 400 and message in answer.get_json()["error"]["message"]


def test_no_question_yet_shows_the_empty_form(evidence_app, client):
    page = client.get("/wizard/")
    assert page.status_code == 200 and 'id="results"' not in page.get_data(as_text=True)
    assert client.get("/wizard/answer.json").status_code == 400


def test_a_pathway_for_a_jobseeker_far_from_work(evidence_app, client):
    query = "region=ES61&group=long_term_unemployed&distance=far&lang=es"
    html = client.get(f"/wizard/?{query}").get_data(as_text=True)
    assert 'id="pathway"' in html and html.count("<li data-stage=") == 4
    assert "Diagnóstico y plan de acción" in html
    found = client.get(f"/wizard/answer.json?{query}").get_json()
    assert [step["stage"] for step in found["pathway"]["steps"]] == ["orientation", "skills", "work_experience",
                                                                      "job_entry"]
    assert client.get("/wizard/answer.json?region=ES61&distance=nowhere").status_code == 400


def test_anonymous_readers_see_what_was_said_but_not_who_said_it(app, client, auth):
    from records.annotations import annotate
    from records.configurations import ConfigurationDraft, Outcome, create_configuration
    from records.db import transaction
    from records.sessions import TurnSpan, add_text_source, save_session
    from tests.conftest import ANALYST_PASSWORD

    said = "Mentoring by older workers kept young refugees in their apprenticeships."
    text = f"Amira Haddad: {said}"
    start = text.index(said)
    with app.app_context():
        from webapp.database import session_factory
        with transaction(session_factory()) as session:
            record = save_session(session, title="Peer review", language="en", facilitators=["facilitator"],
                                  actor="facilitator")
            source = add_text_source(session, title="t", text=text, format="paste", session_key=record.key,
                                     turns=[TurnSpan("Amira Haddad", start, len(text))], actor="facilitator")
            mechanism = annotate(session, source_key=source.key, coder="facilitator", label="mechanism",
                                 start=start, end=start + len("Mentoring by older workers"))
            outcome = annotate(session, source_key=source.key, coder="facilitator", label="outcome",
                               start=text.index("kept"), end=len(text) - 1)
            create_configuration(session, ConfigurationDraft(
                source_key=source.key, programme_type="workplace_training_apprenticeship",
                mechanism="caseworker_intensity", target_groups=["migrants_refugees"],
                outcomes=[Outcome("employment", "positive", "short_run")],
                spans=[mechanism.key, outcome.key]), validated_by="facilitator", actor="facilitator")

    def spans(answer):
        return [span for group in ("mechanisms", "programme_types") for r in answer[group]
                for item in r["evidence"] for span in item["spans"]]

    public = spans(client.get("/wizard/answer.json?group=migrants_refugees").get_json())
    assert any(span["text"] == "Mentoring by older workers" for span in public)
    assert all("speaker" not in span and "coder" not in span for span in public)
    assert "Amira Haddad" not in client.get("/wizard/?group=migrants_refugees").get_data(as_text=True)
    auth.login("analyst", ANALYST_PASSWORD)
    signed_in = spans(client.get("/wizard/answer.json?group=migrants_refugees").get_json())
    assert any(span.get("speaker") == "Amira Haddad" for span in signed_in)


def test_an_imported_regional_rate_newer_than_the_shipped_one_sets_the_band(evidence_app, client):
    """Praha's shipped rate (2.1 % in 2023) puts it in the low band; an administrator's import of
    Eurostat's regional table with a newer figure moves it, and the answer cites the new figure."""
    from labour.importer import import_file
    from records.db import transaction

    before = client.get("/wizard/answer.json?region=CZ01&group=youth_neet").get_json()
    assert (before["unemployment_band"], before["region_rate"]["year"]) == ("low", 2023)
    # Illustrative figures: Praha in 2024, and a region without a shipped rate (Wien).
    tsv = ("freq,isced11,sex,age,unit,geo\\TIME_PERIOD\t2022 \t2024 \n"
           "A,TOTAL,T,Y15-74,PC,CZ01\t2.0 \t12.5 \n"
           "A,TOTAL,T,Y15-74,PC,AT13\t: \t10.5 \n")
    with evidence_app.app_context():
        from webapp.database import session_factory
        with transaction(session_factory()) as session:
            import_file(session, "estat_lfst_r_lfu3rt.tsv", tsv.encode(), actor="tester")
    after = client.get("/wizard/answer.json?region=CZ01&group=youth_neet").get_json()
    assert after["unemployment_band"] != "low" and after["band_source"] == "region"
    assert after["region_rate"] == {"region": "CZ01", "year": 2024, "rate": 12.5,
                                    "source_url": "https://ec.europa.eu/eurostat/databrowser/view/lfst_r_lfu3rt/"
                                                  "default/table"}
    wien = client.get("/wizard/answer.json?region=AT13&group=youth_neet").get_json()
    assert wien["region_rate"]["rate"] == 10.5 and wien["band_source"] == "region"
    # The user may still set the level.
    chosen = client.get("/wizard/answer.json?region=CZ01&group=youth_neet&band=low").get_json()
    assert (chosen["unemployment_band"], chosen["band_source"]) == ("low", "user")
    page = client.get("/wizard/?region=CZ01&group=youth_neet").get_data(as_text=True)
    assert "12.5 % unemployed in 2024" in page
