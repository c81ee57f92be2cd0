"""Fixtures for the web app's tests: the small two-language survey installed and open, and the
API's OpenAPI document to validate answers against."""

from importlib import resources
from pathlib import Path

import pytest
import yaml
from openapi_core import OpenAPI

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


@pytest.fixture(scope="module")
def document() -> dict:
    return yaml.safe_load(resources.files("webapp.api").joinpath("openapi.yaml").read_text("utf-8"))


@pytest.fixture(scope="module")
def spec(document) -> OpenAPI:
    return OpenAPI.from_dict(document)
