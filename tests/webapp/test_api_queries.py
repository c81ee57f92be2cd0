"""The JSON API of the wizard and the graph's named queries, held to its OpenAPI 3.1 document: every
/api address is described, every answer (success or error) matches the description, and no input,
however odd, gets a 500."""

from __future__ import annotations

import io
import json
import re

import pytest
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_spec_validator import validate
from werkzeug import Request

from graph.errors import GraphUnavailable
from graph.wizard import HORIZONS, OBJECTIVES
from ontology.vocab import NodeLabel, RelType
from records.db import transaction
from records.demo import load_demo_content
from records.migrate import upgrade
from records.models import ROLES
from records.users import create_user
from tests.conftest import ADMIN_PASSWORD, ANALYST_PASSWORD, AuthActions
from webapp.api import queries
from webapp.wizard import routes as wizard_routes

CONFIGURATION = "finding-eu085"
NEIGHBOURHOOD = f"/api/nodes/Configuration/{CONFIGURATION}/neighbourhood"


@pytest.fixture(scope="module")
def evidence_app(tmp_path_factory):
    """One app with the demo evidence base for the whole module: every request here only reads,
    and loading the 206 findings once keeps the module fast."""
    from webapp import create_app
    from webapp.graph_access import close_store

    folder = tmp_path_factory.mktemp("api-queries")
    application = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key", "NEO4J_URI": None,
                              "DATABASE_URL": f"sqlite:///{folder / 'app.db'}", "RATELIMIT_ENABLED": False})
    with application.app_context():
        from webapp.database import engine, session_factory
        upgrade(engine())
        with transaction(session_factory()) as session:
            create_user(session, "analyst", "analyst", ANALYST_PASSWORD)
        load_demo_content(session_factory())
    yield application
    close_store(application)
    with application.app_context():
        from webapp.database import engine
        engine().dispose()


@pytest.fixture
def anonymous(evidence_app):
    return evidence_app.test_client()


@pytest.fixture(scope="module")
def analyst(evidence_app):
    """Signed in once for the module: checking a password is slow on purpose."""
    client = evidence_app.test_client()
    AuthActions(client).login("analyst", ANALYST_PASSWORD)
    return client


def check(spec: OpenAPI, response, *, request_too: bool = True, body: bytes | None = None) -> None:
    """The response matches the document; so does the request, when it is meant to be a valid one.
    The app has read a posted body already, and the validator reads it again: pass it as `body`."""
    environ = dict(response.request.environ)
    if body is not None:
        environ["wsgi.input"] = io.BytesIO(body)
    request = WerkzeugOpenAPIRequest(Request(environ))
    if request_too:
        spec.validate_request(request)
    spec.validate_response(request, WerkzeugOpenAPIResponse(response))


# -- the document ----------------------------------------------------------------------------------

def test_the_document_is_valid_openapi_3_1_and_served_as_json(document, anonymous, spec):
    validate(document)
    assert document["openapi"].startswith("3.1.") and document["info"]["version"] == "1"
    response = anonymous.get("/api/openapi.json")
    assert response.status_code == 200 and response.is_json
    served = response.get_json()
    assert served["servers"][0]["url"] == "/api"
    assert {name: value for name, value in served.items() if name != "servers"} == {
        name: value for name, value in document.items() if name != "servers"}
    check(spec, response)


