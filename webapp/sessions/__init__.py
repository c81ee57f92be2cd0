"""Communities of Practice sessions: sources, coding with suggestions, configurations, agreement,
REFI-QDA exchange. For facilitators (and admins)."""

from flask import Blueprint

bp = Blueprint("sessions", __name__, url_prefix="/sessions")

from webapp.sessions import agreement, api, configurations, exchange, routes  # noqa: E402,F401
