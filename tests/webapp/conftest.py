"""Fixtures for the web app's survey tests: the small two-language survey installed and open."""

from pathlib import Path

import pytest

SMALL = (Path(__file__).parents[1] / "survey_forms" / "small_survey.yaml").read_text("utf-8")
KEY = "small-v1"


@pytest.fixture
def survey_app(app):
    with app.app_context():
        from webapp.database import db_session
        from webapp.survey.install import install_definition
        install_definition(db_session(), SMALL)
        db_session().commit()
    return app
