"""The EU-ALMPO web platform: `create_app()` builds it; `almpo` (or `flask --app webapp`) runs it."""

from __future__ import annotations

from flask import Flask

from webapp import config

__all__ = ["create_app"]


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(config.DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("ALMPO")
    if test_config:
        app.config.from_mapping(test_config)
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = config.default_database_url(app.instance_path)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config.instance_secret_key(app.instance_path)

    from webapp import database, graph_access, security
    database.init_app(app)
    graph_access.init_app(app)
    security.init_app(app)

    from webapp.admin import bp as admin_bp
    from webapp.api import bp as api_bp
    from webapp.auth import bp as auth_bp
    from webapp.dashboard import bp as dashboard_bp
    from webapp.errors import bp as errors_bp
    from webapp.explore import bp as explore_bp
    from webapp.health import bp as health_bp
    from webapp.labour import bp as labour_bp
    from webapp.results import bp as results_bp
    from webapp.sessions import bp as sessions_bp
    from webapp.survey import bp as survey_bp
    from webapp.wizard import bp as wizard_bp
    for blueprint in (errors_bp, auth_bp, dashboard_bp, admin_bp, api_bp, health_bp, survey_bp, results_bp,
                      sessions_bp, explore_bp, wizard_bp, labour_bp):
        app.register_blueprint(blueprint)

    app.add_template_filter(media_time)
    from webapp.cli import register_commands
    register_commands(app)
    return app


def media_time(milliseconds: int) -> str:
    """A time in a recording, as transcripts show it: 0:01:05."""
    seconds = milliseconds // 1000
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
