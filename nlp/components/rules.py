"""Context, Mechanism and Outcome spans from cue patterns and concept gazetteers.

Patterns come from `nlp/patterns/<lang>.jsonl` and `xx.jsonl`; concept phrases from the ontology
(`nlp/gazetteer.py`). Where matches overlap, the longest wins, then the highest score, so the
result never overlaps (as the guidelines require). Each span records its evidence (`rule:<id>` or
`concept:<scheme>:<code>`), score and linked concept in `doc.spans["cmo"]` and the span extensions
`cmo_score`, `cmo_evidence` and `cmo_concept`.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from nlp.gazetteer import gazetteer

__all__ = ["CueRules", "PatternError", "load_patterns", "trim_span"]

for _name in ("cmo_score", "cmo_evidence", "cmo_concept"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)

# Words that open a match but are not part of the element (guidelines, span rule 1): articles and
# demonstratives, hedges and modals, linking words. "after", "soon after" and negations stay.
_LEADING = {
    "en": {"the", "a", "an", "these", "this", "those", "that", "their", "its", "his", "her", "our", "may", "might",
           "can", "could", "would", "should", "will", "tend", "tends", "to", "probably", "in", "for", "by", "when",
           "if", "through", "of", "on", "with", "and", "or", "which", "who", "also", "both", "all"},
    "de": {"der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "eines", "diese",
           "dieser", "dieses", "diesen", "kann", "können", "soll", "sollen", "dürfte", "wahrscheinlich", "in", "im",
           "für", "durch", "bei", "wenn", "mit", "von", "vom", "zur", "zum", "und", "oder", "auch"},
    "fr": {"le", "la", "les", "l'", "l’", "un", "une", "des", "du", "de", "d'", "d’", "ce", "cet", "cette", "ces",
           "peut", "peuvent", "pourrait", "pour", "par", "en", "dans", "si", "quand", "lorsque", "et", "ou", "à",
           "au", "aux", "avec", "sur", "leur", "leurs", "son", "sa", "ses"},
    "es": {"el", "la", "los", "las", "un", "una", "unos", "unas", "este", "esta", "estos", "estas", "puede", "pueden",
           "podría", "para", "por", "en", "si", "cuando", "y", "o", "de", "del", "al", "a", "con", "su", "sus"},
    "it": {"il", "lo", "la", "i", "gli", "le", "l'", "l’", "un", "uno", "una", "questo", "questa", "questi", "queste",
           "può", "possono", "potrebbe", "per", "in", "nel", "nella", "se", "quando", "e", "o", "di", "del", "della",
           "a", "al", "alla", "con", "da", "su"},
}
_TRAILING = {"and", "or", "und", "oder", "et", "ou", "y", "o", "e", "of", "the", "de", "di", "der", "die", "das",
             "la", "le", "il", "a", "to", "in", "for", "on", "with", "by", "that", "which", "than", "zu", "à", "en"}


class PatternError(ValueError):
    """A pattern file line that cannot be used."""


@dataclass(frozen=True)
class CuePattern:
    id: str
    label: str
    score: float
    concept: str | None
    pattern: list | None
    phrases: tuple[str, ...]


@functools.cache
def load_patterns(lang: str) -> tuple[CuePattern, ...]:
    """The cue patterns of `lang` (none when it has no file); raises PatternError on a bad line."""
    folder = resources.files("nlp") / "patterns"
    source = folder / f"{lang}.jsonl"
    if not source.is_file():
        return ()
    found = []
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            found.append(CuePattern(id=raw["id"], label=raw["label"], score=float(raw["score"]),
                                    concept=raw.get("concept"), pattern=raw.get("pattern"),
                                    phrases=tuple(raw.get("phrases", ()))))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
            raise PatternError(f"patterns/{lang}.jsonl, line {number}: {error}") from error
        if found[-1].label not in ("CONTEXT", "MECHANISM", "OUTCOME"):
            raise PatternError(f"patterns/{lang}.jsonl, line {number}: unknown label {found[-1].label!r}")
        if (found[-1].pattern is None) == (not found[-1].phrases):
            raise PatternError(f"patterns/{lang}.jsonl, line {number}: give either \"pattern\" or \"phrases\"")
    return tuple(found)


def trim_span(doc: Doc, start: int, end: int, lang: str) -> tuple[int, int]:
    """Token bounds without leading function words and trailing punctuation or linking words."""
    leading = _LEADING.get(lang, set())
    while start < end and (doc[start].lower_ in leading or doc[start].is_punct or doc[start].is_space):
        start += 1
    while end > start and ((doc[end - 1].is_punct and doc[end - 1].text != "%") or doc[end - 1].is_space
                           or doc[end - 1].lower_ in _TRAILING):
        end -= 1
    return start, end


@dataclass
class _Candidate:
    start: int
    end: int
    label: str | None
    score: float
    evidence: str
    concept: str | None


class CueRules:
    def __init__(self, nlp: Language, lang: str) -> None:
        self.lang = lang
        self.matcher = Matcher(nlp.vocab, validate=True)
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.cased_phrases = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.rules: dict[str, tuple[str | None, float, str, str | None]] = {}
        for rule in (*load_patterns(lang), *load_patterns("xx")):
            key = f"rule:{rule.id}"
            self.rules[key] = (rule.label, rule.score, key, rule.concept)
            if rule.pattern is not None:
                self.matcher.add(key, [rule.pattern])
            else:
                self.phrases.add(key, list(nlp.tokenizer.pipe(rule.phrases)))
        for entry in gazetteer(lang):
            key = f"concept:{entry.concept}:{entry.label}"
            self.rules[key] = (entry.label, entry.score, f"concept:{entry.concept}", entry.concept)
            target = self.cased_phrases if entry.concept.startswith("nuts") else self.phrases
            target.add(key, [nlp.tokenizer(entry.phrase)])

    def __call__(self, doc: Doc) -> Doc:
        strings = doc.vocab.strings
        candidates: list[_Candidate] = []
        for matcher in (self.matcher, self.phrases, self.cased_phrases):
            for match_id, start, end in matcher(doc):
                label, score, evidence, concept = self.rules[strings[match_id]]
                start, end = trim_span(doc, start, end, self.lang)
                if start < end:
                    candidates.append(_Candidate(start, end, label, score, evidence, concept))
        links = [c for c in candidates if c.concept]
        kept: list[_Candidate] = []
        taken = bytearray(len(doc))
        for candidate in sorted((c for c in candidates if c.label),
                                key=lambda c: (-(c.end - c.start), -c.score, c.start)):
            if any(taken[candidate.start:candidate.end]):
                continue
            taken[candidate.start:candidate.end] = b"\x01" * (candidate.end - candidate.start)
            kept.append(candidate)
        spans = []
        for candidate in sorted(kept, key=lambda c: c.start):
            span = Span(doc, candidate.start, candidate.end, label=candidate.label)
            span._.cmo_score = candidate.score
            span._.cmo_evidence = candidate.evidence
            span._.cmo_concept = candidate.concept or _linked_concept(candidate, links)
            spans.append(span)
        doc.spans["cmo"] = spans
        return doc


def _linked_concept(span: _Candidate, links: list[_Candidate]) -> str | None:
    """The concept of the longest concept phrase inside the span that fits its label, if any."""
    best = None
    for link in links:
        fits = link.label == span.label or (link.label is None and span.label == "OUTCOME")
        inside = span.start <= link.start and link.end <= span.end
        if inside and fits and (best is None or link.end - link.start > best.end - best.start):
            best = link
    return best.concept if best else None


@Language.factory("almpo_cmo_rules", default_config={"lang": "en"})
def make_cue_rules(nlp: Language, name: str, lang: str) -> CueRules:
    return CueRules(nlp, lang)
