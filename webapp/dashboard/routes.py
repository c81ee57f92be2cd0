"""The home page: what the platform is for visitors, the state of things for signed-in users."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import func, select

from graph.errors import GraphError
from records.configurations import count_configurations
from records.models import OutboxEvent, SurveyResponse, User
from records.practices import count_practices
from webapp.dashboard import bp
from webapp.database import db_session
from webapp.graph_access import synced_graph


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        return render_template("dashboard/welcome.html")
    session = db_session()
    figures = {
        "practices": count_practices(session),
        "configurations": count_configurations(session, status="validated"),
        "responses": session.scalar(select(func.count()).select_from(SurveyResponse).where(
            SurveyResponse.status == "submitted")) or 0,
        "events": session.scalar(select(func.count()).select_from(OutboxEvent)) or 0,
    }
    if current_user.has_role("admin"):
        figures["users"] = session.scalar(select(func.count()).select_from(User)) or 0
    graph_error = None
    graph_counts: dict[str, int] = {}
    backend = None
    try:
        store = synced_graph()
        graph_counts = store.counts()
        backend = store.backend
    except GraphError as error:
        graph_error = str(error)
    return render_template("dashboard/index.html", figures=figures, graph_counts=graph_counts,
                           graph_backend=backend, graph_error=graph_error)
