"""The JSON API. Posts carry the CSRF token in the `X-CSRFToken` header, as browser scripts do."""

from __future__ import annotations

from flask import abort, jsonify, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from records.errors import Conflict, RecordsError
from records.models import User
from records.users import create_user, list_users
from webapp.api import bp
from webapp.database import db_session
from webapp.security import roles_required


def _user_json(user: User) -> dict:
    return {"id": user.id, "username": user.username, "display_name": user.display_name,
            "role": user.role, "active": user.active,
            "created_at": user.created_at.isoformat() if user.created_at else None}


def json_body() -> dict:
    """The request's JSON object, or a 400 that says what is wrong with it."""
    if not request.is_json:
        abort(415, "Send the body as JSON with the header Content-Type: application/json.")
    body = request.get_json(silent=True)
    if body is None:
        abort(400, "The body is not valid JSON.")
    if not isinstance(body, dict):
        abort(400, "The body must be a JSON object.")
    return body


@bp.route("/session")
def whoami():
    """Who is signed in, and the CSRF token their scripts must send with posts."""
    if not current_user.is_authenticated:
        return jsonify(user=None, csrf_token=generate_csrf())
    return jsonify(user={"username": current_user.username, "role": current_user.role},
                   csrf_token=generate_csrf())


@bp.route("/users")
@roles_required("admin")
def users():
    return jsonify(users=[_user_json(user) for user in list_users(db_session())])


@bp.route("/users", methods=["POST"])
@roles_required("admin")
def create():
    body = json_body()
    unknown = sorted(set(body) - {"username", "role", "password", "display_name"})
    if unknown:
        abort(400, f"Unknown fields: {', '.join(unknown)}.")
    fields = {name: body.get(name) for name in ("username", "role", "password", "display_name")}
    if not all(isinstance(value, str | None) for value in fields.values()):
        abort(400, "Every field must be a string.")
    session = db_session()
    try:
        user, password = create_user(session, fields["username"] or "", fields["role"] or "",
                                     fields["password"], display_name=fields["display_name"] or "",
                                     actor=current_user.username)
        session.commit()
    except RecordsError as error:
        session.rollback()
        abort(409 if isinstance(error, Conflict) else 400, str(error))
    answer = {"user": _user_json(user)}
    if not fields["password"]:
        answer["generated_password"] = password
    return jsonify(answer), 201
