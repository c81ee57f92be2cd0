"""Headers, cookies and error pages that every answer carries."""

from flask import Blueprint

from webapp.security import CONTENT_SECURITY_POLICY


def test_every_answer_carries_the_security_headers(client):
    for path in ["/", "/auth/sign-in", "/healthz", "/no-such-page"]:
        headers = client.get(path).headers
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"


def test_the_content_security_policy_allows_no_other_host():
    for directive in CONTENT_SECURITY_POLICY.split("; "):
        sources = directive.split()[1:]
        assert all(s in {"'self'", "'none'", "data:"} for s in sources), directive
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY


def test_the_session_cookie_is_secure_httponly_and_same_site(client, auth):
    response = auth.login()
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_errors_answer_html_to_browsers_and_json_to_clients(client):
    page = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert page.status_code == 404 and "There is nothing at this address." in page.text
    data = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert data.status_code == 404 and data.get_json()["error"]["message"]
    assert client.get("/api/nothing-here").is_json
    assert client.put("/auth/sign-in").status_code == 405


def test_an_unexpected_failure_is_a_clean_500_without_internals(make_app):
    # TESTING off, as in production: errors are handled, not raised to the caller.
    application = make_app(TESTING=False)
    broken = Blueprint("broken", __name__)

    @broken.route("/broken")
    def fail():
        raise KeyError("secret internal detail")

    application.register_blueprint(broken)
    response = application.test_client().get("/broken")
    assert response.status_code == 500
    assert "secret internal detail" not in response.text
    assert "Something went wrong on our side" in response.text


def test_oversized_requests_are_refused(client):
    response = client.post("/auth/sign-in", data="x" * (17 * 1024 * 1024),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413


def test_signed_in_pages_are_not_cached_and_anonymous_pages_set_no_login_cookies(client, auth):
    anonymous = client.get("/auth/sign-in")
    assert "no-store" not in anonymous.headers.get("Cache-Control", "")
    assert not any(h.startswith("remember_token") for h in anonymous.headers.getlist("Set-Cookie"))
    auth.login()
    assert client.get("/").headers["Cache-Control"] == "no-store"
