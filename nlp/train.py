"""Training the span model from annotated passages, and combining it with the rules.

`train()` splits the annotated passages into training and held-out parts (the same passages are
always held out for the same data and seed), trains a spaCy `ner` component (the guidelines' spans
never overlap, so a named-entity tagger fits them), and measures on the held-out part the rules
alone, the model alone and the two combined. The best way becomes the model's `mode`. The new
model is written to `<out>/<version>/` with a model card, and becomes the current one
(`<out>/current.json`) only if it scores better than the current one on the same held-out passages.
"""

from __future__ import annotations

import functools
import hashlib
import json
import random
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.training import Example
from spacy.util import minibatch

from nlp.corpus import LABELS, Passage
from nlp.evaluate import Scores, format_scores, score_passages

__all__ = ["MODES", "TrainedModel", "combine", "load_model", "read_card", "train"]

MODES = ("rules", "model", "model_then_rules", "rules_then_model")
Spans = list[tuple[int, int, str]]


@dataclass
class TrainedModel:
    version: str
    mode: str
    pipeline: Language
    # Held-out precision of each label: the score of the model's spans.
    precision: dict[str, float]

    def spans(self, text: str) -> Spans:
        return [(e.start_char, e.end_char, e.label_) for e in self.pipeline(text).ents]


def held_out_split(passages: list[Passage], share: float, seed: int) -> tuple[list[Passage], list[Passage]]:
    """(training, held out): per language, the passages whose hashed id comes first are held out."""
    by_lang: dict[str, list[Passage]] = {}
    for passage in passages:
        by_lang.setdefault(passage.lang or "", []).append(passage)
    training, held_out = [], []
    for group in by_lang.values():
        ordered = sorted(group, key=lambda p: hashlib.sha256(f"{seed}:{p.id}".encode()).hexdigest())
        cut = round(len(ordered) * share)
        held_out.extend(ordered[:cut])
        training.extend(ordered[cut:])
    return training, held_out


def _examples(pipeline: Language, passages: list[Passage]) -> list[Example]:
    examples = []
    for passage in passages:
        doc = pipeline.make_doc(passage.text)
        entities, taken = [], set()
        for span in sorted(passage.spans, key=lambda s: s.start):
            token_span = doc.char_span(span.start, span.end, label=span.label, alignment_mode="expand")
            if token_span is None or taken & set(range(token_span.start, token_span.end)):
                continue
            taken.update(range(token_span.start, token_span.end))
            entities.append((token_span.start_char, token_span.end_char, span.label))
        examples.append(Example.from_dict(doc, {"entities": entities}))
    return examples


def combine(rules: Spans, model: Spans, mode: str) -> Spans:
    """The spans of one text under `mode`; in the combined modes the first source wins overlaps."""
    if mode == "rules":
        return sorted(rules)
    if mode == "model":
        return sorted(model)
    first, second = (model, rules) if mode == "model_then_rules" else (rules, model)
    kept = list(first)
    for span in second:
        if all(span[1] <= other[0] or other[1] <= span[0] for other in first):
            kept.append(span)
    return sorted(kept)


def _rule_spans(passages: list[Passage]) -> list[Spans]:
    from nlp.extract import extract_passages  # nlp.extract uses this module's models

    return [[(s.start, s.end, s.label) for s in extraction.spans] for extraction in extract_passages(passages)]


def _score(passages: list[Passage], predictions: list[Spans]) -> Scores:
    return score_passages((p.text, p.lang, [(s.start, s.end, s.label) for s in p.spans], predicted)
                          for p, predicted in zip(passages, predictions, strict=True))


def _fit(training: list[Passage], held_out: list[Passage], epochs: int, seed: int, dropout: float,
         progress=None) -> tuple[Language, int]:
    """A trained pipeline and the epoch kept: the one scoring best on the held-out passages."""
    random.seed(seed)
    spacy.util.fix_random_seed(seed)
    pipeline = spacy.blank("xx")
    ner = pipeline.add_pipe("ner")
    for label in LABELS:
        ner.add_label(label)
    examples = _examples(pipeline, training)
    optimizer = pipeline.initialize(lambda: examples)
    best, best_epoch, best_bytes = -1.0, 0, pipeline.to_bytes()
    for epoch in range(1, epochs + 1):
        random.shuffle(examples)
        for batch in minibatch(examples, 8):
            pipeline.update(batch, drop=dropout, sgd=optimizer)
        predictions = [[(e.start_char, e.end_char, e.label_) for e in pipeline(p.text).ents] for p in held_out]
        score = _score(held_out, predictions).token.macro_f1 if held_out else 0.0
        if progress:
            progress(epoch, score)
        if score > best:
            best, best_epoch, best_bytes = score, epoch, pipeline.to_bytes()
    pipeline.from_bytes(best_bytes)
    return pipeline, best_epoch


def _count(passages: list[Passage]) -> dict:
    labels = Counter(s.label for p in passages for s in p.spans)
    return {"passages": len(passages), "spans": dict(sorted(labels.items())),
            "languages": dict(sorted(Counter(p.lang or "?" for p in passages).items()))}


