"""Signing in and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from records.audit import record_action
from records.users import authenticate
from webapp.auth import bp
from webapp.auth.forms import SignInForm
from webapp.database import db_session
from webapp.security import Account, limiter


def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _safe_next(target: str | None) -> str:
    """Only local paths: a crafted `next` must not send people to another site."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("dashboard.index")


@bp.route("/auth/sign-in", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = SignInForm()
    if form.validate_on_submit():
        session = db_session()
        user = authenticate(session, form.username.data, form.password.data)
        if user is None:
            record_action(session, None, "auth.sign_in_failed", "user",
                          (form.username.data or "")[:64].lower())
            session.commit()
            # One message for both cases, so the form does not reveal which accounts exist.
            form.password.errors.append("Wrong user name or password.")
            return render_template("auth/login.html", form=form), 401
        record_action(session, user.username, "auth.signed_in", "user", user.username)
        session.commit()
        login_user(Account(user))
        return redirect(_safe_next(request.args.get("next")))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/auth/sign-out", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        session = db_session()
        record_action(session, current_user.username, "auth.signed_out", "user", current_user.username)
        session.commit()
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))
