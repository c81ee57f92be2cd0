"""The spaCy pipeline of each language, built once per process.

Every pipeline starts from `spacy.blank(lang)` (no packaged model is needed): a sentencizer, lemmas
from spaCy's lookup tables where they exist, speaker turns, the cue rules and, when a trained model
is installed, its span proposals. Texts in a language without its own pipeline go to the
multilingual one (`xx`), which holds only the rules that work in any language.
"""

from __future__ import annotations

import functools
import logging

import spacy
from spacy.language import Language

import nlp.components  # noqa: F401  (registers the factories)
from nlp.languages import MULTILINGUAL, SUPPORTED

__all__ = ["get_pipeline", "sentence_bounds"]

log = logging.getLogger(__name__)

# Texts are cut into pieces of at most this many characters before spaCy sees them.
MAX_PIECE_CHARS = 100_000


def _add_lemmatizer(pipeline: Language) -> None:
    try:
        pipeline.add_pipe("lemmatizer", config={"mode": "lookup"})
        pipeline.initialize()
    except (ValueError, OSError) as error:  # no lookup table for this language
        log.info("no lemma lookup table for %s: %s", pipeline.lang, error)
        pipeline.remove_pipe("lemmatizer")


@functools.cache
def get_pipeline(lang: str) -> Language:
    """The pipeline for `lang` (one of SUPPORTED, or MULTILINGUAL)."""
    if lang not in SUPPORTED and lang != MULTILINGUAL:
        raise ValueError(f"no pipeline for language {lang!r}")
    pipeline = spacy.blank(lang)
    pipeline.max_length = MAX_PIECE_CHARS + 1
    pipeline.add_pipe("sentencizer")
    if lang != MULTILINGUAL:
        _add_lemmatizer(pipeline)
    pipeline.add_pipe("almpo_speaker_turns")
    pipeline.add_pipe("almpo_cmo_rules", config={"lang": lang})
    return pipeline


def sentence_bounds(text: str, lang: str | None, pieces: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Character ranges of the sentences of `text`, never across the bounds of `pieces` (speaker
    turns: nothing two people said is one sentence). Only the tokenizer and sentencizer run."""
    pipeline = get_pipeline(lang if lang in SUPPORTED else MULTILINGUAL)
    pieces = pieces or [(0, len(text))]
    chunks = [(start + offset, text[start + offset:min(end, start + offset + MAX_PIECE_CHARS)])
              for start, end in pieces for offset in range(0, max(end - start, 1), MAX_PIECE_CHARS)]
    found = []
    with pipeline.select_pipes(enable=["sentencizer"]):
        for (offset, _), doc in zip(chunks, pipeline.pipe(chunk for _, chunk in chunks), strict=True):
            for sentence in doc.sents:
                stripped = sentence.text.strip()
                if stripped:
                    start = offset + sentence.start_char + (len(sentence.text) - len(sentence.text.lstrip()))
                    found.append((start, start + len(stripped)))
    return found

