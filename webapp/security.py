"""Sign-in sessions, CSRF, login rate limiting, security headers and role gates."""

from __future__ import annotations

from functools import wraps

from flask import Flask, abort, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import AnonymousUserMixin, LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFProtect

from records.models import User
from webapp.database import db_session

__all__ = ["Account", "csrf", "init_app", "limiter", "roles_required", "wants_json"]

csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(get_remote_address)

# Nothing may be loaded from another host: respondent pages contact no third party.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class Account(UserMixin):
    """The signed-in person as the web app sees them; a copy, not the database row."""

    def __init__(self, user: User) -> None:
        self.id = user.id
        self.username = user.username
        self.display_name = user.display_name or user.username
        self.role = user.role

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


class Anonymous(AnonymousUserMixin):
    role = None

    def has_role(self, *_roles: str) -> bool:
        return False


class SignedCookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with its signing serializer made once per secret rather than
    twice per request (every respondent's page reads and writes the session)."""

    def get_signing_serializer(self, app: Flask):
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        made = app.extensions.get("almpo.session_serializer")
        if made is None or made[0] != keys:
            made = (keys, super().get_signing_serializer(app))
            app.extensions["almpo.session_serializer"] = made
        return made[1]


def init_app(app: Flask) -> None:
    app.session_interface = SignedCookieSessions()
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.anonymous_user = Anonymous
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.session_protection = "strong"
    login_manager.user_loader(_load_account)
    login_manager.unauthorized_handler(_unauthorised)
    limiter.init_app(app)
    app.after_request(_add_security_headers)


def _load_account(user_id: str) -> Account | None:
    try:
        user = db_session().get(User, int(user_id))
    except ValueError:
        return None
    # A deactivated account is signed out on its next request.
    return Account(user) if user is not None and user.active else None


def wants_json() -> bool:
    """API clients get JSON; browsers get pages."""
    if request.path.startswith("/api/") or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _unauthorised():
    if wants_json():
        abort(401)
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def roles_required(*roles: str):
    """Only signed-in users with one of `roles` may pass; others get 401 or 403."""
    def decorator(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                return _unauthorised()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)
        return guarded
    return decorator


def _add_security_headers(response):
    # A view may set its own value of any of these; the defaults fill in the rest (one pass over
    # the response's headers, not one per default: every response goes through here).
    present = {name.lower() for name, _ in response.headers}
    response.headers.extend([(name, value) for name, value in SECURITY_HEADERS.items()
                             if name.lower() not in present])
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    # Pages for signed-in people must not be kept by shared caches. The session is read directly:
    # asking `current_user` would load (and re-check) a user on every respondent's request too.
    if session.get("_user_id"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response
