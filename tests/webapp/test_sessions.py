"""Facilitators run Communities of Practice sessions: they upload transcripts, code them with the
extractor's suggestions, build CMO configurations, compare their coding and exchange it with other
QDA tools. Everything here goes through HTTP as a browser (or the coding page's script) would."""

from __future__ import annotations

import csv
import io
import json
import re
import warnings
import zipfile
from pathlib import Path

import lxml.html
import pytest
from lxml import etree
from sqlalchemy import func, select

from exports.refiqda import QdaCode, QdaCoding, QdaProject, QdaSelection, QdaTextSource, QdaUser, new_guid, write_qdpx
from records.db import transaction
from records.models import (
    Annotation,
    Configuration,
    CopSession,
    OutboxEvent,
    Practice,
    Segment,
    Source,
    SourceText,
    Suggestion,
)
from records.users import create_user
from tests.conftest import ADMIN_PASSWORD, ANALYST_PASSWORD, FACILITATOR_PASSWORD, AuthActions, csrf_token_from
from tests.services import require_shared_data

SOURCES = Path(__file__).parents[1] / "nlp" / "fixtures" / "sources"
TEAMS = SOURCES / "teams_cop_session_en.vtt"
BRUNO_PASSWORD = "bruno-password-for-tests"
OLGA_PASSWORD = "olga-password-for-tests"

# The Teams transcript's phrases the tests code (each appears once in its text).
LONG_TERM = "long-term unemployed"
ACTION_PLAN = "gets an individual action plan"
WAGE_SUBSIDY = "offer a wage subsidy with a local employer"
EFFECT = "employment among participants was about eight percentage points higher"
COMBINED = "the subsidy works best when it is combined with intensive counselling"


# -- helpers ---------------------------------------------------------------------------------------


class Browser:
    """One signed-in person: their client, the CSRF token of their sign-in, and the requests the
    session pages and the coding page's script make."""

    def __init__(self, app, username: str, password: str) -> None:
        self.app = app
        self.username = username
        self.client = app.test_client()
        assert AuthActions(self.client).login(username, password).status_code == 302
        self._token: str | None = None

    def token(self) -> str:
        if self._token is None:
            self._token = AuthActions(self.client).csrf_token()
        return self._token

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def submit(self, page: str, data: dict, action: str | None = None, **kwargs):
        """Post a form the way a browser does, with the CSRF token of the page it is on."""
        token = csrf_token_from(self.client.get(page).text)
        return self.client.post(action or page, data={"csrf_token": token, **data}, **kwargs)

    def api(self, method: str, path: str, body=None, *, raw: str | None = None, content_type: str = "text/plain"):
        """A request of the coding page's script: JSON in and out, with the CSRF header."""
        headers = {"X-CSRFToken": self.token(), "Accept": "application/json"}
        if raw is not None:
            return self.client.open(path, method=method, data=raw, headers=headers, content_type=content_type)
        return self.client.open(path, method=method, json=body, headers=headers)

    def upload(self, key: str, filename: str, data: bytes, title: str = ""):
        return self.submit(f"/sessions/{key}", {"file": (io.BytesIO(data), filename), "title": title},
                           action=f"/sessions/{key}/sources", content_type="multipart/form-data")

    def paste(self, key: str, title: str, text: str):
        return self.submit(f"/sessions/{key}", {"title": title, "text": text}, action=f"/sessions/{key}/paste")

    def state(self, key: str, source: str) -> dict:
        response = self.client.get(f"/sessions/{key}/sources/{source}/state", headers={"Accept": "application/json"})
        assert response.status_code == 200
        return response.get_json()

    def text(self, key: str, source: str) -> str:
        """The source's text, as the coding page hands it to its script."""
        page = self.client.get(f"/sessions/{key}/sources/{source}").text
        return json.loads(re.search(r'<script type="application/json" id="coding-text">(.*?)</script>',
                                    page, re.S).group(1))

    def annotate(self, key: str, source: str, label: str, phrase: str, **extra):
        start = self.text(key, source).index(phrase)
        return self.api("POST", f"/sessions/{key}/sources/{source}/annotations",
                        {"label": label, "start": start, "end": start + len(phrase), **extra})


def new_session(browser: Browser, **fields):
    data = {"title": "Gdańsk peer review", "language": "en", "country": "PL", "region": "PL63",
            "held_on": "2026-10-01", "facilitators": ["facilitator", "bruno"], "participants_pes_staff": "4",
            "participants_researcher": "2"} | fields
    return browser.submit("/sessions/new", data)


def last_part(response) -> str:
    assert response.status_code in (302, 303), response.text
    return response.headers["Location"].rsplit("/", 1)[-1]


COUNTED = {"sessions": CopSession, "sources": Source, "source_texts": SourceText, "segments": Segment,
           "suggestions": Suggestion, "annotations": Annotation, "configurations": Configuration,
           "practices": Practice, "events": OutboxEvent}


def counts(app) -> dict[str, int]:
    with app.app_context():
        from webapp.database import db_session
        session = db_session()
        return {name: session.scalar(select(func.count()).select_from(model)) for name, model in COUNTED.items()}


def stored_annotations(app, source_key: str) -> list[tuple]:
    with app.app_context():
        from webapp.database import db_session
        rows = db_session().scalars(select(Annotation).where(Annotation.source_key == source_key))
        return sorted((a.coder, a.label, a.start, a.end, a.quote, a.concept_scheme, a.concept_code, a.memo)
                      for a in rows)


def flashed_errors(html: str) -> list[str]:
    return [lxml.html.fromstring(p).text_content() for p in
            re.findall(r'<p class="flash flash-error">.*?</p>', html, re.S)]


def by_phrase(items: list[dict], phrase: str) -> dict:
    found = [item for item in items if item["quote"] == phrase]
    assert len(found) == 1, f"no single item quoting {phrase!r} in {[i['quote'] for i in items]}"
    return found[0]


# -- fixtures --------------------------------------------------------------------------------------


@pytest.fixture
def people(app):
    """Besides the app's own accounts: bruno, who facilitates with `facilitator`, and olga, a
    facilitator of none of the sessions here."""
    with app.app_context():
        from webapp.database import session_factory
        with transaction(session_factory()) as session:
            create_user(session, "bruno", "facilitator", BRUNO_PASSWORD, display_name="Bruno Ferreira")
            create_user(session, "olga", "facilitator", OLGA_PASSWORD)
    return app


