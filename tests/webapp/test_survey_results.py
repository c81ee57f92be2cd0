"""Analysts see the survey's results, filter them, open and close it, and export to CSV and XLSX."""

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.conftest import ANALYST_PASSWORD, FACILITATOR_PASSWORD, csrf_token_from
from tests.webapp.conftest import KEY
from tests.webapp.test_survey_flow import _begin, _post


@pytest.fixture
def answered(survey_app):
    """Three submitted responses and one unfinished."""
    for country, organisation, areas in [("DE", "pes", ["pes"]), ("DE", "research", ["pes", "research"]),
                                         ("FR", "pes", [])]:
        client = survey_app.test_client()
        _begin(client)
        _post(client, f"/survey/{KEY}/page/consent", {"consent": "y"})
        _post(client, f"/survey/{KEY}/page/A", {"A1": country, "A2": organisation, "A4": areas,
                                                "A5_data": "2", "A6__1": "research", "A6__2": "pes",
                                                "A9": "someone@example.org"})
    unfinished = survey_app.test_client()
    _begin(unfinished)
    return survey_app


def test_results_page_counts_answers_per_question(answered, auth, client):
    auth.login("analyst", ANALYST_PASSWORD)
    page = client.get(f"/results/{KEY}/")
    assert page.status_code == 200
    assert '<strong data-figure="responses">3</strong>' in page.text
    assert "<td>PES</td><td class=\"num\">2</td>" in page.text
    filtered = client.get(f"/results/{KEY}/?country=DE&organisation=research")
    assert '<strong data-figure="responses">1</strong>' in filtered.text
    listing = client.get("/results/")
    row = listing.text.split(f'data-survey="{KEY}"')[1].split("</tr>")[0]
    assert '<td class="num">3</td>' in row and '<td class="num">1</td>' in row


def test_exports_open_in_a_spreadsheet_program(answered, auth, client):
    auth.login("analyst", ANALYST_PASSWORD)
    text = client.get(f"/results/{KEY}/responses.csv").text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 3 and rows[1]["A4"] == "pes; research" and rows[0]["A6"] == "research > pes"
    assert "A9" not in rows[0] and "someone@example.org" not in text  # contact details stay out
    workbook = load_workbook(io.BytesIO(client.get(f"/results/{KEY}/responses.xlsx").data))
    assert workbook.sheetnames == ["responses", "codebook"]
    sheet = workbook["responses"]
    assert sheet.max_row == 4 and [c.value for c in sheet[1]][:3] == ["response", "submitted_at", "language"]
    codebook = {row[0].value: row for row in workbook["codebook"].iter_rows(min_row=2)}
    assert "1 = Disagree" in codebook["A5_data"][4].value
    assert "(reverse-keyed)" in codebook["A5_ai"][3].value


def test_opening_and_closing_a_survey(answered, auth, client):
    auth.login("analyst", ANALYST_PASSWORD)
    token = csrf_token_from(client.get("/results/").text)
    assert client.post(f"/results/{KEY}/status", data={"status": "closed", "csrf_token": token}).status_code == 302
    assert answered.test_client().get(f"/survey/{KEY}/").status_code == 410
    refused = client.post(f"/results/{KEY}/status", data={"status": "deleted", "csrf_token": token})
    assert refused.status_code == 400
    assert client.post(f"/results/{KEY}/status", data={"status": "open", "csrf_token": token}).status_code == 302
    assert answered.test_client().get(f"/survey/{KEY}/").status_code == 200


def test_only_analysts_and_admins_see_results(answered, auth, client):
    assert client.get(f"/results/{KEY}/").status_code == 302
    auth.login("facilitator", FACILITATOR_PASSWORD)
    assert client.get(f"/results/{KEY}/").status_code == 403
    assert client.get(f"/results/{KEY}/responses.csv").status_code == 403


def test_an_xlsform_upload_creates_a_closed_survey_or_says_why_not(app, auth, client):
    from tests.survey_forms.test_xlsform import SURVEY, workbook
    auth.login("analyst", ANALYST_PASSWORD)
    token = csrf_token_from(client.get("/results/").text)
    upload = {"csrf_token": token, "xlsform": (io.BytesIO(workbook()), "pilot.xlsx")}
    created = client.post("/results/import", data=upload, content_type="multipart/form-data")
    assert created.status_code == 302
    listing = client.get("/results/").text
    assert "pilot-v2024110101" in listing and "closed" in listing.split('data-survey="pilot-v2024110101"')[1][:400]
    broken = workbook(survey=SURVEY + [["geopoint", "where", "Where", "Wo", None, None, None, None, None]])
    refused = client.post("/results/import", data={"csrf_token": token, "xlsform": (io.BytesIO(broken), "bad.xlsx")},
                          content_type="multipart/form-data")
    assert refused.status_code == 400 and "geopoint" in refused.text and "Nothing was created" in refused.text
    empty = client.post("/results/import", data={"csrf_token": token}, content_type="multipart/form-data")
    assert empty.status_code == 400


def test_the_retention_period_is_set_within_bounds(answered, auth, client):
    auth.login("analyst", ANALYST_PASSWORD)
    token = csrf_token_from(client.get("/results/").text)
    assert client.post(f"/results/{KEY}/retention", data={"months": "12", "csrf_token": token}).status_code == 302
    assert "Wir behalten Antworten 12 Monate." in client.get(f"/survey/{KEY}/privacy?lang=de").text
    for bad in ("0", "500", "soon", ""):
        refused = client.post(f"/results/{KEY}/retention", data={"months": bad, "csrf_token": token})
        assert refused.status_code == 400
    assert "Wir behalten Antworten 12 Monate." in client.get(f"/survey/{KEY}/privacy?lang=de").text
