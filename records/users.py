"""Accounts: creation, authentication, roles. Passwords are hashed with Argon2id."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from records.audit import record_action
from records.errors import Conflict, NotFound, ValidationError
from records.models import ROLES, User

__all__ = [
    "MIN_PASSWORD_LENGTH", "authenticate", "count_admins", "create_user", "ensure_first_admin",
    "generate_password",
    "get_user", "list_users", "set_active", "set_password", "set_role",
]

MIN_PASSWORD_LENGTH = 12
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")

_hasher = PasswordHasher()
# Verifying against this hash for unknown users costs the same time as for a real one, so the
# answer time does not tell which user names exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def generate_password() -> str:
    return secrets.token_urlsafe(15)


def _normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def create_user(session: Session, username: str, role: str, password: str | None = None, *,
                display_name: str = "", actor: str | None = None) -> tuple[User, str]:
    """Create an account; returns it with its password (generated when none is given)."""
    username = _normalise_username(username)
    if not USERNAME_PATTERN.match(username):
        raise ValidationError(
            "A user name has 2 to 64 characters: lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter or digit.")
    if role not in ROLES:
        raise ValidationError(f"Unknown role {role!r}; choose one of: {', '.join(ROLES)}.")
    password = password or generate_password()
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"The user name {username!r} is taken.")
    user = User(username=username, role=role, display_name=display_name.strip(),
                password_hash=_hasher.hash(password), active=True)
    session.add(user)
    session.flush()
    record_action(session, actor, "user.created", "user", username, role=role)
    return user, password


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with these credentials, or None. Rehashes outdated hashes on success."""
    user = session.scalar(select(User).where(User.username == _normalise_username(username)))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = datetime.now(UTC)
    return user


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"No user with id {user_id}.")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def count_admins(session: Session, *, active_only: bool = True) -> int:
    query = select(func.count()).select_from(User).where(User.role == "admin")
    if active_only:
        query = query.where(User.active.is_(True))
    return session.scalar(query) or 0


def _guard_last_admin(session: Session, user: User) -> None:
    if user.role == "admin" and user.active and count_admins(session) <= 1:
        raise Conflict("This is the last active admin; make another admin first.")


def set_role(session: Session, user: User, role: str, *, actor: str | None) -> None:
    if role not in ROLES:
        raise ValidationError(f"Unknown role {role!r}; choose one of: {', '.join(ROLES)}.")
    if role == user.role:
        return
    if role != "admin":
        _guard_last_admin(session, user)
    old, user.role = user.role, role
    record_action(session, actor, "user.role_changed", "user", user.username, old=old, new=role)


def set_active(session: Session, user: User, active: bool, *, actor: str | None) -> None:
    if active == user.active:
        return
    if not active:
        _guard_last_admin(session, user)
    user.active = active
    record_action(session, actor, "user.activated" if active else "user.deactivated", "user",
                  user.username)


def set_password(session: Session, user: User, password: str, *, actor: str | None) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    user.password_hash = _hasher.hash(password)
    record_action(session, actor, "user.password_reset", "user", user.username)


def ensure_first_admin(session: Session, username: str = "admin") -> str | None:
    """Create the first admin when there is none; returns its password, to be shown once."""
    if count_admins(session, active_only=False):
        return None
    _, password = create_user(session, username, "admin", display_name="Administrator",
                              actor="system")
    return password
