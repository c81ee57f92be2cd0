"""Signing in and out, as a browser does it."""

from sqlalchemy import select

from records.models import AuditEntry
from tests.conftest import ADMIN_PASSWORD, ANALYST_PASSWORD, csrf_token_from


def _audit_actions(app) -> list[str]:
    with app.app_context():
        from webapp.database import db_session
        return list(db_session().scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_sign_in_leads_to_the_dashboard(client, auth):
    response = auth.login()
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/").text
    assert "Dashboard" in page and "Ada Admin" in page


def test_wrong_password_and_unknown_user_get_the_same_clear_answer(app, client, auth):
    for username, password in [("admin", "not-the-password"), ("nobody", ADMIN_PASSWORD)]:
        response = auth.login(username, password)
        assert response.status_code == 401
        assert "Wrong user name or password." in response.text
    assert "Dashboard" not in client.get("/").text
    assert _audit_actions(app).count("auth.sign_in_failed") == 2


def test_a_tampered_csrf_token_is_refused_and_signs_nobody_in(client):
    page = client.get("/auth/sign-in")
    token = csrf_token_from(page.text)
    response = client.post("/auth/sign-in", data={
        "username": "admin", "password": ADMIN_PASSWORD, "csrf_token": token[:-4] + "abcd"})
    assert response.status_code == 400
    assert "security token" in response.text
    response = client.post("/auth/sign-in", data={"username": "admin", "password": ADMIN_PASSWORD})
    assert response.status_code == 400
    assert "Dashboard" not in client.get("/").text


def test_sign_out_ends_the_session(client, auth):
    auth.login("analyst", ANALYST_PASSWORD)
    assert "Dashboard" in client.get("/").text
    response = auth.logout()
    assert response.status_code == 302
    assert client.get("/admin/users").status_code == 302
    assert "Dashboard" not in client.get("/").text


def test_after_sign_in_people_return_to_the_page_they_asked_for_but_never_elsewhere(client, auth):
    response = client.get("/admin/users")
    assert response.status_code == 302 and "/auth/sign-in?next=/admin/users" in response.headers["Location"]
    page = client.get("/auth/sign-in?next=/admin/users")
    response = client.post("/auth/sign-in?next=/admin/users", data={
        "username": "admin", "password": ADMIN_PASSWORD, "csrf_token": csrf_token_from(page.text)})
    assert response.headers["Location"] == "/admin/users"
    auth.logout()
    page = client.get("/auth/sign-in")
    response = client.post("/auth/sign-in?next=//evil.example/phish", data={
        "username": "admin", "password": ADMIN_PASSWORD, "csrf_token": csrf_token_from(page.text)})
    assert response.headers["Location"] == "/"


def test_sign_in_attempts_are_rate_limited(make_app):
    from tests.conftest import AuthActions

    client = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute").test_client()
    auth = AuthActions(client)
    statuses = [auth.login("admin", "wrong-password-guess").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    refused = auth.login("admin", "wrong-password-guess")
    assert refused.status_code == 429 and "Too many attempts" in refused.text
    assert client.get("/auth/sign-in").status_code == 200  # reading the form is not limited


def test_the_dashboard_shows_the_records_and_the_graph(app, client, auth):
    with app.app_context():
        from records.demo import load_demo_content
        from webapp.database import session_factory
        load_demo_content(session_factory())
    auth.login()
    page = client.get("/").text
    assert 'data-figure="configurations">206<' in page
    assert 'data-figure="responses">0<' in page
    assert 'data-figure="relationships">' in page and "Configuration nodes" in page
