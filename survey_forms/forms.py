"""A survey page as a WTForms form, in one language, and the answers it yields.

`page_form(definition, page, language, answers)` builds the form; `read_answers` validates posted
data against the page's visible questions and returns the clean answers. Questions hidden by skip
logic are neither validated nor kept.
"""

from __future__ import annotations

import re
from typing import Any

from wtforms import (
    BooleanField,
    EmailField,
    Form,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ontology.concepts import concept_index
from ontology.vocab import Scheme
from survey_forms.conditions import is_shown
from survey_forms.definition import Page, Question, SurveyDefinition
from survey_forms.errors import AnswerError
from survey_forms.messages import message

__all__ = ["page_form", "read_answers", "visible_questions", "country_choices", "region_choices"]

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def country_choices(language: str) -> list[tuple[str, str]]:
    """The EU-27 (NUTS level 0), named in `language`, in alphabetical order of that name."""
    countries = [c for c in concept_index().concepts(Scheme.NUTS2021) if c.facts.get("nuts_level") == 0]
    return sorted(((c.code, c.label(language)) for c in countries), key=lambda pair: pair[1])


def region_choices(language: str) -> list[SelectChoice]:
    """NUTS 1 and 2 regions grouped by country, each region under its country's name."""
    index = concept_index()
    names = dict(country_choices(language))
    regions = [c for c in index.concepts(Scheme.NUTS2021) if c.facts.get("nuts_level") in (1, 2)]
    choices = []
    for region in sorted(regions, key=lambda r: (names[r.code[:2]], r.code)):
        indent = "— " if region.facts.get("nuts_level") == 2 else ""
        choices.append(SelectChoice(region.code, f"{indent}{region.label(language)} ({region.code})",
                                    optgroup=names[region.code[:2]]))
    return choices


def visible_questions(page: Page, answers: dict[str, Any]) -> list[Question]:
    return [q for q in page.questions if is_shown(q.relevant, answers)]


def _required(question: Question, language: str, shown: bool):
    if question.required and shown:
        key = "consent_required" if question.type == "consent" else "required"
        return [InputRequired(message=message(key, language))]
    return [Optional()]


def _choices(definition: SurveyDefinition, choices, language: str) -> list[SelectChoice]:
    return [SelectChoice(c.value, definition.text(c.label, language)) for c in choices]


def _fields(definition: SurveyDefinition, question: Question, language: str, shown: bool) -> dict[str, Any]:
    label = definition.text(question.label, language)
    text = definition.text
    validators = _required(question, language, shown)
    kind = question.type
    if kind == "consent":
        return {question.id: BooleanField(label, validators=validators)}
    if kind == "single":
        fields = {question.id: RadioField(label, choices=_choices(definition, question.choices, language),
                                          validators=validators)}
        if question.other_text:
            fields[f"{question.id}_other"] = StringField(message("other_specify", language),
                                                         validators=[Optional(), Length(max=200)])
        return fields
    if kind == "multiple":
        return {question.id: MultiCheckboxField(
            label, choices=_choices(definition, question.choices, language), validators=validators)}
    if kind == "likert":
        scale = _choices(definition, question.scale, language)
        return {item.id: RadioField(text(item.label, language), choices=scale, validators=validators)
                for item in question.items}
    if kind == "ranking":
        options = [SelectChoice("", message("choose", language))] + _choices(definition, question.choices, language)
        return {f"{question.id}__{n}": SelectField(message("rank_place", language, n=n), choices=options,
                                                   validators=[Optional()], validate_choice=False)
                for n in range(1, (question.rank_max or 1) + 1)}
    if kind in ("text", "textarea"):
        field_class = TextAreaField if kind == "textarea" else StringField
        limit = Length(max=question.max_length, message=message("too_long", language, n=question.max_length))
        return {question.id: field_class(label, validators=[*validators, limit],
                                         render_kw={"maxlength": question.max_length})}
    if kind == "email":
        return {question.id: EmailField(label, validators=[
            *validators, Length(max=question.max_length), Regexp(EMAIL, message=message("email_invalid", language))])}
    if kind == "number":
        low = int(question.min) if question.min is not None else None
        high = int(question.max) if question.max is not None else None
        return {question.id: IntegerField(label, validators=[*validators, NumberRange(
            min=low, max=high, message=message("number_range", language, min=low, max=high))],
            render_kw={"inputmode": "numeric"})}
    if kind == "country":
        choices = ([SelectChoice("", message("choose", language))]
                   + [SelectChoice(code, name) for code, name in country_choices(language)]
                   + _choices(definition, question.choices, language))
        return {question.id: SelectField(label, choices=choices, validators=validators)}
    if kind == "region":
        choices = [SelectChoice("", message("choose", language))] + region_choices(language)
        return {question.id: SelectField(label, choices=choices, validators=validators)}
    return {}


def page_form(definition: SurveyDefinition, page: Page, language: str, answers: dict[str, Any],
              formdata=None) -> Form:
    """The page's form in `language`, filled with saved `answers` or with posted `formdata`."""
    shown_ids = frozenset(q.id for q in visible_questions(page, answers))
    form_class = _form_class(definition, page, language, shown_ids)
    if formdata is not None:
        return form_class(formdata=formdata)
    return form_class(data=_form_data(page, answers))


def _form_class(definition: SurveyDefinition, page: Page, language: str, shown_ids: frozenset[str]) -> type[Form]:
    """The form class of a page; built once per language and set of shown questions (classes are
    stateless, so every request can share them)."""
    cache = definition.derived.setdefault("form_classes", {})
    cache_key = (page.id, language, shown_ids)
    if cache_key not in cache:
        fields: dict[str, Any] = {}
        for question in page.questions:
            fields.update(_fields(definition, question, language, question.id in shown_ids))

        class Meta:
            locales = [language, "en"]
            csrf = False  # the web app checks the CSRF token of every post

        cache[cache_key] = type("SurveyPageForm", (Form,), {"Meta": Meta, **fields})
    return cache[cache_key]


def _form_data(page: Page, answers: dict[str, Any]) -> dict[str, Any]:
    data = {}
    for question in page.questions:
        if question.type == "ranking":
            for n, value in enumerate(answers.get(question.id) or [], start=1):
                data[f"{question.id}__{n}"] = value
        else:
            for key in question.answer_keys:
                if key in answers:
                    data[key] = answers[key]
    return data


def _check_ranking(question: Question, form: Form, language: str) -> list[str]:
    places = [form[f"{question.id}__{n}"].data or "" for n in range(1, (question.rank_max or 1) + 1)]
    allowed = {c.value for c in question.choices}
    chosen = [p for p in places if p]
    if any(p not in allowed for p in chosen):
        raise ValidationError(message("invalid_choice", language))
    if len(set(chosen)) != len(chosen):
        raise ValidationError(message("rank_duplicate", language))
    if places[: len(chosen)] != chosen:
        raise ValidationError(message("rank_gap", language))
    if question.required and not chosen:
        raise ValidationError(message("required", language))
    return chosen


def read_answers(definition: SurveyDefinition, page: Page, language: str, formdata,
                 earlier_answers: dict[str, Any]) -> dict[str, Any]:
    """Validate a posted page; returns its answers (hidden questions dropped) or raises AnswerError.

    Skip logic may depend on questions of the same page, so visibility is decided on the earlier
    answers together with what was posted for this page.
    """
    form = page_form(definition, page, language, earlier_answers, formdata=formdata)
    posted = {name: field.data for name, field in form._fields.items()}
    context = {**earlier_answers, **{k: v for k, v in posted.items() if v not in (None, "", [])}}
    shown = visible_questions(page, context)
    if {q.id for q in shown} != {q.id for q in visible_questions(page, earlier_answers)}:
        # What was posted shows or hides questions of this page: their required checks change.
        form = page_form(definition, page, language, context, formdata=formdata)
    errors: dict[str, list[str]] = {}
    form.validate()
    for question in shown:
        if question.type == "ranking":
            try:
                _check_ranking(question, form, language)
            except ValidationError as error:
                errors[question.id] = [str(error)]
            continue
        for key in question.answer_keys:
            if form[key].errors:
                errors[key] = list(form[key].errors)
        chosen = form[question.id].data if question.type == "multiple" else None
        if question.max_choices and len(chosen or []) > question.max_choices:
            errors[question.id] = [message("choose_at_most", language, n=question.max_choices)]
        if question.type == "region" and form[question.id].data:
            country = context.get(_country_question(definition, question))
            if country and not str(form[question.id].data).startswith(str(country)):
                errors[question.id] = [message("region_outside_country", language)]
    if errors:
        raise AnswerError(errors)
    answers: dict[str, Any] = {}
    for question in shown:
        if question.type == "ranking":
            answers[question.id] = _check_ranking(question, form, language)
            continue
        for key in question.answer_keys:
            value = form[key].data
            if isinstance(value, str):
                value = value.strip()
            if value in (None, "", []) or (question.type == "consent" and value is False):
                continue
            if key.endswith("_other") and form[question.id].data != "other":
                continue
            answers[key] = value
    return answers


def _country_question(definition: SurveyDefinition, region: Question) -> str | None:
    """The country question a region picker belongs to: the nearest country question before it."""
    previous = None
    for _, question in definition.questions():
        if question.id == region.id:
            return previous
        if question.type == "country":
            previous = question.id
    return None