def test_every_api_address_of_the_app_is_documented_and_nothing_else(evidence_app, document):
    prefix = document["servers"][0]["url"]
    in_app = set()
    for rule in evidence_app.url_map.iter_rules():
        if rule.rule.startswith(prefix + "/"):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            in_app |= {(path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(prefix + path, method) for path, operations in document["paths"].items()
                  for method in operations if method in {"get", "post", "put", "patch", "delete"}}
    assert in_app == documented


def test_every_operation_documents_its_errors_and_who_may_call_it(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert "security" in operation, f"{method} {path} does not say who may call it"
            assert "200" in operation["responses"] or "201" in operation["responses"]
            if operation["security"]:
                assert "401" in operation["responses"], f"{method} {path} can refuse anonymous callers"
            if operation.get("parameters") or "{" in path or "requestBody" in operation:
                assert set(operation["responses"]) & {"400", "404"}, f"{method} {path} documents no bad input"


def test_the_document_lists_the_codes_the_code_accepts(document):
    schemas = document["components"]["schemas"]
    assert schemas["NodeLabel"]["enum"] == [str(label) for label in NodeLabel]
    assert schemas["RelType"]["enum"] == [str(rel) for rel in RelType]
    assert schemas["Role"]["enum"] == list(ROLES)
    wizard = {p["name"]: p for p in document["paths"]["/wizard"]["get"]["parameters"] if "name" in p}
    assert wizard["objective"]["schema"]["enum"] == list(OBJECTIVES)
    assert wizard["horizon"]["schema"]["enum"] == list(HORIZONS)
    assert wizard["lang"]["schema"]["enum"] == list(wizard_routes.LANGUAGES)
    groups = document["components"]["parameters"]["Groups"]["schema"]
    assert groups["maxItems"] == wizard_routes.MAX_TARGET_GROUPS
    limit = next(p for p in document["paths"]["/context-matches"]["get"]["parameters"] if p.get("name") == "limit")
    assert (limit["schema"]["maximum"], limit["schema"]["default"]) == (queries.MAX_LIMIT, queries.DEFAULT_LIMIT)
    depth = next(p for p in document["paths"]["/nodes/{label}/{key}/neighbourhood"]["get"]["parameters"]
                 if p["name"] == "depth")
    assert depth["schema"]["maximum"] == queries.MAX_DEPTH


# -- answers ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "/api/wizard?region=ES61&group=youth_neet&objective=employment&horizon=short&lang=de",
    "/api/wizard?band=low&skill=low&objective=earnings&horizon=medium",
    "/api/context-matches?region=ES61&group=youth_neet&group=women&band=high&skill=low&limit=25",
    "/api/context-matches?band=medium",
    "/api/mechanisms/human_capital/evidence",
    "/api/mechanisms/stigma/evidence",
])
def test_public_answers_match_the_document(anonymous, spec, url):
    response = anonymous.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    check(spec, response)


@pytest.mark.parametrize("url", [
    f"/api/configurations/{CONFIGURATION}/provenance",
    NEIGHBOURHOOD,
    f"{NEIGHBOURHOOD}?depth=3",
    "/api/nodes/Mechanism/human_capital/neighbourhood?depth=2",
    "/api/nodes/Region/ES61/neighbourhood?depth=1",
])
def test_answers_for_signed_in_users_match_the_document(analyst, spec, url):
    response = analyst.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    check(spec, response)


def test_a_high_and_a_low_unemployment_region_get_different_advice(anonymous, spec):
    answers = {}
    for region in ("ES61", "CZ01"):
        response = anonymous.get(f"/api/wizard?region={region}")
        check(spec, response)
        answers[region] = response.get_json()
        assert answers[region]["band_source"] == "region" and answers[region]["mechanisms"]
    assert (answers["ES61"]["unemployment_band"], answers["CZ01"]["unemployment_band"]) == ("high", "low")
    assert answers["ES61"]["mechanisms"][0]["code"] != answers["CZ01"]["mechanisms"][0]["code"]


def test_the_api_gives_the_wizards_own_answer(anonymous):
    query = "region=ES61&group=youth_neet&objective=inclusion&lang=fr"
    api = anonymous.get(f"/api/wizard?{query}")
    page = anonymous.get(f"/wizard/answer.json?{query}")
    assert api.get_json() == page.get_json()
    assert "Content-Disposition" not in api.headers


def test_context_matches_come_best_first_within_the_limit(anonymous):
    found = anonymous.get("/api/context-matches?region=ES61&group=youth_neet&band=high&limit=5").get_json()
    assert found["count"] == len(found["matches"]) == 5
    scores = [match["score"] for match in found["matches"]]
    assert scores == sorted(scores, reverse=True) and scores[0] >= 2
    assert all(match["status"] == "validated" for match in found["matches"])


