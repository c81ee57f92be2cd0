"""User management and the audit log, for admins."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from records.audit import recent_entries
from records.errors import Conflict, NotFound, RecordsError
from records.projection import dead_letters
from records.users import (
    create_user,
    generate_password,
    get_user,
    list_users,
    set_active,
    set_password,
    set_role,
)
from webapp.admin import bp
from webapp.admin.forms import ActiveForm, NewUserForm, ResetPasswordForm, RoleForm
from webapp.database import db_session
from webapp.security import roles_required


def _user_or_404(user_id: int):
    try:
        return get_user(db_session(), user_id)
    except NotFound:
        abort(404)


@bp.route("/users")
@roles_required("admin")
def users():
    return render_template("admin/users.html", users=list_users(db_session()), role_form=RoleForm(),
                           active_form=ActiveForm(), reset_form=ResetPasswordForm())


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required("admin")
def new_user():
    form = NewUserForm()
    if form.validate_on_submit():
        session = db_session()
        try:
            user, password = create_user(
                session, form.username.data, form.role.data, form.password.data or None,
                display_name=form.display_name.data or "", actor=current_user.username)
            session.commit()
        except RecordsError as error:
            session.rollback()
            form.username.errors.append(str(error))
            return render_template("admin/user_new.html", form=form), 409 if isinstance(
                error, Conflict) else 400
        return render_template("admin/user_created.html", user=user,
                               password=None if form.password.data else password), 201
    status = 400 if form.is_submitted() else 200
    return render_template("admin/user_new.html", form=form), status


def _change_user(user_id: int, form, change) -> object:
    if not form.validate_on_submit():
        flash("That change could not be read; nothing was changed.", "error")
        return redirect(url_for("admin.users")), 400
    session = db_session()
    user = _user_or_404(user_id)
    try:
        change(session, user)
        session.commit()
    except RecordsError as error:
        session.rollback()
        flash(f"{error} Nothing was changed.", "error")
        return redirect(url_for("admin.users")), 409
    return None


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@roles_required("admin")
def change_role(user_id: int):
    form = RoleForm()
    failed = _change_user(user_id, form, lambda session, user: set_role(
        session, user, form.role.data, actor=current_user.username))
    if failed:
        return failed
    flash("Role changed.", "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@roles_required("admin")
def change_active(user_id: int):
    form = ActiveForm()
    failed = _change_user(user_id, form, lambda session, user: set_active(
        session, user, form.active.data, actor=current_user.username))
    if failed:
        return failed
    flash("Account activated." if form.active.data else "Account deactivated.", "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@roles_required("admin")
def reset_password(user_id: int):
    form = ResetPasswordForm()
    password = generate_password()

    failed = _change_user(user_id, form, lambda session, user: set_password(
        session, user, password, actor=current_user.username))
    if failed:
        return failed
    return render_template("admin/user_created.html", user=_user_or_404(user_id), password=password,
                           reset=True)


@bp.route("/dead-letters")
@roles_required("admin")
def dead_letter_list():
    return render_template("admin/dead_letters.html", letters=dead_letters(db_session()))


@bp.route("/audit")
@roles_required("admin")
def audit_log():
    return render_template("admin/audit.html", entries=recent_entries(db_session(), limit=200))