def train(passages: list[Passage], out: Path, *, data_names: list[str], epochs: int = 30, held_out_share: float = 0.2,
          seed: int = 0, dropout: float = 0.2, progress=None) -> dict:
    """Train, write `<out>/<version>/` with its card, and promote it if it beats the current model.

    Returns the model card (a dict); its "promoted" says whether the new model is now current.
    """
    if len({p.id for p in passages}) != len(passages):
        raise ValueError("passage ids repeat; every passage needs its own id")
    training, held_out = held_out_split(passages, held_out_share, seed)
    if not training or not held_out:
        raise ValueError(f"too few passages to hold some out ({len(passages)})")
    pipeline, kept_epoch = _fit(training, held_out, epochs, seed, dropout, progress)
    rules = _rule_spans(held_out)
    model = [[(e.start_char, e.end_char, e.label_) for e in pipeline(p.text).ents] for p in held_out]
    by_mode = {mode: _score(held_out, [combine(r, m, mode) for r, m in zip(rules, model, strict=True)])
               for mode in MODES}
    mode = max(MODES, key=lambda m: (by_mode[m].token.macro_f1, -MODES.index(m)))
    version = "cmo-ner-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    precision = {label: round(by_mode["model"].token.per_label[label].precision, 4) for label in LABELS}
    card = {
        "version": version, "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "component": "spaCy ner on spacy.blank('xx') (hashed word features, no pretrained vectors)",
        "spacy": spacy.__version__, "data": data_names, "seed": seed, "epochs": epochs, "kept_epoch": kept_epoch,
        "held_out_share": held_out_share, "training": _count(training), "held_out": _count(held_out),
        "held_out_ids": sorted(p.id for p in held_out), "mode": mode, "precision": precision,
        "scores": {m: s.as_dict() for m, s in by_mode.items()},
    }
    target = out / version
    (target / "model").mkdir(parents=True)
    pipeline.to_disk(target / "model")
    current = _current_on(out, held_out, rules)
    card["current_before"] = current
    card["promoted"] = current is None or by_mode[mode].token.macro_f1 > current["held_out_macro_f1"]
    (target / "card.json").write_text(json.dumps(card, indent=2), encoding="utf-8")
    (target / "card.md").write_text(_card_markdown(card, by_mode), encoding="utf-8")
    if card["promoted"]:
        (out / "current.json").write_text(json.dumps(
            {"version": version, "mode": mode, "held_out_macro_f1": round(by_mode[mode].token.macro_f1, 4)},
            indent=2), encoding="utf-8")
    return card


def _current_on(out: Path, held_out: list[Passage], rules: list[Spans]) -> dict | None:
    """The current model's score on these held-out passages (not the one in its own card)."""
    current = load_model(out)
    if current is None:
        return None
    predictions = [combine(r, current.spans(p.text), current.mode) for p, r in zip(held_out, rules, strict=True)]
    return {"version": current.version, "mode": current.mode,
            "held_out_macro_f1": round(_score(held_out, predictions).token.macro_f1, 4)}


def load_model(folder: Path | str) -> TrainedModel | None:
    """The current model of a models folder, or None when it has none. The pointer is read on every
    call, so that a model promoted while the platform runs is used from its next extraction on."""
    folder = Path(folder)
    pointer = folder / "current.json"
    if not pointer.is_file():
        return None
    current = json.loads(pointer.read_text(encoding="utf-8"))
    return _load_version(folder.resolve(), current["version"], current["mode"])


@functools.lru_cache(maxsize=4)
def _load_version(folder: Path, version: str, mode: str) -> TrainedModel:
    card = json.loads((folder / version / "card.json").read_text(encoding="utf-8"))
    pipeline = spacy.load(folder / version / "model")
    return TrainedModel(version=version, mode=mode, pipeline=pipeline, precision=card["precision"])


def read_card(folder: Path | str, version: str) -> dict | None:
    """A model's card (with its Markdown), or None when the folder has no such model."""
    folder = Path(folder)
    if not version.replace("-", "").replace("_", "").isalnum():
        return None
    card_file = folder / version / "card.json"
    if not card_file.is_file():
        return None
    card = json.loads(card_file.read_text(encoding="utf-8"))
    markdown = folder / version / "card.md"
    card["markdown"] = markdown.read_text(encoding="utf-8") if markdown.is_file() else ""
    return card


def _card_markdown(card: dict, by_mode: dict[str, Scores]) -> str:
    lines = [f"# Model card: {card['version']}", "",
             f"- Component: {card['component']}; spaCy {card['spacy']}.",
             f"- Data: {', '.join(card['data'])}; seed {card['seed']}; kept epoch {card['kept_epoch']} "
             f"of {card['epochs']}.",
             f"- Training: {card['training']}.", f"- Held out ({card['held_out_share']:.0%}): {card['held_out']}.",
             f"- Used as: **{card['mode']}** (the best way on the held-out passages).",
             f"- Promoted to current: {card['promoted']} (current before: {card['current_before']}).", ""]
    for mode, scores in by_mode.items():
        lines += [f"## {mode} on the held-out passages", "", "```", format_scores(scores), "```", ""]
    return "\n".join(lines)
