"""The JSON API: CSRF in a header, clear JSON errors, nothing changed by bad input."""

import pytest
from sqlalchemy import func, select

from records.models import User
from tests.conftest import ANALYST_PASSWORD


def _user_count(app) -> int:
    with app.app_context():
        from webapp.database import db_session
        return db_session().scalar(select(func.count()).select_from(User))


def test_an_admin_creates_a_user_with_json(app, client, auth):
    auth.login()
    response = client.post("/api/users", json={"username": "analyst2", "role": "analyst"},
                           headers={"X-CSRFToken": auth.csrf_token()})
    assert response.status_code == 201
    body = response.get_json()
    assert body["user"]["username"] == "analyst2" and len(body["generated_password"]) >= 16
    listed = client.get("/api/users").get_json()["users"]
    assert "analyst2" in [u["username"] for u in listed]


@pytest.mark.parametrize("send, status, message", [
    ({"data": '{"username": "x1", "role": ', "content_type": "application/json"}, 400, "not valid JSON"),
    ({"data": "[1, 2]", "content_type": "application/json"}, 400, "JSON object"),
    ({"data": "username=x1", "content_type": "application/x-www-form-urlencoded"}, 415, "as JSON"),
    ({"json": {"username": "x1", "role": "analyst", "admin": True}}, 400, "Unknown fields: admin"),
    ({"json": {"username": 5, "role": "analyst"}}, 400, "must be a string"),
    ({"json": {"username": "x1", "role": "owner"}}, 400, "Unknown role"),
    ({"json": {"username": "analyst", "role": "analyst"}}, 409, "taken"),
])
def test_bad_json_gets_a_clear_json_error_and_changes_nothing(app, client, auth, send, status, message):
    auth.login()
    before = _user_count(app)
    response = client.post("/api/users", headers={"X-CSRFToken": auth.csrf_token()}, **send)
    assert response.status_code == status
    assert message in response.get_json()["error"]["message"]
    assert _user_count(app) == before


def test_a_json_post_without_or_with_a_forged_csrf_token_is_refused(app, client, auth):
    auth.login()
    before = _user_count(app)
    for headers in ({}, {"X-CSRFToken": "forged"}):
        response = client.post("/api/users", json={"username": "x2", "role": "analyst"}, headers=headers)
        assert response.status_code == 400
        assert "security token" in response.get_json()["error"]["message"]
    assert _user_count(app) == before


def test_the_api_answers_401_and_403_in_json(client, auth):
    response = client.get("/api/users")
    assert response.status_code == 401 and response.get_json()["error"]["status"] == 401
    auth.login("analyst", ANALYST_PASSWORD)
    response = client.post("/api/users", json={"username": "x3", "role": "admin"},
                           headers={"X-CSRFToken": auth.csrf_token()})
    assert response.status_code == 403 and response.is_json