@pytest.fixture
def fatima(people):
    return Browser(people, "facilitator", FACILITATOR_PASSWORD)


@pytest.fixture
def bruno(people):
    return Browser(people, "bruno", BRUNO_PASSWORD)


@pytest.fixture
def session_key(fatima) -> str:
    return last_part(new_session(fatima))


@pytest.fixture
def teams(fatima, session_key) -> tuple[str, str]:
    """The session with the Teams transcript uploaded: (session key, source key)."""
    return session_key, last_part(fatima.upload(session_key, TEAMS.name, TEAMS.read_bytes()))


@pytest.fixture(scope="module", autouse=True)
def _quick_password_hashing():
    """Argon2 at its real cost takes a good part of a second per account and per sign-in; these tests
    are about sessions, not passwords. (Module scope: in place before the app makes its accounts.)"""
    from argon2 import PasswordHasher
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("records.users._hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        yield


# -- who may do what -------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in_and_the_script_gets_401(app, people, teams):
    key, source = teams
    client = app.test_client()
    for path in ("/sessions/", "/sessions/new", f"/sessions/{key}", f"/sessions/{key}/sources/{source}",
                 f"/sessions/{key}/agreement", f"/sessions/{key}/export.qdpx"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/auth/sign-in" in response.headers["Location"]
    json_headers = {"Accept": "application/json"}
    assert client.get(f"/sessions/{key}/sources/{source}/state", headers=json_headers).status_code == 401
    token = AuthActions(client).csrf_token()
    before = counts(app)
    refused = client.post(f"/sessions/{key}/sources/{source}/annotations",
                          json={"label": "context", "start": 0, "end": 5},
                          headers=json_headers | {"X-CSRFToken": token})
    assert refused.status_code == 401
    assert counts(app) == before


def test_analysts_do_not_see_sessions(people, teams):
    key, source = teams
    analyst = Browser(people, "analyst", ANALYST_PASSWORD)
    for path in ("/sessions/", "/sessions/new", f"/sessions/{key}", f"/sessions/{key}/sources/{source}",
                 f"/sessions/{key}/sources/{source}/state", f"/sessions/{key}/configurations.csv"):
        assert analyst.get(path).status_code == 403, path
    refused = analyst.api("POST", f"/sessions/{key}/sources/{source}/annotations",
                          {"label": "context", "start": 0, "end": 5})
    assert refused.status_code == 403
    assert stored_annotations(people, source) == []


def test_only_the_sessions_facilitators_and_admins_code_it(people, fatima, teams):
    key, source = teams
    olga = Browser(people, "olga", OLGA_PASSWORD)
    base = f"/sessions/{key}/sources/{source}"
    assert olga.get(f"/sessions/{key}").status_code == 200  # she may look at the session
    for path in (base, f"{base}/state", f"/sessions/{key}/edit", f"{base}/configurations/new"):
        assert olga.get(path).status_code == 403, path
    suggestion = fatima.state(key, source)["suggestions"][0]["id"]
    before = counts(people)
    for method, path, body in [("POST", f"{base}/annotations", {"label": "context", "start": 14, "end": 26}),
                               ("POST", f"{base}/suggestions/{suggestion}/accept", {}),
                               ("POST", f"{base}/suggestions/accept-above", {"threshold": 0.1})]:
        refused = olga.api(method, path, body)
        assert refused.status_code == 403, path
        assert "facilitators" in refused.get_json()["error"]["message"]
    assert olga.upload(key, "x.txt", b"Olga: her own notes on the session.").status_code == 403
    assert counts(people) == before
    assert fatima.state(key, source)["suggestions"][0]["id"] == suggestion  # still pending for fatima

    admin = Browser(people, "admin", ADMIN_PASSWORD)
    assert "Helen Murphy" in admin.get(base).text
    assert admin.annotate(key, source, "context", LONG_TERM).status_code == 201
    assert [a["quote"] for a in admin.state(key, source)["annotations"]] == [LONG_TERM]


# -- the session form ------------------------------------------------------------------------------


@pytest.mark.parametrize("fields, message", [
    ({"title": ""}, "This field is required"),
    ({"facilitators": ["facilitator", "nobody"]}, "not a valid choice"),
    ({"facilitators": ["analyst"]}, "not a valid choice"),
    ({"country": "DE", "region": "PL63"}, "The region PL63 is not in DE"),
])
def test_a_bad_session_form_says_why_and_stores_nothing(people, fatima, fields, message):
    before = counts(people)
    response = new_session(fatima, **fields)
    assert response.status_code == 400
    errors = lxml.html.fromstring(response.text).get_element_by_id("form-errors").text_content()
    assert message in errors
    assert counts(people) == before
    assert "Gdańsk peer review" not in fatima.get("/sessions/").text


def test_editing_a_session_keeps_what_the_form_did_not_change(fatima, session_key):
    shown = fatima.get(f"/sessions/{session_key}").text
    assert "4 pes staff, 2 researchers" in shown and "facilitator, bruno" not in shown  # sorted names
    assert "bruno, facilitator" in shown and "Pomorskie (PL63)" in shown
    # The browser sends back every field as the edit page filled it in, with the new title.
    page = fatima.get(f"/sessions/{session_key}/edit")
    assert page.status_code == 200
    form = lxml.html.fromstring(page.text).xpath('//form[@class="narrow"]')[0]
    values = dict(form.form_values()) | {"title": "Gdańsk peer review, second day"}
    values["facilitators"] = [v for name, v in form.form_values() if name == "facilitators"]
    saved = fatima.client.post(f"/sessions/{session_key}/edit", data=values)
    assert saved.status_code == 302
    shown = fatima.get(f"/sessions/{session_key}").text
    assert "Gdańsk peer review, second day" in shown
    assert "4 pes staff, 2 researchers" in shown and "bruno, facilitator" in shown and "2026-10-01" in shown
    assert "Pomorskie (PL63)" in shown


def test_the_session_forms_use_no_deprecated_wtforms_api(fatima, teams):
    key, source = teams
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert fatima.get("/sessions/new").status_code == 200
        assert fatima.get(f"/sessions/{key}/sources/{source}/configurations/new").status_code == 200
    assert [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)] == []


# -- uploading and pasting -------------------------------------------------------------------------


@pytest.mark.parametrize("fixture, language, speakers, seen", [
    ("teams_cop_session_en.vtt", "en", ["Helen Murphy", "Tomasz Nowak", "Ingrid Larsen"],
     ['<span class="time">0:00:03</span>', "welcome to the third session"]),
    ("zoom_praxisgemeinschaft_de.vtt", "de", ["Anna Schmidt", "Jürgen Weber", "Lena Hoffmann"],
     ['<span class="time">0:00:14</span>', "Umschulung"]),
    ("communaute_de_pratique_fr.srt", "fr", ["Sophie Martin", "Marc Lefèvre", "Claire Fontaine"],
     ["accompagnement renforcé"]),
    ("sesion_politicas_activas_es.txt", "es", ["Lucía Fernández", "Javier Ruiz", "Marta Gómez"],
     ['<span class="time">0:01:05</span>', "itinerario personalizado"]),
    ("sessione_tirocini_it.docx", "it", ["Giulia Romano", "Marco Bianchi", "Francesca Greco"], ["tirocinio"]),
    ("policy_brief_wage_subsidies_en.pdf", "en", [], ["Wage subsidies pay part of the wage"]),
])
def test_each_format_becomes_a_source_to_code_with_suggestions(fatima, session_key, fixture, language, speakers,
                                                               seen):
    response = fatima.upload(session_key, fixture, (SOURCES / fixture).read_bytes())
    source = last_part(response)
    page = fatima.get(response.headers["Location"])
    assert page.status_code == 200
    assert f"{fixture} added:" in page.text  # the flash on the coding page
    shown = lxml.html.fromstring(page.text)
    assert sorted({span.text_content() for span in shown.xpath('//span[@class="speaker"]')}) == sorted(speakers)
    for piece in seen:
        assert piece in page.text, piece
    row = lxml.html.fromstring(fatima.get(f"/sessions/{session_key}").text).xpath(
        f'//tr[@data-source="{source}"]')[0]
    assert fixture in row.xpath("th")[0].text_content()
    assert [cell.text_content() for cell in row.xpath("td")[:2]] == [fixture.rsplit(".", 1)[1], language]

    state = fatima.state(session_key, source)
    assert state["annotations"] == [] and state["suggestions"]
    for suggestion in state["suggestions"]:
        assert 0 < suggestion["score"] <= 1 and suggestion["reason"] and suggestion["model"]
        assert suggestion["label"] in {"context", "mechanism", "outcome"} and suggestion["quote"].strip()
    card = fatima.get(f"/sessions/models/{state['model']}")
    assert card.status_code == 200 and state["model"] in card.text


def _docx_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (20 * 1024 * 1024))
    return out.getvalue()


