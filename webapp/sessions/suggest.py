"""Where the language tools meet the records: sentences of a new source, and suggestions for it."""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from sqlalchemy.orm import Session

from nlp.extract import extract, rules_version, span_version
from nlp.pipeline import sentence_bounds
from nlp.train import load_model, read_card
from records.annotations import ProposedSpan, forget_suggestions, store_suggestions
from records.sessions import TurnSpan, get_source_text

__all__ = ["current_model_version", "model_card", "models_folder", "propose", "sentences_of"]


def models_folder() -> Path | None:
    folder = current_app.config.get("NLP_MODELS")
    return Path(folder) if folder else None


def current_model_version() -> str:
    """The version that proposes now: the current trained model, or the rules alone."""
    folder = models_folder()
    model = load_model(folder) if folder else None
    return model.version if model else rules_version()


def model_card(version: str) -> dict | None:
    """The card of a trained model, or a short one for the rules."""
    if version == rules_version():
        return {"version": version, "component": "cue patterns and concept gazetteers (nlp/patterns)",
                "markdown": "", "mode": "rules"}
    folder = models_folder()
    return read_card(folder, version) if folder else None


def propose(session: Session, source_key: str, *, actor: str) -> int:
    """Run the extractor over the source and keep its proposals; returns how many are new.

    Suggestions nobody decided on are replaced; decided ones stay (a rejection is remembered)."""
    source = get_source_text(session, source_key)
    extraction = extract(source.text, source.language, models=models_folder())[0]
    proposals = []
    for span in extraction.spans:
        scheme, _, code = (span.concept or "").partition(":")
        proposals.append(ProposedSpan(
            label=span.label.lower(), start=span.start, end=span.end, score=round(span.score, 3),
            reason=span.evidence, concept_scheme=scheme or None, concept_code=code or None,
            model_version=span_version(span)))
    forget_suggestions(session, source_key)
    return store_suggestions(session, source_key, proposals, actor=actor)


def sentences_of(text: str, language: str | None, turns: list[TurnSpan]) -> list[tuple[int, int]]:
    return sentence_bounds(text, language, [(turn.start, turn.end) for turn in turns])

