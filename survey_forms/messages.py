"""The engine's own texts (buttons, progress, validation messages) in the survey languages."""

from __future__ import annotations

import functools
from importlib import resources

import yaml

__all__ = ["message"]


@functools.cache
def _messages() -> dict[str, dict[str, str]]:
    return yaml.safe_load(resources.files("survey_forms").joinpath("i18n/messages.yaml").read_text("utf-8"))


def message(name: str, language: str, **values) -> str:
    texts = _messages()[name]
    return (texts.get(language) or texts["en"]).format(**values)