@pytest.mark.parametrize("filename, data, message", [
    ("empty.vtt", b"", "This file is empty."),
    ("notes.txt", bytes(range(256)) * 20, "it contains binary data"),
    ("setup.exe", b"MZ\x90\x00 a program", "Unsupported file type .exe"),
    ("transcript.docx", b"Helen Murphy: this was saved as text, not as Word.", "This is not a DOCX file"),
    ("bomb.docx", _docx_bomb(), "zip bomb"),
    ("malformed_timing.vtt", (SOURCES / "malformed_timing.vtt").read_bytes(), "malformed cue on line 8"),
    ("no-header.vtt", b"1\n00:00:01.000 --> 00:00:02.000\nHello there.\n", "does not start with the"),
    ("transcript", b"Helen: no extension at all.", "the file name has no extension"),
])
def test_a_file_that_cannot_be_read_is_refused_in_words_and_nothing_is_kept(people, fatima, session_key,
                                                                           filename, data, message):
    before = counts(people)
    response = fatima.upload(session_key, filename, data)
    assert response.status_code == 400
    assert any(message in error and error.startswith(f"{filename}: ") for error in flashed_errors(response.text)), \
        flashed_errors(response.text)
    assert counts(people) == before


def test_a_file_over_the_limit_is_refused(people, fatima, session_key):
    people.config["SOURCE_MAX_BYTES"] = 1000
    before = counts(people)
    response = fatima.upload(session_key, TEAMS.name, TEAMS.read_bytes())
    assert response.status_code == 400
    assert any("cannot be uploaded" in error for error in flashed_errors(response.text))
    assert counts(people) == before
    people.config["SOURCE_MAX_BYTES"] = 10_000
    assert fatima.upload(session_key, TEAMS.name, TEAMS.read_bytes()).status_code == 302


def test_the_same_file_twice_is_a_409_and_no_file_at_all_a_400(people, fatima, teams):
    key, _ = teams
    before = counts(people)
    again = fatima.upload(key, "renamed.vtt", TEAMS.read_bytes())
    assert again.status_code == 409
    assert any("already among the session's sources" in error for error in flashed_errors(again.text))
    nothing = fatima.submit(f"/sessions/{key}", {"title": "forgot the file"}, action=f"/sessions/{key}/sources")
    assert nothing.status_code == 400
    assert "Choose a file to upload." in flashed_errors(nothing.text)
    assert counts(people) == before


def test_pasted_text_becomes_a_source_and_an_empty_paste_is_refused(people, fatima, session_key):
    text = ("Maria Rossi: In Bologna every young jobseeker meets a counsellor within four weeks.\r\n"
            "Piotr Zielinski: The evaluation shows that employment rose by six points after a year.")
    response = fatima.paste(session_key, "Notes from the break-out room", text)
    source = last_part(response)
    page = fatima.get(response.headers["Location"]).text
    assert "Coding: Notes from the break-out room" in page
    assert '<span class="speaker">Maria Rossi</span>' in page and '<span class="speaker">Piotr Zielinski</span>' in page
    assert fatima.state(session_key, source)["suggestions"]

    before = counts(people)
    for title, pasted in [("Blank", " \r\n\t "), ("", "Some text but no title.")]:
        refused = fatima.paste(session_key, title, pasted)
        assert refused.status_code == 400
        assert "Give the pasted text a title and some text." in flashed_errors(refused.text)
    twice = fatima.paste(session_key, "Same again", text)
    assert twice.status_code == 409
    assert counts(people) == before


# -- the coding page's JSON ------------------------------------------------------------------------