def test_provenance_and_neighbourhood_lead_back_to_the_source(analyst):
    found = analyst.get(f"/api/configurations/{CONFIGURATION}/provenance").get_json()
    assert found["node"] == {"label": "Configuration", "key": CONFIGURATION}
    assert found["configuration"]["key"] == CONFIGURATION and found["source"]["citation"]
    around = analyst.get(NEIGHBOURHOOD).get_json()
    refs = {(node["label"], node["key"]) for node in around["nodes"]}
    assert ("Source", found["source"]["key"]) in refs and ("Practice", found["practice"]["key"]) in refs
    assert {(rel["start"]["label"], rel["start"]["key"]) for rel in around["relationships"]} <= refs
    wider = analyst.get(f"{NEIGHBOURHOOD}?depth=2").get_json()
    assert len(wider["nodes"]) > len(around["nodes"]) and wider["depth"] == 2


# -- errors ----------------------------------------------------------------------------------------

PUBLIC_ERRORS = [
    ("/api/wizard", 400, "Describe the context"),
    ("/api/wizard?region=XX99", 400, "Unknown region"),
    ("/api/wizard?region=ES61&horizon=forever", 400, "Unknown horizon"),
    ("/api/wizard?group=all_unemployed&group=women", 400, "already covers every group"),
    ("/api/wizard?region=ES61&region=CZ01", 400, "Give region at most once"),
    ("/api/context-matches", 400, "Describe the context"),
    ("/api/context-matches?group=nobody", 400, "Unknown target group"),
    ("/api/context-matches?region=ES61&band=extreme", 400, "Unknown unemployment band"),
    ("/api/context-matches?skill=9", 400, "Unknown skill level"),
    ("/api/context-matches?region=ES61&limit=0", 400, "limit must be a whole number from 1 to 1000"),
    ("/api/context-matches?region=ES61&limit=1001", 400, "limit must be a whole number"),
    ("/api/context-matches?region=ES61&limit=-1", 400, "limit must be a whole number"),
    ("/api/context-matches?region=ES61&limit=ten", 400, "limit must be a whole number"),
    ("/api/context-matches?region=ES61&limit=5&limit=6", 400, "Give limit at most once"),
    ("/api/context-matches?" + "&".join(f"group=g{n}" for n in range(11)), 400, "at most 10 target groups"),
    ("/api/mechanisms/nope/evidence", 400, "not a concept of the mechanism scheme"),
]
SIGNED_IN_ERRORS = [
    ("/api/configurations/finding-nope/provenance", 404, "There is no configuration 'finding-nope'"),
    (f"/api/configurations/{CONFIGURATION}.outcome.0/provenance", 404, "There is no configuration"),
    ("/api/nodes/Nope/x/neighbourhood", 404, "Unknown node label 'Nope'"),
    ("/api/nodes/configuration/x/neighbourhood", 404, "Unknown node label"),
    ("/api/nodes/Configuration/nope/neighbourhood", 404, "There is no Configuration 'nope'"),
    (f"{NEIGHBOURHOOD}?depth=0", 400, "depth must be a whole number from 1 to 3"),
    (f"{NEIGHBOURHOOD}?depth=4", 400, "depth must be"),
    (f"{NEIGHBOURHOOD}?depth=x", 400, "depth must be"),
    (f"{NEIGHBOURHOOD}?depth=1e9", 400, "depth must be"),
    (f"{NEIGHBOURHOOD}?depth=1&depth=2", 400, "Give depth at most once"),
]


@pytest.mark.parametrize("url, status, message", PUBLIC_ERRORS)
def test_public_questions_it_cannot_answer_get_a_documented_error(anonymous, spec, url, status, message):
    response = anonymous.get(url)
    assert response.status_code == status
    assert message in response.get_json()["error"]["message"]
    check(spec, response, request_too=False)


@pytest.mark.parametrize("url, status, message", SIGNED_IN_ERRORS)
def test_graph_questions_it_cannot_answer_get_a_documented_error(analyst, spec, url, status, message):
    response = analyst.get(url)
    assert response.status_code == status
    assert message in response.get_json()["error"]["message"]
    check(spec, response, request_too=False)


@pytest.mark.parametrize("url", [f"/api/configurations/{CONFIGURATION}/provenance",
                                 NEIGHBOURHOOD])
def test_provenance_and_neighbourhoods_need_a_signed_in_user(anonymous, spec, url):
    response = anonymous.get(url)
    assert response.status_code == 401 and response.get_json()["error"]["message"] == "Please sign in first."
    check(spec, response, request_too=False)


@pytest.mark.parametrize("url", [
    "/api/wizard?region=ES61",
    "/api/context-matches?region=ES61",
    "/api/mechanisms/human_capital/evidence",
    f"/api/configurations/{CONFIGURATION}/provenance",
    NEIGHBOURHOOD,
])
def test_a_graph_that_cannot_be_reached_is_a_documented_503(analyst, spec, monkeypatch, url):
    def unreachable():
        raise GraphUnavailable("Neo4j at bolt://graph:7687 does not answer.")

    monkeypatch.setattr(queries, "synced_graph", unreachable)
    monkeypatch.setattr(wizard_routes, "synced_graph", unreachable)
    response = analyst.get(url)
    assert response.status_code == 503 and "does not answer" in response.get_json()["error"]["message"]
    check(spec, response, request_too=False)


NASTY = [
    "/api/context-matches?region=ES61&limit=99999999999999999999999999999999999999",
    "/api/context-matches?region=ES61&limit=%EF%BC%95",  # a full-width five
    "/api/context-matches?region=ES61&limit=5_0",
    "/api/context-matches?region=ES61&limit=%205",
    "/api/context-matches?region=ES61&limit=",
    "/api/context-matches?region=%C3%9Cn%C3%AFc%C3%B8d%C3%A9&group=%E6%97%A5%E6%9C%AC",
    "/api/context-matches?region=ES61%00&band=high",
    "/api/context-matches?group=women&group=women&group=&group=women",
    "/api/context-matches?region=" + "A" * 5000,
    "/api/wizard?region=ES61&lang=%F0%9F%98%80&objective=",
    "/api/wizard?region=ES61&lang=de&lang=fr",
    "/api/wizard?group=" + "&group=".join(["women"] * 50),
    "/api/wizard?skill=%E2%80%AE1",
    "/api/mechanisms/%F0%9F%98%80/evidence",
    "/api/mechanisms/" + "x" * 3000 + "/evidence",
    "/api/mechanisms/human_capital%00/evidence",
    "/api/configurations/%E2%80%AEnope/provenance",
    "/api/configurations/" + "k" * 3000 + "/provenance",
    f"{NEIGHBOURHOOD}?depth=1e9",
    f"{NEIGHBOURHOOD}?depth=%EF%BC%92",
    f"{NEIGHBOURHOOD}?depth=99999999999999999999999",
    f"{NEIGHBOURHOOD}?depth=",
    "/api/nodes/%F0%9F%98%80/x/neighbourhood",
    "/api/nodes/Region/%C3%9C/neighbourhood?depth=3",
]


@pytest.mark.parametrize("url", NASTY)
def test_odd_input_never_gets_a_500(analyst, spec, url):
    response = analyst.get(url)
    assert response.status_code in {200, 400, 404}, response.get_data(as_text=True)
    assert response.is_json
    if response.status_code != 200:
        assert response.get_json()["error"]["message"]
    check(spec, response, request_too=False)


# -- the accounts API, described in the same document ------------------------------------------------

def test_the_accounts_api_matches_the_document(app, client, auth, spec):
    anonymous = client.get("/api/session")
    check(spec, anonymous)
    assert anonymous.get_json()["user"] is None
    check(spec, client.get("/api/users"), request_too=False)
    auth.login("analyst", ANALYST_PASSWORD)
    check(spec, client.get("/api/users"), request_too=False)
    auth.logout()
    auth.login("admin", ADMIN_PASSWORD)
    check(spec, client.get("/api/session"))
    check(spec, client.get("/api/users"))
    token = {"X-CSRFToken": auth.csrf_token()}
    new_user = {"username": "analyst2", "role": "analyst", "display_name": "Ana Lyst"}
    created = client.post("/api/users", json=new_user, headers=token)
    assert created.status_code == 201
    check(spec, created, body=json.dumps(new_user).encode())
    for body, status in (({"username": "analyst2", "role": "analyst"}, 409),
                         ({"username": "x1", "role": "owner"}, 400)):
        response = client.post("/api/users", json=body, headers=token)
        assert response.status_code == status
        check(spec, response, request_too=False, body=json.dumps(body).encode())
    wrong_type = client.post("/api/users", data="username=x1", headers=token,
                             content_type="application/x-www-form-urlencoded")
    assert wrong_type.status_code == 415
    check(spec, wrong_type, request_too=False, body=b"username=x1")
