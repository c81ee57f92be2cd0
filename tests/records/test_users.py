"""Accounts: hashing, authentication, roles and the guard on the last admin."""

import pytest

from records.db import transaction
from records.errors import Conflict, ValidationError
from records.users import (
    authenticate,
    count_admins,
    create_user,
    ensure_first_admin,
    set_active,
    set_password,
    set_role,
)


def test_passwords_are_stored_as_argon2id_hashes(session_factory):
    with transaction(session_factory) as session:
        user, password = create_user(session, "Ada", "analyst", "correct horse battery")
    assert user.username == "ada"
    assert user.password_hash.startswith("$argon2id$")
    assert "correct horse battery" not in user.password_hash


def test_authentication_accepts_only_the_right_password_of_an_active_user(session_factory):
    with transaction(session_factory) as session:
        user, _ = create_user(session, "ada", "analyst", "correct horse battery")
    with transaction(session_factory) as session:
        assert authenticate(session, "ADA ", "correct horse battery").username == "ada"
        assert authenticate(session, "ada", "wrong horse battery") is None
        assert authenticate(session, "nobody", "correct horse battery") is None
        assert authenticate(session, "ada", "") is None
    with transaction(session_factory) as session:
        set_active(session, session.merge(user), False, actor="test")
    with transaction(session_factory) as session:
        assert authenticate(session, "ada", "correct horse battery") is None


def test_a_generated_password_is_long_and_works(session_factory):
    with transaction(session_factory) as session:
        _, password = create_user(session, "fac", "facilitator")
    assert len(password) >= 16
    with transaction(session_factory) as session:
        assert authenticate(session, "fac", password) is not None


@pytest.mark.parametrize("username, role, password, message", [
    ("a", "analyst", "long enough password", "2 to 64 characters"),
    ("has space", "analyst", "long enough password", "lower-case letters"),
    ("ok-name", "superuser", "long enough password", "Unknown role"),
    ("ok-name", "analyst", "short", "at least 12"),
])
def test_bad_account_details_are_refused_with_a_reason(session_factory, username, role, password, message):
    with pytest.raises(ValidationError, match=message), transaction(session_factory) as session:
        create_user(session, username, role, password)
    with session_factory() as session:
        assert count_admins(session, active_only=False) == 0


def test_a_taken_user_name_is_refused(session_factory):
    with transaction(session_factory) as session:
        create_user(session, "ada", "analyst")
    with pytest.raises(Conflict, match="taken"), transaction(session_factory) as session:
        create_user(session, "Ada", "admin")


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(session_factory):
    with transaction(session_factory) as session:
        admin, _ = create_user(session, "root", "admin")
    with pytest.raises(Conflict, match="last active admin"), transaction(session_factory) as session:
        set_role(session, session.merge(admin), "analyst", actor="test")
    with pytest.raises(Conflict, match="last active admin"), transaction(session_factory) as session:
        set_active(session, session.merge(admin), False, actor="test")
    with transaction(session_factory) as session:
        create_user(session, "second", "admin")
        set_role(session, session.merge(admin), "analyst", actor="test")
    with session_factory() as session:
        assert count_admins(session) == 1


def test_the_first_admin_is_created_once(session_factory):
    with transaction(session_factory) as session:
        password = ensure_first_admin(session)
    assert password
    with transaction(session_factory) as session:
        assert ensure_first_admin(session) is None
        assert authenticate(session, "admin", password).role == "admin"


def test_a_reset_password_replaces_the_old_one(session_factory):
    with transaction(session_factory) as session:
        user, old = create_user(session, "ada", "analyst")
    with transaction(session_factory) as session:
        set_password(session, session.merge(user), "a brand new password", actor="test")
    with transaction(session_factory) as session:
        assert authenticate(session, "ada", old) is None
        assert authenticate(session, "ada", "a brand new password") is not None
