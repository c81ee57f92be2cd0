"""Which language a text is in, among those the extractor has pipelines for.

Detection uses lingua (statistical models shipped in its wheel, so it works offline). A text in
another language, or too short to tell, is handled by the multilingual rules, and the caller is
told so.
"""

from __future__ import annotations

import functools

from lingua import Language, LanguageDetectorBuilder

__all__ = ["MULTILINGUAL", "SUPPORTED", "detect_language", "is_supported"]

SUPPORTED = ("en", "de", "fr", "es", "it")
# spaCy's code for its language-neutral tokenizer: the pipeline that holds only the rules that
# work in any language (numbers, percentages, place names).
MULTILINGUAL = "xx"

_LINGUA = {Language.ENGLISH: "en", Language.GERMAN: "de", Language.FRENCH: "fr", Language.SPANISH: "es",
           Language.ITALIAN: "it"}
# Languages lingua may answer besides ours, so that a Dutch or Polish text is called what it is
# rather than the nearest supported language.
_OTHERS = (Language.DUTCH, Language.PORTUGUESE, Language.POLISH, Language.SWEDISH, Language.DANISH,
           Language.CZECH, Language.ROMANIAN, Language.HUNGARIAN, Language.GREEK, Language.FINNISH)
# Below this confidence the text is too short or too mixed to call.
_MIN_CONFIDENCE = 0.5


@functools.cache
def _detector():
    return LanguageDetectorBuilder.from_languages(*_LINGUA, *_OTHERS).with_preloaded_language_models().build()


def is_supported(lang: str | None) -> bool:
    return lang in SUPPORTED


def detect_language(text: str) -> tuple[str | None, float]:
    """The ISO 639-1 code of the language of `text` and the detector's confidence (0..1).

    Returns (None, 0.0) when the text has no letters or no language stands out.
    """
    sample = text[:2000]
    if not any(ch.isalpha() for ch in sample):
        return None, 0.0
    values = _detector().compute_language_confidence_values(sample)
    if not values or values[0].value < _MIN_CONFIDENCE:
        return None, values[0].value if values else 0.0
    best = values[0]
    return _LINGUA.get(best.language) or best.language.iso_code_639_1.name.lower(), best.value
