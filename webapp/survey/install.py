"""Installing survey definitions as survey records."""

from __future__ import annotations

from importlib import resources

from records.surveys import install_survey
from survey_forms.definition import parse_definition, read_yaml

__all__ = ["DEFAULT_DEFINITION", "install_definition", "install_raw"]

DEFAULT_DEFINITION = "definitions/cop-survey-v1.yaml"


def install_definition(session, text: str | None = None, *, status: str = "open", actor: str | None = None):
    """Check a definition and record it as a survey (the shipped one when `text` is None); idempotent."""
    if text is None:
        text = resources.files("survey_forms").joinpath(DEFAULT_DEFINITION).read_text("utf-8")
    return install_raw(session, read_yaml(text), status=status, actor=actor)


def install_raw(session, raw: dict, *, status: str = "open", actor: str | None = None):
    """Record a checked definition (YAML or XLSForm, as data) as a survey; idempotent per version."""
    definition = parse_definition(raw)
    return install_survey(session, definition.key, definition.text(definition.title, "en"), raw, status=status,
                          actor=actor)
