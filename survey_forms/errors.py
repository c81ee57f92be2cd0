"""Exceptions raised by the survey engine."""


class SurveyError(Exception):
    """Root of every error the survey engine raises on purpose."""


class DefinitionError(SurveyError):
    """A survey definition that does not follow the schema; the message names the place."""


class AnswerError(SurveyError):
    """Answers that a page refuses; `errors` maps a field name to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors
