"""Counting answers per question, for the results page and the codebook."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from survey_forms.definition import Question, SurveyDefinition
from survey_forms.forms import country_choices

__all__ = ["QuestionResult", "codebook", "tally"]

COUNTED_TYPES = {"single", "multiple", "likert", "ranking", "country", "consent", "region", "number"}


@dataclass
class QuestionResult:
    question: Question
    label: str
    answered: int
    # For choice questions: [(value, label, count)] in the definition's order.
    counts: list[tuple[str, str, int]] = field(default_factory=list)
    # For Likert matrices: item label -> [(value, label, count)].
    items: list[tuple[str, list[tuple[str, str, int]]]] = field(default_factory=list)


def _choice_labels(definition: SurveyDefinition, question: Question, language: str) -> list[tuple[str, str]]:
    if question.type == "country":
        return country_choices(language) + [(c.value, definition.text(c.label, language)) for c in question.choices]
    if question.type == "likert":
        return [(c.value, definition.text(c.label, language)) for c in question.scale]
    return [(c.value, definition.text(c.label, language)) for c in question.choices]


def _answers_for(responses: list[dict[str, Any]], page_repeat: bool, page_id: str) -> list[dict[str, Any]]:
    if not page_repeat:
        return responses
    return [block for answers in responses for block in answers.get(page_id) or []]


def tally(definition: SurveyDefinition, responses: list[dict[str, Any]], language: str) -> list[QuestionResult]:
    """Counts per choice for every closed question; ranking counts first places."""
    results = []
    for page, question in definition.questions():
        if question.type not in COUNTED_TYPES or question.type in ("region", "number", "consent"):
            continue
        answers = _answers_for(responses, page.repeat is not None, page.id)
        labels = _choice_labels(definition, question, language)
        result = QuestionResult(question, definition.text(question.label, language), 0)
        if question.type == "likert":
            for item in question.items:
                counter = Counter(a.get(item.id) for a in answers if a.get(item.id) is not None)
                result.items.append((definition.text(item.label, language),
                                     [(v, text, counter.get(v, 0)) for v, text in labels]))
                result.answered = max(result.answered, sum(counter.values()))
        else:
            counter: Counter = Counter()
            for answer in answers:
                value = answer.get(question.id)
                if value in (None, "", []):
                    continue
                result.answered += 1
                if question.type == "ranking":
                    counter[value[0]] += 1
                elif isinstance(value, list):
                    counter.update(value)
                else:
                    counter[value] += 1
            result.counts = [(v, text, counter.get(v, 0)) for v, text in labels if counter.get(v) or
                             question.type != "country"]
        results.append(result)
    return results


def codebook(definition: SurveyDefinition, language: str = "en") -> list[dict[str, str]]:
    """One row per answer column: its name, question, type and the meaning of each code."""
    rows = []
    for page, question in definition.questions():
        where = f"{page.id} (repeated)" if page.repeat else page.id
        labels = "; ".join(f"{v} = {text}" for v, text in _choice_labels(definition, question, language)) \
            if question.type in ("single", "multiple", "ranking", "likert") else ""
        if question.type == "likert":
            for item in question.items:
                rows.append({"column": item.id, "page": where, "type": "likert",
                             "question": f"{definition.text(question.label, language)} — "
                                         f"{definition.text(item.label, language)}"
                                         + (" (reverse-keyed)" if item.reverse else ""),
                             "codes": labels})
            continue
        if question.type == "note":
            continue
        rows.append({"column": question.id, "page": where, "type": question.type,
                     "question": definition.text(question.label, language),
                     "codes": labels})
        if question.other_text:
            rows.append({"column": f"{question.id}_other", "page": where, "type": "text",
                         "question": f"{definition.text(question.label, language)} — other, specified", "codes": ""})
    return rows
