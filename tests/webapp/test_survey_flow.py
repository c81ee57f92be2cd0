"""A respondent's way through a survey: pages, skip logic, language, resume link, receipt, withdrawal."""

import re

import pytest
from sqlalchemy import func, select

from records.models import OutboxEvent, Practice, SurveyResponse
from tests.conftest import csrf_token_from
from tests.webapp.conftest import KEY


@pytest.fixture
def respondent(survey_app):
    return survey_app.test_client()


def _count(app, model, *where):
    with app.app_context():
        from webapp.database import db_session
        return db_session().scalar(select(func.count()).select_from(model).where(*where))


def _post(client, url, data):
    page = client.get(url)
    return client.post(url, data={**data, "csrf_token": csrf_token_from(page.text)})


def _begin(client, language="en"):
    start = client.get(f"/survey/{KEY}/?lang={language}")
    assert start.status_code == 200
    response = client.post(f"/survey/{KEY}/", data={"lang": language, "csrf_token": csrf_token_from(start.text)})
    assert response.headers["Location"].endswith("/page/consent")


def test_a_respondent_completes_the_survey_and_gets_a_receipt(survey_app, respondent):
    _begin(respondent)
    moved = _post(respondent, f"/survey/{KEY}/page/consent", {"consent": "y"})
    assert moved.headers["Location"].endswith("/page/A")
    page = respondent.get(f"/survey/{KEY}/page/A")
    assert "Page 2 of 2" in page.text
    done = _post(respondent, f"/survey/{KEY}/page/A", {"A1": "DE", "A1b": "DE21", "A2": "pes", "A3": "yes"})
    assert done.headers["Location"].endswith("/done")
    receipt = respondent.get(f"/survey/{KEY}/done")
    code = re.search(r"<code data-receipt>([^<]+)</code>", receipt.text).group(1)
    assert re.fullmatch(r"[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}", code)
    assert "data-receipt" not in respondent.get(f"/survey/{KEY}/done").text  # shown once
    with survey_app.app_context():
        from webapp.database import db_session
        stored = db_session().scalar(select(SurveyResponse))
        assert stored.status == "submitted" and stored.answers["A3"] == "yes"
        assert stored.country == "DE" and stored.organisation_type == "pes"
        assert code not in str(stored.receipt_code_hash) and len(stored.receipt_code_hash) == 64


def test_missing_and_tampered_answers_get_a_clear_message_and_nothing_moves_on(survey_app, respondent):
    _begin(respondent)
    refused = _post(respondent, f"/survey/{KEY}/page/consent", {})
    assert refused.status_code == 400 and "please confirm" in refused.text
    _post(respondent, f"/survey/{KEY}/page/consent", {"consent": "y"})
    tampered = _post(respondent, f"/survey/{KEY}/page/A", {"A1": "DE", "A2": "<script>", "A7": "x" * 5000})
    assert tampered.status_code == 400
    assert "Not a valid choice" in tampered.text and "20 characters" in tampered.text
    assert "<script>" not in tampered.text
    assert _count(survey_app, SurveyResponse, SurveyResponse.status == "submitted") == 0


def test_switching_language_keeps_the_answers(survey_app, respondent):
    _begin(respondent)
    _post(respondent, f"/survey/{KEY}/page/consent", {"consent": "y"})
    switched = _post(respondent, f"/survey/{KEY}/page/A", {"A1": "FR", "A2": "research", "action": "lang:de"})
    assert switched.status_code == 302
    page = respondent.get(f"/survey/{KEY}/page/A")
    assert 'lang="de"' in page.text and "Über Sie" in page.text
    assert re.search(r'<option[^>]*selected[^>]*value="FR"|<option[^>]*value="FR"[^>]*selected', page.text)
    assert re.search(r'<input[^>]*checked[^>]*value="research"|<input[^>]*value="research"[^>]*checked', page.text)
    # A page that does not validate yet switches language too, and keeps what was typed.
    kept = _post(respondent, f"/survey/{KEY}/page/A", {"A2": "pes", "A7": "noch offen", "action": "lang:en"})
    assert kept.status_code == 200 and "About you" in kept.text and "noch offen" in kept.text