def test_a_coder_creates_edits_and_deletes_a_span(people, fatima, teams):
    key, source = teams
    base = f"/sessions/{key}/sources/{source}"
    created = fatima.annotate(key, source, "context", LONG_TERM, concept_scheme="target-group",
                              concept_code="long_term_unemployed", memo="The group the office serves.")
    assert created.status_code == 201
    span = by_phrase(created.get_json()["annotations"], LONG_TERM)
    assert span["concept"] == {"scheme": "target-group", "code": "long_term_unemployed",
                               "label": "Long-term unemployed"}
    assert span["memo"] == "The group the office serves." and span["origin"] == "manual"
    # The suggestion for the same words is no longer offered to this coder.
    assert all(s["quote"] != LONG_TERM for s in created.get_json()["suggestions"])

    edited = fatima.api("PATCH", f"{base}/annotations/{span['key']}", {"memo": "Twelve months or more."})
    assert edited.status_code == 200
    assert by_phrase(fatima.state(key, source)["annotations"], LONG_TERM)["memo"] == "Twelve months or more."
    text = fatima.text(key, source)
    start = text.index("the long-term unemployed")
    moved = fatima.api("PATCH", f"{base}/annotations/{span['key']}", {"start": start})
    assert moved.status_code == 200
    assert fatima.state(key, source)["annotations"][0]["quote"] == "the long-term unemployed"

    deleted = fatima.api("DELETE", f"{base}/annotations/{span['key']}")
    assert deleted.status_code == 200 and deleted.get_json()["annotations"] == []
    assert fatima.state(key, source)["annotations"] == []
    assert stored_annotations(people, source) == []


def test_an_overlapping_span_is_refused_with_the_reason(people, fatima, teams):
    key, source = teams
    assert fatima.annotate(key, source, "mechanism", WAGE_SUBSIDY).status_code == 201
    before = stored_annotations(people, source)
    refused = fatima.annotate(key, source, "outcome", "a wage subsidy")
    assert refused.status_code == 400
    assert "overlaps your mechanism span" in refused.get_json()["error"]["message"]
    assert stored_annotations(people, source) == before


@pytest.mark.parametrize("body", [
    {"label": "context", "start": 0, "end": 100_000},
    {"label": "context", "start": -3, "end": 10},
    {"label": "context", "start": 20, "end": 10},
    {"label": "context", "start": True, "end": 10},
    {"label": "context", "start": "14", "end": 26},
    {"start": 14, "end": 26},
    {"label": "opinion", "start": 14, "end": 26},
    {"label": "context", "start": 14, "end": 26, "memo": "m" * 10_001},
    {"label": "context", "start": 14, "end": 26, "memo": "m" * 1_000_000},
    {"label": "context", "start": 14, "end": 26, "concept_scheme": "target-group", "concept_code": "martians"},
    {"label": "context", "start": 14, "end": 26, "concept_scheme": "mechanism", "concept_code": "lock_in"},
    ["context", 14, 26],
    "context 14 26",
], ids=["past-the-end", "negative", "backwards", "bool-start", "string-start", "no-label", "unknown-label",
        "long-memo", "huge-memo", "unknown-concept", "concept-of-wrong-scheme", "json-list", "json-string"])
def test_a_bad_span_is_a_400_and_nothing_is_stored(people, fatima, teams, body):
    key, source = teams
    before = counts(people)
    response = fatima.api("POST", f"/sessions/{key}/sources/{source}/annotations", body)
    assert response.status_code == 400
    assert response.get_json()["error"]["message"]
    assert counts(people) == before


@pytest.mark.parametrize("raw, content_type", [
    ("label=context&start=14&end=26", "application/x-www-form-urlencoded"),
    ('{"label": "context", "start": 14, "end": 26}', "text/plain"),
    ('{"label": "context", "start": 14,', "application/json"),
    ("null", "application/json"),
    ("", "application/json"),
])
def test_a_body_that_is_not_a_json_object_is_a_400(people, fatima, teams, raw, content_type):
    key, source = teams
    before = counts(people)
    response = fatima.api("POST", f"/sessions/{key}/sources/{source}/annotations", raw=raw,
                          content_type=content_type)
    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == "Send a JSON object."
    assert counts(people) == before


@pytest.mark.parametrize("path, body, message", [
    ("annotations", {"label": "context", "start": True, "end": 10}, "start is a whole number."),
    ("annotations", ["context", 14, 26], "Send a JSON object."),
    ("suggestions/accept-above", {"threshold": "x"}, "The threshold is a number from 0 to 1."),
])
def test_every_refusal_reads_as_a_message_on_the_coding_page(fatima, teams, path, body, message):
    key, source = teams
    response = fatima.api("POST", f"/sessions/{key}/sources/{source}/{path}", body)
    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == message


def test_accepting_and_rejecting_suggestions(people, fatima, bruno, teams):
    key, source = teams
    base = f"/sessions/{key}/sources/{source}"
    pending = fatima.state(key, source)["suggestions"]
    target = by_phrase(pending, LONG_TERM)
    wrong = by_phrase(pending, "action plan")

    accepted = fatima.api("POST", f"{base}/suggestions/{target['id']}/accept")
    assert accepted.status_code == 200
    span = by_phrase(accepted.get_json()["annotations"], LONG_TERM)
    assert span["origin"] == "suggestion" and span["label"] == "context"
    assert span["concept"]["code"] == "long_term_unemployed"
    relabelled = fatima.api("POST", f"{base}/suggestions/{by_phrase(pending, 'after three months')['id']}/accept",
                            {"label": "context"})
    assert relabelled.status_code == 200
    assert by_phrase(relabelled.get_json()["annotations"], "after three months")["label"] == "context"

    rejected = fatima.api("POST", f"{base}/suggestions/{wrong['id']}/reject")
    assert rejected.status_code == 200
    assert wrong["id"] not in {s["id"] for s in rejected.get_json()["suggestions"]}
    assert [a["quote"] for a in rejected.get_json()["annotations"]] == [LONG_TERM, "after three months"]
    # A reload, and the extractor proposing again, do not bring a rejected suggestion back.
    assert wrong["id"] not in {s["id"] for s in fatima.state(key, source)["suggestions"]}
    with people.app_context():
        from webapp.database import db_session
        from webapp.sessions.suggest import propose
        propose(db_session(), source, actor="test")
        db_session().commit()
    reloaded = fatima.state(key, source)["suggestions"]
    assert all(s["quote"] != "action plan" for s in reloaded)
    # Bruno decides for himself: every suggestion is still his to decide.
    assert {s["id"] for s in bruno.state(key, source)["suggestions"]} >= {target["id"], wrong["id"]}

    unknown = fatima.api("POST", f"{base}/suggestions/999999/accept")
    assert unknown.status_code == 404
    assert fatima.api("POST", f"{base}/suggestions/{wrong['id']}/delete").status_code == 404


