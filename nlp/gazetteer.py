"""Phrases of the ontology's concepts, per language, for matching in text.

Target groups and places are Contexts; programme types and mechanisms are Mechanisms. Outcome
measures never make a span on their own ("employment" alone is no result) but name the concept of
an Outcome span that contains them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from ontology.concepts import concept_index
from ontology.vocab import Scheme

__all__ = ["GazetteerEntry", "gazetteer"]


@dataclass(frozen=True)
class GazetteerEntry:
    phrase: str
    label: str | None  # None: links a concept inside a span, proposes no span itself
    concept: str  # "<scheme>:<code>"
    score: float


# What each scheme's concepts are when they appear in text, and how much a match says.
_SCHEMES = {
    Scheme.TARGET_GROUP: ("CONTEXT", 0.75),
    Scheme.PROGRAMME_TYPE: ("MECHANISM", 0.75),
    Scheme.MECHANISM: ("MECHANISM", 0.7),
    Scheme.OUTCOME_MEASURE: (None, 0.0),
}
# Catch-all concepts whose labels ("Other target group") never occur in text as such.
_SKIP_CODES = {"other"}
# Acronyms and names are used across languages ("NEET", "IPS").
_MIN_PHRASE = 3


def _phrases(labels: dict[str, str], alt_labels: dict[str, tuple[str, ...]], lang: str) -> set[str]:
    found = set()
    if labels.get(lang):
        found.add(labels[lang])
    found.update(alt_labels.get(lang, ()))
    for phrase in alt_labels.get("en", ()):
        if phrase.isupper():  # an acronym, said the same way in every language
            found.add(phrase)
    return {p for p in found if len(p) >= _MIN_PHRASE}


@functools.cache
def gazetteer(lang: str) -> tuple[GazetteerEntry, ...]:
    """Every concept phrase to look for in a text in `lang` (any language code; others get none)."""
    index = concept_index()
    entries: list[GazetteerEntry] = []
    for scheme, (label, score) in _SCHEMES.items():
        for concept in index.concepts(scheme):
            if concept.code in _SKIP_CODES:
                continue
            for phrase in _phrases(concept.labels, concept.alt_labels, lang):
                entries.append(GazetteerEntry(phrase, label, f"{scheme.value}:{concept.code}", score))
    # Countries and regions, named as they are in the language (or in their own, which the scheme
    # gives when no translation exists). Regions are matched as written, so that a capital letter
    # is needed ("Centre" the region, not "centre").
    for concept in index.concepts(Scheme.NUTS2021):
        if concept.facts.get("nuts_level") not in (0, 1, 2):
            continue
        names = {concept.labels.get(lang) or concept.label(lang)}
        names.update(concept.alt_labels.get(lang, ()))
        for name in names:
            if name and len(name) >= 4 and name[0].isupper():
                entries.append(GazetteerEntry(name, "CONTEXT", f"{Scheme.NUTS2021.value}:{concept.code}", 0.6))
    return tuple(entries)

