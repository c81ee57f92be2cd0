"""Admins manage accounts in the web UI; nobody else can."""

import re

import pytest
from sqlalchemy import func, select

from records.models import User
from tests.conftest import ANALYST_PASSWORD, FACILITATOR_PASSWORD, csrf_token_from


def _user_count(app) -> int:
    with app.app_context():
        from webapp.database import db_session
        return db_session().scalar(select(func.count()).select_from(User))


def _user_id(app, username: str) -> int:
    with app.app_context():
        from webapp.database import db_session
        return db_session().scalar(select(User.id).where(User.username == username))


def _new_user(client, **fields):
    page = client.get("/admin/users/new")
    data = {"username": "", "display_name": "", "role": "facilitator", "password": ""} | fields
    return client.post("/admin/users/new", data=data | {"csrf_token": csrf_token_from(page.text)})


def test_an_admin_creates_a_facilitator_who_can_then_sign_in(app, client, auth):
    auth.login()
    response = _new_user(client, username="Fatima.K", display_name="Fatima K.")
    assert response.status_code == 201
    password = re.search(r"<code data-password>([^<]+)</code>", response.text).group(1)
    assert "fatima.k" in client.get("/admin/users").text
    auth.logout()
    assert auth.login("fatima.k", password).status_code == 302
    assert "Fatima K." in client.get("/").text
    assert client.get("/admin/users").status_code == 403


@pytest.mark.parametrize("fields, status, message", [
    ({"username": "analyst"}, 409, "taken"),
    ({"username": "no spaces allowed"}, 400, "lower-case letters"),
    ({"username": "newperson", "role": "superuser"}, 400, "Not a valid choice"),
    ({"username": "newperson", "password": "short"}, 400, "at least 12"),
    ({"username": ""}, 400, "This field is required"),
])
def test_bad_account_details_get_a_clear_message_and_create_nothing(app, client, auth, fields, status,
                                                                    message):
    auth.login()
    before = _user_count(app)
    response = _new_user(client, **fields)
    assert response.status_code == status
    assert message in response.text
    assert _user_count(app) == before


@pytest.mark.parametrize("username, password", [("analyst", ANALYST_PASSWORD),
                                                ("facilitator", FACILITATOR_PASSWORD)])
def test_other_roles_cannot_reach_admin_pages(client, auth, username, password):
    auth.login(username, password)
    for path in ["/admin/users", "/admin/users/new", "/admin/audit"]:
        response = client.get(path)
        assert response.status_code == 403
        assert "does not have access" in response.text
    response = client.get("/admin/users", headers={"Accept": "application/json"})
    assert response.status_code == 403 and response.get_json()["error"]["status"] == 403


def test_a_non_admin_post_to_an_admin_action_changes_nothing(app, client, auth):
    auth.login("analyst", ANALYST_PASSWORD)
    token = csrf_token_from(client.get("/").text)
    response = client.post(f"/admin/users/{_user_id(app, 'analyst')}/role",
                           data={"role": "admin", "csrf_token": token})
    assert response.status_code == 403
    auth.logout()
    auth.login()
    assert 'value="analyst" selected' in client.get("/admin/users").text


def test_role_change_and_deactivation(app, client, auth):
    auth.login()
    token = csrf_token_from(client.get("/admin/users").text)
    analyst_id = _user_id(app, "analyst")
    assert client.post(f"/admin/users/{analyst_id}/role",
                       data={"role": "facilitator", "csrf_token": token}).status_code == 302
    assert client.post(f"/admin/users/{analyst_id}/active",
                       data={"csrf_token": token}).status_code == 302
    page = client.get("/admin/users").text
    row = page.split('data-username="analyst"')[1].split("</tr>")[0]
    assert 'value="facilitator" selected' in row and "deactivated" in row
    audit = client.get("/admin/audit").text
    assert "user.role_changed" in audit and "user.deactivated" in audit


def test_a_deactivated_account_is_signed_out_on_its_next_request(app, client, auth):
    analyst = app.test_client()
    from tests.conftest import AuthActions
    AuthActions(analyst).login("analyst", ANALYST_PASSWORD)
    assert "Dashboard" in analyst.get("/").text
    auth.login()
    token = csrf_token_from(client.get("/admin/users").text)
    client.post(f"/admin/users/{_user_id(app, 'analyst')}/active", data={"csrf_token": token})
    assert "Dashboard" not in analyst.get("/").text


def test_the_last_admin_cannot_lock_everyone_out(app, client, auth):
    auth.login()
    token = csrf_token_from(client.get("/admin/users").text)
    response = client.post(f"/admin/users/{_user_id(app, 'admin')}/active", data={"csrf_token": token})
    assert response.status_code == 409
    assert "last active admin" in client.get("/admin/users").text
    assert "Dashboard" in client.get("/").text


def test_unknown_user_id_is_a_404(client, auth):
    auth.login()
    token = csrf_token_from(client.get("/admin/users").text)
    response = client.post("/admin/users/99999/role", data={"role": "analyst", "csrf_token": token})
    assert response.status_code == 404


def test_password_reset_shows_a_new_password_once(app, client, auth):
    auth.login()
    token = csrf_token_from(client.get("/admin/users").text)
    response = client.post(f"/admin/users/{_user_id(app, 'facilitator')}/password",
                           data={"csrf_token": token})
    new_password = re.search(r"<code data-password>([^<]+)</code>", response.text).group(1)
    auth.logout()
    assert auth.login("facilitator", FACILITATOR_PASSWORD).status_code == 401
    assert auth.login("facilitator", new_password).status_code == 302