def test_a_suggestion_accepted_under_another_label_drops_a_concept_that_does_not_fit(fatima, teams):
    """Pressing 1-5 on a suggestion accepts it with that label (coding.js)."""
    key, source = teams
    training = by_phrase(fatima.state(key, source)["suggestions"], "training")
    assert training["concept"]["scheme"] == "programme-type"
    accepted = fatima.api("POST", f"/sessions/{key}/sources/{source}/suggestions/{training['id']}/accept",
                          {"label": "context"})
    assert accepted.status_code == 200, accepted.get_json()
    span = by_phrase(accepted.get_json()["annotations"], "training")
    assert span["label"] == "context" and span["concept"] is None


def test_accepting_every_suggestion_above_a_threshold(fatima, teams):
    key, source = teams
    base = f"/sessions/{key}/sources/{source}"
    pending = fatima.state(key, source)["suggestions"]
    high = [s for s in pending if s["score"] >= 0.7]
    assert high and len(high) < len(pending)
    response = fatima.api("POST", f"{base}/suggestions/accept-above", {"threshold": 0.7})
    assert response.status_code == 200
    state = response.get_json()
    assert response.headers["X-Accepted"] == str(len(high))
    assert sorted(a["quote"] for a in state["annotations"]) == sorted(s["quote"] for s in high)
    assert all(a["origin"] == "suggestion" for a in state["annotations"])
    assert state["suggestions"] and all(s["score"] < 0.7 for s in state["suggestions"])
    again = fatima.api("POST", f"{base}/suggestions/accept-above", {"threshold": 0.7})
    assert again.headers["X-Accepted"] == "0"


@pytest.mark.parametrize("threshold", ["x", 2, -0.1, True, None, [0.5]])
def test_an_invalid_threshold_is_a_400(people, fatima, teams, threshold):
    key, source = teams
    before = counts(people)
    response = fatima.api("POST", f"/sessions/{key}/sources/{source}/suggestions/accept-above",
                          {"threshold": threshold})
    assert response.status_code == 400
    assert response.get_json()["error"]["message"]
    assert counts(people) == before


def test_a_suggestion_or_span_of_another_source_is_not_found_here(people, fatima, teams):
    key, teams_source = teams
    other = last_part(fatima.paste(key, "Break-out room", "Maria Rossi: Every young jobseeker meets a counsellor "
                                                          "within four weeks, and employment rose afterwards."))
    suggestion = fatima.state(key, teams_source)["suggestions"][0]
    span = by_phrase(fatima.annotate(key, teams_source, "mechanism", WAGE_SUBSIDY).get_json()["annotations"],
                     WAGE_SUBSIDY)
    before = counts(people)
    wrong = f"/sessions/{key}/sources/{other}"
    for method, path, body in [("POST", f"{wrong}/suggestions/{suggestion['id']}/accept", None),
                               ("POST", f"{wrong}/suggestions/{suggestion['id']}/reject", None),
                               ("PATCH", f"{wrong}/annotations/{span['key']}", {"label": "outcome"}),
                               ("DELETE", f"{wrong}/annotations/{span['key']}", None)]:
        assert fatima.api(method, path, body).status_code == 404, (method, path)
    assert counts(people) == before
    state = fatima.state(key, teams_source)
    assert suggestion["id"] in {s["id"] for s in state["suggestions"]}
    assert by_phrase(state["annotations"], WAGE_SUBSIDY)["label"] == "mechanism"
    elsewhere = last_part(new_session(fatima, title="Another session"))
    assert fatima.get(f"/sessions/{elsewhere}/sources/{teams_source}").status_code == 404


def test_a_coder_cannot_change_another_coders_span(people, fatima, bruno, teams):
    key, source = teams
    span = by_phrase(fatima.annotate(key, source, "mechanism", WAGE_SUBSIDY, memo="Fatima's reading")
                     .get_json()["annotations"], WAGE_SUBSIDY)
    before = stored_annotations(people, source)
    base = f"/sessions/{key}/sources/{source}/annotations/{span['key']}"
    for method, body in [("PATCH", {"label": "outcome"}), ("PATCH", {"memo": "Bruno's reading"}), ("DELETE", None)]:
        refused = bruno.api(method, base, body)
        assert refused.status_code == 400
        assert refused.get_json()["error"]["message"] == "You can change only your own annotations."
    assert stored_annotations(people, source) == before
    assert bruno.state(key, source)["annotations"] == []
    # Bruno codes the same words his own way, beside Fatima's span.
    assert bruno.annotate(key, source, "outcome", WAGE_SUBSIDY).status_code == 201


def test_concept_search_finds_concepts_by_their_names_in_the_session_language(fatima):
    german = fatima.get("/sessions/concepts?label=mechanism&q=lohnkosten&lang=de")
    assert german.status_code == 200
    found = [(c["code"], c["label"]) for c in german.get_json()["concepts"]]
    assert found[0] == ("employment_incentives_wage_subsidy", "Beschäftigungsanreize und Lohnkostenzuschüsse")
    assert ("employer_hiring_cost", "Senkung von Einstellungskosten und -risiken") in found
    assert fatima.get("/sessions/concepts?label=mechanism&q=lohnkosten&lang=en").get_json()["concepts"] == []
    betreuung = fatima.get("/sessions/concepts?label=mechanism&q=betreuung&lang=de").get_json()["concepts"]
    assert betreuung[0]["label"] == "Betreuungsintensität"
    outcome = fatima.get("/sessions/concepts?label=outcome&q=lohnkosten&lang=de").get_json()["concepts"]
    assert outcome == []  # outcome spans link to outcome measures only
    refused = fatima.get("/sessions/concepts?label=opinion&q=x", headers={"Accept": "application/json"})
    assert refused.status_code == 400
    assert "Give the label of the span" in refused.get_json()["error"]["message"]


# -- configurations --------------------------------------------------------------------------------


