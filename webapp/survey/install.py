"""Installing survey definitions as survey records."""

from __future__ import annotations

from importlib import resources

from records.surveys import install_survey
from survey_forms.definition import parse_definition, read_yaml

__all__ = ["DEFAULT_DEFINITION", "install_definition"]

DEFAULT_DEFINITION = "definitions/cop-survey-v1.yaml"


def install_definition(session, text: str | None = None, *, status: str = "open", actor: str | None = None):
    """Check a definition and record it as a survey (the shipped one when `text` is None); idempotent."""
    if text is None:
        text = resources.files("survey_forms").joinpath(DEFAULT_DEFINITION).read_text("utf-8")
    raw = read_yaml(text)
    definition = parse_definition(raw)
    return install_survey(session, definition.key, definition.text(definition.title, "en"), raw, status=status,
                          actor=actor)
