"""The records database for the web app: one engine per app, one session per request."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session, sessionmaker

from records.db import make_engine, make_session_factory

__all__ = ["init_app", "session_factory", "db_session"]

_EXTENSION = "almpo.records"


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions[_EXTENSION] = {"engine": engine, "factory": make_session_factory(engine)}
    app.teardown_appcontext(_close_session)


def engine():
    return current_app.extensions[_EXTENSION]["engine"]


def session_factory() -> sessionmaker[Session]:
    return current_app.extensions[_EXTENSION]["factory"]


def db_session() -> Session:
    """The request's session, opened on first use; work not committed is rolled back at the end."""
    if "db_session" not in g:
        g.db_session = session_factory()()
    return g.db_session


def _close_session(_error: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