def _coded(browser: Browser, key: str, source: str) -> dict[str, str]:
    """Context, mechanism and outcome spans in the Teams transcript: phrase -> annotation key."""
    for label, phrase, extra in [
        ("context", LONG_TERM, {"concept_scheme": "target-group", "concept_code": "long_term_unemployed"}),
        ("mechanism", WAGE_SUBSIDY, {"concept_scheme": "programme-type",
                                     "concept_code": "employment_incentives_wage_subsidy"}),
        ("outcome", EFFECT, {"concept_scheme": "outcome-measure", "concept_code": "employment"}),
    ]:
        assert browser.annotate(key, source, label, phrase, **extra).status_code == 201
    return {a["quote"]: a["key"] for a in browser.state(key, source)["annotations"]}


def _configuration_form(spans: dict[str, str], action: str, **changes) -> dict:
    outcome = spans[EFFECT]
    return {"mechanism_span": spans[WAGE_SUBSIDY], "context_spans": [spans[LONG_TERM]], "outcome_spans": [outcome],
            "programme_type": "employment_incentives_wage_subsidy", "mechanism": "employer_hiring_cost",
            "target_groups": ["long_term_unemployed"], f"measure_{outcome}": "employment",
            f"direction_{outcome}": "positive", f"horizon_{outcome}": "short_run", "practice": "__new__",
            "practice_name": "Gdańsk individual action plans", "action": action} | changes


def _graph(app):
    from ontology.vocab import NodeLabel, RelType
    with app.app_context():
        from webapp.graph_access import synced_graph
        return synced_graph(), NodeLabel, RelType


def test_save_and_validate_builds_knowledge_from_the_spans(people, fatima, teams):
    from graph.store import NodeRef
    key, source = teams
    spans = _coded(fatima, key, source)
    page = f"/sessions/{key}/sources/{source}/configurations/new"
    form = fatima.get(page).text
    # The concepts linked to the spans are filled in.
    assert EFFECT in form and '<option selected value="employment_incentives_wage_subsidy">' in form
    assert '<option selected value="employment">' in form
    saved = fatima.submit(page, _configuration_form(spans, "validate"))
    configuration = last_part(saved)
    shown = fatima.get(saved.headers["Location"]).text
    assert "Validated by facilitator" in shown and "Gdańsk individual action plans" in shown
    rows = [row.text_content() for row in lxml.html.fromstring(shown).xpath('//table[@id="spans"]/tbody/tr')]
    assert len(rows) == 3
    assert "Context" in rows[0] and LONG_TERM in rows[0] and "Helen Murphy" in rows[0]
    assert "Tomasz Nowak" in rows[1] and WAGE_SUBSIDY in rows[1]
    assert "Ingrid Larsen" in rows[2] and EFFECT in rows[2]
    assert configuration in fatima.get(f"/sessions/{key}").text

    store, NodeLabel, RelType = _graph(people)
    node = store.node(NodeLabel.CONFIGURATION, configuration)
    assert node["status"] == "validated" and node["mechanism"] == "employer_hiring_cost"
    derived = store.relationships(RelType.DERIVED_FROM, start=NodeRef(NodeLabel.CONFIGURATION, configuration))
    segments = [rel.end for rel in derived if rel.end.label == NodeLabel.SEGMENT]
    texts = {store.node(NodeLabel.SEGMENT, ref.key)["text"]: store.node(NodeLabel.SEGMENT, ref.key)["speaker"]
             for ref in segments}
    assert texts == {LONG_TERM: "Helen Murphy", WAGE_SUBSIDY: "Tomasz Nowak", EFFECT: "Ingrid Larsen"}
    for ref in segments:
        assert [rel.end for rel in store.relationships(RelType.PART_OF, start=ref)] == [
            NodeRef(NodeLabel.SOURCE, source)]
    # A span a configuration stands on stays where it is.
    moved = fatima.api("DELETE", f"/sessions/{key}/sources/{source}/annotations/{spans[EFFECT]}")
    assert moved.status_code == 400 and configuration in moved.get_json()["error"]["message"]


def test_the_graph_knows_who_validated_a_configuration_saved_and_validated_at_once(people, fatima, teams):
    key, source = teams
    spans = _coded(fatima, key, source)
    configuration = last_part(fatima.submit(f"/sessions/{key}/sources/{source}/configurations/new",
                                            _configuration_form(spans, "validate")))
    analyst = Browser(people, "analyst", ANALYST_PASSWORD)
    status = lxml.html.fromstring(analyst.get(f"/explore/configurations/{configuration}").text) \
        .get_element_by_id("graph-status").text_content()
    assert status == "Validated by facilitator"
    store, NodeLabel, _ = _graph(people)
    assert store.node(NodeLabel.CONFIGURATION, configuration).get("validated_by") == "facilitator"


@pytest.mark.parametrize("changes, message", [
    ({"mechanism_span": ""}, "Choose the mechanism span."),
    ({"outcome_spans": []}, "A configuration needs at least one outcome."),
])
def test_a_configuration_without_mechanism_or_outcome_is_not_saved(people, fatima, teams, changes, message):
    key, source = teams
    spans = _coded(fatima, key, source)
    before = counts(people)
    page = f"/sessions/{key}/sources/{source}/configurations/new"
    refused = fatima.submit(page, _configuration_form(spans, "validate", **changes))
    assert refused.status_code == 400
    assert message in lxml.html.fromstring(refused.text).get_element_by_id("form-errors").text_content()
    assert counts(people) == before  # not even the new practice


def test_a_draft_is_kept_apart_until_validated(people, fatima, teams):
    key, source = teams
    spans = _coded(fatima, key, source)
    saved = fatima.submit(f"/sessions/{key}/sources/{source}/configurations/new",
                          _configuration_form(spans, "draft", practice="", practice_name=""))
    configuration = last_part(saved)
    page = saved.headers["Location"]
    assert "Draft: the graph keeps it apart" in fatima.get(page).text
    store, NodeLabel, _ = _graph(people)
    assert store.node(NodeLabel.CONFIGURATION, configuration)["status"] == "draft"

    validated = fatima.submit(page, {}, action=f"/sessions/{key}/configurations/{configuration}/validate")
    assert validated.status_code == 302
    shown = fatima.get(page).text
    assert "Validated by facilitator" in shown and "Draft:" not in shown
    store, NodeLabel, _ = _graph(people)
    assert store.node(NodeLabel.CONFIGURATION, configuration)["status"] == "validated"


