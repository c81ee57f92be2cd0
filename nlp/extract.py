"""`extract()`: Context, Mechanism and Outcome spans proposed for each text, and configurations.

A text is cut into pieces at paragraph breaks (so a 5 MB document is read piece by piece), the
language of each piece is detected unless given, and each piece goes through its language's
pipeline. Spans carry character offsets into the original text, a score, the linked concept and
the evidence that produced them. Spans in the same sentence, or the same speaker turn of a
transcript, are grouped into proposed configurations: one mechanism with the contexts and outcomes
stated beside it.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from nlp.corpus import Passage
from nlp.languages import MULTILINGUAL, SUPPORTED, detect_language
from nlp.pipeline import MAX_PIECE_CHARS, get_pipeline
from nlp.train import TrainedModel, combine, load_model

__all__ = ["Extraction", "ProposedConfiguration", "ProposedSpan", "extract", "extract_iter", "extract_passages",
           "rules_version", "span_version"]

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
# Shorter paragraphs say too little to tell their language; they take their neighbour's.
_MIN_DETECT_CHARS = 40


@functools.cache
def rules_version() -> str:
    """A version for the cue rules: it changes whenever a pattern file does, so a suggestion always
    says which rules made it."""
    digest = hashlib.sha256()
    for path in sorted((Path(__file__).parent / "patterns").glob("*.jsonl")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return f"rules-{digest.hexdigest()[:10]}"


def span_version(span: ProposedSpan) -> str:
    """Which model or rule set proposed `span`."""
    return span.evidence.removeprefix("model:") if span.evidence.startswith("model:") else rules_version()


@dataclass
class ProposedSpan:
    start: int
    end: int
    label: str
    score: float
    concept: str | None
    evidence: str
    text: str

    def as_json(self) -> dict:
        return {"start": self.start, "end": self.end, "label": self.label, "score": round(self.score, 3),
                "concept": self.concept, "evidence": self.evidence}


@dataclass
class ProposedConfiguration:
    """One mechanism with the contexts and outcomes stated in the same sentence or turn (indexes
    into the extraction's spans)."""
    mechanism: int
    contexts: list[int]
    outcomes: list[int]
    unit: str  # "sentence" or "turn"
    score: float


@dataclass
class Extraction:
    lang: str | None
    spans: list[ProposedSpan] = field(default_factory=list)
    configurations: list[ProposedConfiguration] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_json(self, identifier: str | None = None) -> dict:
        result = {"id": identifier, "lang": self.lang, "spans": [s.as_json() for s in self.spans],
                  "configurations": [asdict(c) for c in self.configurations]}
        if self.notes:
            result["notes"] = self.notes
        return result


@dataclass
class _Piece:
    text_index: int
    offset: int
    text: str
    lang: str


def _paragraphs(text: str) -> list[tuple[int, str]]:
    """(offset, paragraph) pairs, each at most MAX_PIECE_CHARS long."""
    found, position = [], 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        found.append((position, text[position:match.end()]))
        position = match.end()
    found.append((position, text[position:]))
    pieces = []
    for offset, paragraph in found:
        while len(paragraph) > MAX_PIECE_CHARS:
            cut = max(paragraph.rfind(". ", 0, MAX_PIECE_CHARS), paragraph.rfind("\n", 0, MAX_PIECE_CHARS))
            if cut < MAX_PIECE_CHARS // 2:
                cut = paragraph.rfind(" ", 0, MAX_PIECE_CHARS)
            cut = cut + 1 if cut > 0 else MAX_PIECE_CHARS
            pieces.append((offset, paragraph[:cut]))
            offset, paragraph = offset + cut, paragraph[cut:]
        if paragraph:
            pieces.append((offset, paragraph))
    return pieces


def _pieces_of(index: int, text: str, lang: str | None, notes: list[str]) -> list[_Piece]:
    """The text cut into pieces of one language each, consecutive paragraphs of a language together."""
    if lang is not None and lang not in SUPPORTED:
        notes.append(f"Language {lang!r} is not supported (supported: {', '.join(SUPPORTED)}); "
                     "only the multilingual rules were applied.")
        lang = MULTILINGUAL
    spans: list[list] = []  # [start, end, language] of each piece, in text order
    previous = None
    for offset, paragraph in _paragraphs(text):
        if lang:
            piece_lang = lang
        elif sum(ch.isalpha() for ch in paragraph[:200]) >= _MIN_DETECT_CHARS or previous is None:
            detected, _ = detect_language(paragraph[:1000])
            piece_lang = detected if detected in SUPPORTED else MULTILINGUAL
            if detected and detected not in SUPPORTED:
                notes.append(f"Part of the text is in a language that is not supported ({detected!r}); "
                             "only the multilingual rules were applied to it.")
        else:
            piece_lang = previous
        end = offset + len(paragraph)
        if spans and spans[-1][2] == piece_lang and end - spans[-1][0] <= MAX_PIECE_CHARS:
            spans[-1][1] = end
        else:
            spans.append([offset, end, piece_lang])
        previous = piece_lang
    return [_Piece(index, start, text[start:end], piece_lang) for start, end, piece_lang in spans]


def _units(doc) -> tuple[str, list[tuple[int, int]]]:
    """The stretches of a piece that configurations may not cross: speaker turns, else sentences."""
    turns = list(doc.spans.get("turns", []))
    if turns:
        return "turn", [(t.start_char, t.end_char) for t in turns]
    return "sentence", [(s.start_char, s.end_char) for s in doc.sents]


def _configurations(unit: str, bounds: list[tuple[int, int]], spans: list[ProposedSpan], members: range,
                    offset: int) -> list[ProposedConfiguration]:
    starts = [low for low, _ in bounds]
    groups: dict[int, list[int]] = defaultdict(list)
    for index in members:
        start = spans[index].start - offset
        unit_index = bisect.bisect_right(starts, start) - 1
        inside = unit_index >= 0 and start < bounds[unit_index][1]
        groups[unit_index if inside else -1].append(index)
    found = []
    for indexes in groups.values():
        by_label = defaultdict(list)
        for index in indexes:
            by_label[spans[index].label].append(index)
        if not by_label["OUTCOME"]:
            continue
        for mechanism in by_label["MECHANISM"]:
            chosen = [mechanism, *by_label["CONTEXT"], *by_label["OUTCOME"]]
            found.append(ProposedConfiguration(
                mechanism=mechanism, contexts=by_label["CONTEXT"], outcomes=by_label["OUTCOME"], unit=unit,
                score=round(sum(spans[i].score for i in chosen) / len(chosen), 3)))
    return found


def _piece_spans(doc, piece: _Piece, model: TrainedModel | None) -> list[ProposedSpan]:
    """The piece's spans from the rules and, with a trained model, combined as its card says."""
    rule_spans = {(s.start_char, s.end_char, s.label_): s for s in doc.spans["cmo"]}
    if model is None or piece.lang == MULTILINGUAL:
        chosen = sorted(rule_spans)
    else:
        chosen = combine(list(rule_spans), model.spans(piece.text), model.mode)
    found = []
    for start, end, label in chosen:
        rule = rule_spans.get((start, end, label))
        found.append(ProposedSpan(
            start=piece.offset + start, end=piece.offset + end, label=label,
            score=rule._.cmo_score if rule is not None else model.precision.get(label, 0.5),
            concept=rule._.cmo_concept if rule is not None else None,
            evidence=rule._.cmo_evidence if rule is not None else f"model:{model.version}",
            text=piece.text[start:end]))
    return found


def extract_iter(texts: Iterable[str], lang: str | None = None, *, batch_size: int = 64,
                 models: str | Path | None = None) -> Iterator[Extraction]:
    """Like `extract`, one extraction at a time, reading `texts` in batches (for long inputs)."""
    model = load_model(Path(models)) if models is not None else None
    batch: list[str] = []
    for text in texts:
        batch.append(text)
        if len(batch) >= batch_size:
            yield from _extract_batch(batch, lang, model)
            batch = []
    if batch:
        yield from _extract_batch(batch, lang, model)


def extract(texts: Iterable[str] | str, lang: str | None = None, *, batch_size: int = 64,
            models: str | Path | None = None) -> list[Extraction]:
    """Proposed spans and configurations for each text, in order.

    `lang` applies to every text; without it, each paragraph's language is detected. A language
    without its own pipeline gets the multilingual rules, and the extraction says so in its notes.
    `models` is a folder of trained models (see `nlp.train`): its current model is combined with
    the rules as its model card says; without one, the rules alone propose.
    """
    if isinstance(texts, str):
        texts = [texts]
    return list(extract_iter(texts, lang, batch_size=batch_size, models=models))


def extract_passages(passages: list[Passage], lang: str | None = None, *,
                     models: str | Path | None = None) -> list[Extraction]:
    """Extractions of passages in order, each in its own language if it names one, else in `lang`
    (passages of one language go through as one batch)."""
    groups: dict[str | None, list[int]] = defaultdict(list)
    for n, passage in enumerate(passages):
        groups[passage.lang or lang].append(n)
    found: list[Extraction | None] = [None] * len(passages)
    for group_lang, members in groups.items():
        texts = [passages[n].text for n in members]
        for n, extraction in zip(members, extract(texts, group_lang, models=models), strict=True):
            found[n] = extraction
    return found


def _extract_batch(texts: list[str], lang: str | None, model: TrainedModel | None = None) -> list[Extraction]:
    results = [Extraction(lang=None) for _ in texts]
    pieces: list[_Piece] = []
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"text {index} is {type(text).__name__}, not str")
        if not text.strip():
            results[index].lang = lang
            results[index].notes.append("The text is empty.")
            continue
        pieces.extend(_pieces_of(index, text, lang, results[index].notes))
    by_lang: dict[str, list[_Piece]] = defaultdict(list)
    for piece in pieces:
        by_lang[piece.lang].append(piece)
    language_chars: dict[int, Counter] = defaultdict(Counter)
    for piece_lang, group in by_lang.items():
        pipeline = get_pipeline(piece_lang)
        for piece, doc in zip(group, pipeline.pipe(p.text for p in group), strict=True):
            result = results[piece.text_index]
            language_chars[piece.text_index][piece_lang] += len(piece.text)
            first_index = len(result.spans)
            result.spans.extend(_piece_spans(doc, piece, model))
            unit, bounds = _units(doc)
            result.configurations.extend(_configurations(
                unit, bounds, result.spans, range(first_index, len(result.spans)), piece.offset))
    for index, result in enumerate(results):
        counts = language_chars.get(index)
        if counts:
            result.lang = counts.most_common(1)[0][0]
            if len([code for code in counts if code != MULTILINGUAL]) > 1:
                result.notes.append("The text mixes languages: " + ", ".join(sorted(counts)) + ".")
            # Pieces were processed language by language; put spans back in text order.
            order = sorted(range(len(result.spans)), key=lambda n: result.spans[n].start)
            if order != list(range(len(order))):
                position = {old: new for new, old in enumerate(order)}
                result.spans = [result.spans[n] for n in order]
                for configuration in result.configurations:
                    configuration.mechanism = position[configuration.mechanism]
                    configuration.contexts = [position[n] for n in configuration.contexts]
                    configuration.outcomes = [position[n] for n in configuration.outcomes]
        if result.lang == MULTILINGUAL and lang is None and not result.notes:
            result.notes.append("The language could not be told; only the multilingual rules were applied.")
    return results
