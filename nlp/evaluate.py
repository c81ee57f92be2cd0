"""Scoring proposed spans against annotated passages, as the CMO annotation guidelines define it.

- Token level: tokens are `\\w+` runs of the text, and a token takes the label of the span that
  covers its first character. For each label, a token is a true positive when gold and prediction
  both give it that label. Precision, recall and F1 per label; the headline is the macro average of
  the three labels' F1, with the micro average beside it.
- Passage level: for each passage and label, whether any span of that label is present.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from nlp.corpus import LABELS

__all__ = ["Counts", "Scores", "format_scores", "score_passages", "token_labels"]

_TOKEN = re.compile(r"\w+")


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class LevelScores:
    """Counts per label at one level (token or passage), with their averages."""
    per_label: dict[str, Counts] = field(default_factory=lambda: {label: Counts() for label in LABELS})

    @property
    def macro_f1(self) -> float:
        return sum(c.f1 for c in self.per_label.values()) / len(self.per_label)

    @property
    def micro(self) -> Counts:
        total = Counts()
        for counts in self.per_label.values():
            total.add(counts)
        return total

    def as_dict(self) -> dict:
        micro = self.micro
        return {"per_label": {label: c.as_dict() for label, c in self.per_label.items()},
                "macro_f1": round(self.macro_f1, 4),
                "micro": {"precision": round(micro.precision, 4), "recall": round(micro.recall, 4),
                          "f1": round(micro.f1, 4)}}


@dataclass
class Scores:
    passages: int
    token: LevelScores
    passage: LevelScores
    by_language: dict[str, Scores] = field(default_factory=dict)

    def as_dict(self) -> dict:
        result = {"passages": self.passages, "token": self.token.as_dict(), "passage": self.passage.as_dict()}
        if self.by_language:
            result["by_language"] = {lang: scores.as_dict() for lang, scores in sorted(self.by_language.items())}
        return result


def token_labels(text: str, spans: Iterable[tuple[int, int, str]]) -> list[str | None]:
    """The label of each `\\w+` token of `text`: that of the span covering its first character."""
    ordered = sorted(spans)
    labels: list[str | None] = []
    index = 0
    for match in _TOKEN.finditer(text):
        first = match.start()
        while index < len(ordered) and ordered[index][1] <= first:
            index += 1
        label = None
        # Spans should not overlap; if predictions do, the earliest one covering the token counts.
        for start, end, span_label in ordered[index:]:
            if start > first:
                break
            if start <= first < end:
                label = span_label
                break
        labels.append(label)
    return labels


def _score_one(text: str, gold: Sequence[tuple[int, int, str]], predicted: Sequence[tuple[int, int, str]],
               token: LevelScores, passage: LevelScores) -> None:
    for gold_label, predicted_label in zip(token_labels(text, gold), token_labels(text, predicted), strict=True):
        for label in LABELS:
            is_gold, is_predicted = gold_label == label, predicted_label == label
            counts = token.per_label[label]
            counts.tp += is_gold and is_predicted
            counts.fp += is_predicted and not is_gold
            counts.fn += is_gold and not is_predicted
    gold_present = {label for _, _, label in gold}
    predicted_present = {label for _, _, label in predicted}
    for label in LABELS:
        counts = passage.per_label[label]
        counts.tp += label in gold_present and label in predicted_present
        counts.fp += label in predicted_present and label not in gold_present
        counts.fn += label in gold_present and label not in predicted_present


def score_passages(items: Iterable[tuple[str, str | None, Sequence[tuple[int, int, str]],
                                         Sequence[tuple[int, int, str]]]]) -> Scores:
    """Score (text, lang, gold spans, predicted spans) items; spans are (start, end, label)."""
    overall = Scores(0, LevelScores(), LevelScores())
    for text, lang, gold, predicted in items:
        overall.passages += 1
        _score_one(text, gold, predicted, overall.token, overall.passage)
        if lang:
            scores = overall.by_language.setdefault(lang, Scores(0, LevelScores(), LevelScores()))
            scores.passages += 1
            _score_one(text, gold, predicted, scores.token, scores.passage)
    return overall


def format_scores(scores: Scores) -> str:
    """A plain-text table of the scores, for a terminal or a model card."""
    lines = [f"{scores.passages} passages",
             "level    label      precision  recall  f1",
             ]
    for level_name, level in (("token", scores.token), ("passage", scores.passage)):
        for label, counts in level.per_label.items():
            lines.append(f"{level_name:<8} {label:<10} {counts.precision:>9.3f}  {counts.recall:>6.3f}  "
                         f"{counts.f1:.3f}")
        micro = level.micro
        lines.append(f"{level_name:<8} {'macro':<10} {'':>9}  {'':>6}  {level.macro_f1:.3f}")
        lines.append(f"{level_name:<8} {'micro':<10} {micro.precision:>9.3f}  {micro.recall:>6.3f}  {micro.f1:.3f}")
    for lang, by_lang in sorted(scores.by_language.items()):
        lines.append(f"{lang}: {by_lang.passages} passages, token macro F1 {by_lang.token.macro_f1:.3f}, "
                     f"passage macro F1 {by_lang.passage.macro_f1:.3f}")
    return "\n".join(lines)