def test_the_configurations_csv_has_one_row_per_configuration_with_its_words(fatima, teams):
    key, source = teams
    spans = _coded(fatima, key, source)
    page = f"/sessions/{key}/sources/{source}/configurations/new"
    first = last_part(fatima.submit(page, _configuration_form(spans, "validate")))
    second = last_part(fatima.submit(page, _configuration_form(spans, "draft", context_spans=[], practice="")))
    response = fatima.get(f"/sessions/{key}/configurations.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="Gda-sk-peer-review.csv"'
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))
    assert [row["configuration"] for row in rows] == [first, second]
    assert list(rows[0])[:3] == ["configuration", "status", "validated_by"]
    assert rows[0]["status"] == "validated" and rows[1]["status"] == "draft"
    assert rows[0]["contexts_text"] == LONG_TERM and rows[1]["contexts_text"] == ""
    assert rows[0]["mechanism_text"] == WAGE_SUBSIDY and rows[0]["outcomes_text"] == EFFECT
    assert rows[0]["outcomes"] == "employment/positive/short_run"
    assert rows[0]["session"] == "Gdańsk peer review" and rows[0]["source"] == TEAMS.name
    assert rows[0]["countries"] == "PL" and rows[0]["region"] == "PL63"


# -- agreement -------------------------------------------------------------------------------------


def _report(browser: Browser, key: str):
    page = browser.get(f"/sessions/{key}/agreement")
    assert page.status_code == 200
    return lxml.html.fromstring(page.text).xpath('//section[@class="result"]')[0]


def test_the_agreement_report_shows_the_figures_and_where_coders_differ(fatima, bruno, teams):
    key, source = teams
    for browser, label in [(fatima, "mechanism"), (bruno, "outcome")]:
        assert browser.annotate(key, source, label, WAGE_SUBSIDY).status_code == 201
        assert browser.annotate(key, source, "context", LONG_TERM).status_code == 201
    assert fatima.annotate(key, source, "outcome", EFFECT).status_code == 201
    report = _report(bruno, key)
    alpha = report.xpath('.//dd[@class="alpha"]')[0].text_content()
    kappa = report.xpath('.//td[@class="num kappa"]')[0].text_content()
    assert re.fullmatch(r"-?0\.\d{3}", alpha), alpha  # defined, and short of full agreement
    assert re.fullmatch(r"-?0\.\d{3}", kappa), kappa
    assert "kappa bruno–facilitator" in report.text_content()
    rows = {row.xpath("td")[0].text_content(): [td.text_content() for td in row.xpath("td")[1:]]
            for row in report.xpath('.//table[contains(@class, "disagreements")]/tbody/tr')}
    assert rows[f"“{WAGE_SUBSIDY}”"] == ["Outcome", "Mechanism"]
    assert rows[f"“{EFFECT}”"] == ["—", "Outcome"]
    assert not any(LONG_TERM in text for text in rows)


def test_identical_coding_agrees_fully(fatima, bruno, teams):
    key, source = teams
    assert "0 coders so far: agreement needs two." in _report(fatima, key).text_content()
    for browser in (fatima, bruno):
        assert browser.annotate(key, source, "mechanism", WAGE_SUBSIDY).status_code == 201
        assert browser.annotate(key, source, "outcome", EFFECT).status_code == 201
    report = _report(fatima, key)
    assert report.xpath('.//dd[@class="alpha"]')[0].text_content() == "1.000"
    assert report.xpath('.//td[@class="num kappa"]')[0].text_content() == "1.000"
    assert "None: every word carries the same labels" in report.text_content()


# -- REFI-QDA --------------------------------------------------------------------------------------

MEMO = "Both coders read this as the hiring cost.\nSee the Gdańsk office notes — “plan” first."


def _two_coders_code(fatima: Browser, bruno: Browser, key: str, source: str) -> None:
    spans = _coded(fatima, key, source)
    assert fatima.api("PATCH", f"/sessions/{key}/sources/{source}/annotations/{spans[WAGE_SUBSIDY]}",
                      {"memo": MEMO}).status_code == 200
    assert fatima.annotate(key, source, "enabling", COMBINED, concept_scheme="condition-type",
                           concept_code=_a_condition_type()).status_code == 201
    assert bruno.annotate(key, source, "mechanism", ACTION_PLAN, concept_scheme="mechanism",
                          concept_code="caseworker_intensity", memo="Bruno: plan = contact").status_code == 201
    assert bruno.annotate(key, source, "outcome", WAGE_SUBSIDY).status_code == 201
    assert bruno.annotate(key, source, "hindering", "once the subsidy ends").status_code == 201


def _a_condition_type() -> str:
    from ontology.concepts import concept_index
    from ontology.vocab import Scheme
    return sorted(concept.code for concept in concept_index().concepts(Scheme.CONDITION_TYPE))[0]


def _session_texts_and_codings(app, session_key: str) -> list[tuple[str, list[tuple]]]:
    with app.app_context():
        from webapp.database import db_session
        texts = db_session().scalars(select(SourceText).where(SourceText.session_key == session_key)
                                     .order_by(SourceText.id)).all()
        pairs = [(text.text, text.source_key) for text in texts]
    return [(text, stored_annotations(app, source_key)) for text, source_key in pairs]


def _import(browser: Browser, filename: str, data: bytes):
    return browser.submit("/sessions/", {"file": (io.BytesIO(data), filename)}, action="/sessions/import",
                          content_type="multipart/form-data")


def test_refi_qda_round_trip_keeps_every_coding(make_app, people, fatima, bruno, teams, tmp_path):
    key, source = teams
    _two_coders_code(fatima, bruno, key, source)
    original = _session_texts_and_codings(people, key)
    assert len(original) == 1 and len(original[0][1]) == 7
    exported = fatima.get(f"/sessions/{key}/export.qdpx")
    assert exported.status_code == 200 and exported.mimetype == "application/vnd.refi-qda.project+zip"
    assert exported.headers["Content-Disposition"] == 'attachment; filename="Gda-sk-peer-review.qdpx"'

    fresh = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'elsewhere.db'}")
    with fresh.app_context():
        from webapp.database import session_factory
        with transaction(session_factory()) as session:
            create_user(session, "ines", "facilitator", "ines-password-for-tests")
    ines = Browser(fresh, "ines", "ines-password-for-tests")
    imported = _import(ines, "Gda-sk-peer-review.qdpx", exported.data)
    new_key = last_part(imported)
    shown = ines.get(imported.headers["Location"]).text
    assert "Imported Gda-sk-peer-review.qdpx as a new session." in shown and flashed_errors(shown) == []
    assert "<h1>Gdańsk peer review</h1>" in shown and TEAMS.name in shown

    again = _session_texts_and_codings(fresh, new_key)
    assert again == original  # texts, coder names, labels, offsets, quotes, concepts and memos
    assert {coder for coder, *_ in again[0][1]} == {"facilitator", "bruno"}
    assert any(row[-1] == MEMO for row in again[0][1])
    with fresh.app_context():
        from webapp.database import db_session
        assert db_session().scalar(select(CopSession.facilitators).where(CopSession.key == new_key)) == ["ines"]