def test_the_private_resume_link_continues_elsewhere_and_only_there(survey_app, respondent):
    _begin(respondent)
    _post(respondent, f"/survey/{KEY}/page/consent", {"consent": "y"})
    page = respondent.get(f"/survey/{KEY}/page/A")
    link = re.search(r'id="resume-link" readonly value="([^"]+)"', page.text).group(1)
    other_device = survey_app.test_client()
    resumed = other_device.get(link.replace("http://localhost", ""))
    assert resumed.headers["Location"].endswith("/page/A")
    forged = survey_app.test_client().get(f"/survey/{KEY}/resume/not-a-real-token")
    assert forged.status_code == 404 and "does not lead to an unfinished response" in forged.text
    with survey_app.app_context():
        from webapp.database import db_session
        stored = db_session().scalar(select(SurveyResponse))
        assert link.rsplit("/", 1)[1] not in stored.resume_token_hash


def test_submitting_twice_stores_one_response(survey_app, respondent):
    _begin(respondent)
    _post(respondent, f"/survey/{KEY}/page/consent", {"consent": "y"})
    page = respondent.get(f"/survey/{KEY}/page/A")
    token = csrf_token_from(page.text)
    data = {"A1": "DE", "A2": "pes", "csrf_token": token}
    first = respondent.post(f"/survey/{KEY}/page/A", data=data)
    second = respondent.post(f"/survey/{KEY}/page/A", data=data)
    assert first.status_code == 302 and second.status_code == 302
    assert _count(survey_app, SurveyResponse) == 1


def test_withdrawal_with_the_receipt_erases_the_response(survey_app, respondent):
    _begin(respondent)
    _post(respondent, f"/survey/{KEY}/page/consent", {"consent": "y"})
    _post(respondent, f"/survey/{KEY}/page/A", {"A1": "DE", "A2": "pes"})
    code = re.search(r"<code data-receipt>([^<]+)</code>", respondent.get(f"/survey/{KEY}/done").text).group(1)
    wrong = _post(respondent, f"/survey/{KEY}/withdraw", {"receipt_code": "AAAAA-BBBBB-CCCCC"})
    assert wrong.status_code == 404 and "No response matches" in wrong.text
    assert _count(survey_app, SurveyResponse) == 1
    done = _post(respondent, f"/survey/{KEY}/withdraw", {"receipt_code": code.lower()})
    assert done.status_code == 200 and "withdrawn and erased" in done.text
    assert _count(survey_app, SurveyResponse) == 0
    assert _count(survey_app, OutboxEvent, OutboxEvent.event_type == "survey_response.erased") == 1


def test_pages_cannot_be_reached_out_of_turn(survey_app, respondent):
    assert respondent.get(f"/survey/{KEY}/page/A").headers["Location"].endswith(f"/survey/{KEY}/")
    assert respondent.get("/survey/no-such-survey/").status_code == 404
    _begin(respondent)
    assert respondent.get(f"/survey/{KEY}/page/Z").status_code == 404
    assert respondent.get(f"/survey/{KEY}/page/A/3").status_code == 404


def test_survey_pages_load_nothing_from_other_hosts(survey_app, respondent):
    _begin(respondent)
    page = respondent.get(f"/survey/{KEY}/page/consent")
    for url in re.findall(r'(?:src|href)="([^"]+)"', page.text):
        assert url.startswith("/") or url.startswith("#"), url
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert not any(name.lower() in ("x-forwarded-for", "remote_addr") for name, _ in page.headers)


def test_a_closed_survey_accepts_no_answers(survey_app, respondent):
    _begin(respondent)
    page = respondent.get(f"/survey/{KEY}/page/consent")
    with survey_app.app_context():
        from records.models import Survey
        from webapp.database import db_session
        db_session().scalar(select(Survey)).status = "closed"
        db_session().commit()
    closed = respondent.get(f"/survey/{KEY}/")
    assert closed.status_code == 410 and "closed" in closed.text
    late = respondent.post(f"/survey/{KEY}/page/consent",
                           data={"consent": "y", "csrf_token": csrf_token_from(page.text)})
    assert late.status_code == 410
    assert _count(survey_app, SurveyResponse, SurveyResponse.status == "submitted") == 0


def test_the_privacy_notice_names_the_retention_period(survey_app, respondent):
    notice = respondent.get(f"/survey/{KEY}/privacy?lang=de")
    assert notice.status_code == 200 and "Wir behalten Antworten 24 Monate." in notice.text
    assert _count(survey_app, Practice) == 0


def test_the_start_page_leads_stakeholders_to_the_open_survey(survey_app, respondent):
    welcome = respondent.get("/")
    assert 'href="/survey/"' in welcome.text
    assert respondent.get("/survey/").headers["Location"].endswith(f"/survey/{KEY}/")