def test_the_exported_project_and_codebook_are_valid_refi_qda(fatima, bruno, teams):
    key, source = teams
    _two_coders_code(fatima, bruno, key, source)
    project_schema = etree.XMLSchema(etree.parse(str(require_shared_data("refi-qda/Project.xsd"))))
    codebook_schema = etree.XMLSchema(etree.parse(str(require_shared_data("refi-qda/Codebook.xsd"))))
    with zipfile.ZipFile(io.BytesIO(fatima.get(f"/sessions/{key}/export.qdpx").data)) as archive:
        project = etree.fromstring(archive.read("project.qde"))
        texts = [name for name in archive.namelist() if name.startswith("sources/")]
        assert len(texts) == 1 and archive.read(texts[0]).decode("utf-8") == fatima.text(key, source)
    assert project_schema.validate(project), project_schema.error_log
    namespace = {"q": project.nsmap[None]}
    assert len(project.findall(".//q:PlainTextSelection", namespace)) == 7
    assert sorted(user.get("name") for user in project.findall(".//q:User", namespace)) == ["bruno", "facilitator"]

    codebook = fatima.get(f"/sessions/{key}/codebook.qdc")
    assert codebook.status_code == 200
    assert codebook.headers["Content-Disposition"] == 'attachment; filename="Gda-sk-peer-review.qdc"'
    document = etree.fromstring(codebook.data)
    assert codebook_schema.validate(document), codebook_schema.error_log
    names = [code.get("name") for code in document.iter(f"{{{document.nsmap[None]}}}Code")]
    assert names[:2] == ["Context", "Long-term unemployed"]  # a linked concept is a child of its label
    assert {"Mechanism", "Outcome", "Enabling condition", "Hindering condition", "caseworker contact intensity",
            "Employment incentives and wage subsidies"} <= set(names)


def _a_qdpx() -> bytes:
    text = ("Interviewer: What helped you most?\n"
            "Participant: My mentor called every week, so I did not give up. I found a job in May.\n")
    anna = QdaUser(new_guid(), "Anna Kowalska")
    mechanism = QdaCode(new_guid(), "Mechanism", "What the programme triggers.")
    feelings = QdaCode(new_guid(), "Feelings", "How the participant felt.")

    def coded(phrase: str, code: QdaCode) -> QdaSelection:
        start = text.index(phrase)
        return QdaSelection(new_guid(), start, start + len(phrase), name=phrase, user_guid=anna.guid,
                            codings=[QdaCoding(new_guid(), code.guid, anna.guid, None)])

    source = QdaTextSource(new_guid(), "Interview 7", text,
                           selections=[coded("My mentor called every week", mechanism),
                                       coded("I did not give up", feelings)])
    return write_qdpx(QdaProject(name="Mentoring interviews", users=[anna], codes=[mechanism, feelings],
                                 sources=[source]))


def test_a_code_that_is_not_cmo_is_left_out_and_listed(people, fatima):
    imported = _import(fatima, "interviews.qdpx", _a_qdpx())
    key = last_part(imported)
    shown = fatima.get(imported.headers["Location"]).text
    assert "Imported interviews.qdpx as a new session." in shown
    errors = flashed_errors(shown)
    assert len(errors) == 1 and "uses a code that is not a CMO label" in errors[0] and "Interview 7" in errors[0]
    codings = _session_texts_and_codings(people, key)[0][1]
    assert [(coder, label, quote) for coder, label, _, _, quote, *_ in codings] == [
        ("Anna Kowalska", "mechanism", "My mentor called every week")]


@pytest.mark.parametrize("filename, data, message", [
    ("project.qdpx", bytes(range(256)) * 8, "the file is not a readable zip archive"),
    ("notes.qdpx", b"Interviewer: this is a text file renamed.\n", "the file is not a readable zip archive"),
    ("project.zip", None, "the file name should end in .qdpx"),
    ("project.nvp", b"NVivo", "the file name should end in .qdpx"),
    ("empty.qdpx", b"PK\x05\x06" + b"\0" * 18, "has no project.qde"),
])
def test_a_file_that_is_not_a_project_imports_nothing(people, fatima, filename, data, message):
    before = counts(people)
    response = _import(fatima, filename, _a_qdpx() if data is None else data)
    assert response.status_code == 400
    errors = flashed_errors(response.text)
    assert len(errors) == 1 and message in errors[0] and errors[0].startswith(filename), errors
    assert counts(people) == before
    assert "Mentoring interviews" not in fatima.get("/sessions/").text


def test_documents_without_a_session_live_in_the_library_and_any_facilitator_codes_them(people, fatima):
    pdf = SOURCES / "policy_brief_wage_subsidies_en.pdf"
    uploaded = fatima.upload("library", pdf.name, pdf.read_bytes())
    assert uploaded.status_code == 302
    source = last_part(uploaded)
    with people.app_context():
        from webapp.database import db_session
        assert db_session().scalar(select(SourceText.session_key).where(SourceText.source_key == source)) is None
    # Olga facilitates no session, yet the library is everybody's.
    olga = Browser(people, "olga", OLGA_PASSWORD)
    page = olga.get(f"/sessions/library/sources/{source}")
    assert page.status_code == 200 and "Wage subsidies pay part of the wage" in page.get_data(as_text=True)
    assert pdf.name in olga.get("/sessions/library").get_data(as_text=True)
    again = fatima.upload("library", pdf.name, pdf.read_bytes())
    assert again.status_code == 409 and "already in the library" in again.get_data(as_text=True)
    assert fatima.get("/sessions/library/edit").status_code == 404
