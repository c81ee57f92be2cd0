"""Survey definitions: versioned YAML data, loaded into frozen objects and checked on load.

The schema is documented in `definitions/README.md`. Every text is a mapping from language code to
text; a definition that misses a language, names an unknown scale or list, or makes a question
depend on a later one is refused with a message that names the place.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

from survey_forms.errors import DefinitionError

__all__ = [
    "Choice", "DefinitionLoader", "Item", "Page", "Question", "QUESTION_TYPES", "Repeat", "SurveyDefinition",
    "default_definition", "load_definition", "parse_definition", "read_yaml",
]

QUESTION_TYPES = frozenset({"consent", "single", "multiple", "likert", "ranking", "text", "textarea",
                            "number", "region", "country", "email", "note"})
CONDITION_OPERATORS = frozenset({"eq", "ne", "in", "not_in", "answered"})
DEFAULT_TEXT_LIMIT = {"text": 200, "textarea": 1000, "email": 254}

Text = dict[str, str]


@dataclass(frozen=True)
class Choice:
    value: str
    label: Text


@dataclass(frozen=True)
class Item:
    """A row of a Likert matrix."""
    id: str
    label: Text
    reverse: bool = False


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    label: Text
    help: Text | None = None
    required: bool = False
    choices: tuple[Choice, ...] = ()
    choice_list: str | None = None
    other_text: bool = False
    max_choices: int | None = None
    rank_max: int | None = None
    scale: tuple[Choice, ...] = ()
    scale_name: str | None = None
    items: tuple[Item, ...] = ()
    max_length: int | None = None
    min: float | None = None
    max: float | None = None
    relevant: dict | None = None

    @property
    def answer_keys(self) -> tuple[str, ...]:
        """The keys this question's answer is stored under."""
        if self.type == "likert":
            return tuple(item.id for item in self.items)
        if self.other_text:
            return (self.id, f"{self.id}_other")
        return () if self.type == "note" else (self.id,)


@dataclass(frozen=True)
class Repeat:
    max: int
    add_label: Text
    item_label: Text


@dataclass(frozen=True)
class Page:
    id: str
    title: Text
    questions: tuple[Question, ...]
    intro: Text | None = None
    relevant: dict | None = None
    repeat: Repeat | None = None


@dataclass(frozen=True)
class SurveyDefinition:
    id: str
    version: int
    languages: tuple[str, ...]
    title: Text
    description: Text
    privacy_notice: Text
    consent_version: int
    pages: tuple[Page, ...]
    special_options: dict[str, Choice] = field(default_factory=dict)
    # Things derived from the definition and costly to rebuild on every request (the form class of
    # each page, per language and set of shown questions). Not part of the definition's identity.
    derived: dict = field(default_factory=dict, init=False, compare=False, repr=False)

    @property
    def key(self) -> str:
        return f"{self.id}-v{self.version}"

    def page(self, page_id: str) -> Page:
        for page in self.pages:
            if page.id == page_id:
                return page
        raise KeyError(page_id)

    def questions(self) -> list[tuple[Page, Question]]:
        return [(page, question) for page in self.pages for question in page.questions]

    def question(self, question_id: str) -> Question:
        for _, question in self.questions():
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    def text(self, text: Text | None, language: str) -> str:
        if not text:
            return ""
        return text.get(language) or text.get(self.languages[0], "")


class _Reader:
    """Turns the parsed YAML into objects, collecting the place of every problem."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self.languages = tuple(raw.get("languages") or ())
        if not self.languages:
            raise DefinitionError("The definition lists no languages.")
        self.scales = raw.get("scales") or {}
        self.lists = raw.get("choice_lists") or {}
        self.special = raw.get("special_options") or {}
        self.seen: list[str] = []

    def text(self, value, where: str, optional: bool = False) -> Text | None:
        if value is None and optional:
            return None
        if not isinstance(value, dict):
            raise DefinitionError(f"{where}: expected a text in each language, got {value!r}.")
        missing = [lang for lang in self.languages if not str(value.get(lang) or "").strip()]
        if missing:
            raise DefinitionError(f"{where}: no text in {', '.join(missing)}.")
        return {lang: str(value[lang]) for lang in self.languages}

    def choices(self, value, where: str) -> tuple[Choice, ...]:
        if isinstance(value, str):
            if value not in self.lists:
                raise DefinitionError(f"{where}: unknown choice list {value!r}.")
            value = self.lists[value]
        if not isinstance(value, list) or not value:
            raise DefinitionError(f"{where}: expected a non-empty list of choices.")
        choices = tuple(Choice(str(c["value"]), self.text(c.get("label"), f"{where}, choice {c.get('value')}"))
                        for c in value)
        values = [c.value for c in choices]
        if len(set(values)) != len(values):
            raise DefinitionError(f"{where}: a choice value is used twice.")
        return choices

    def condition(self, condition, where: str, known: set[str]) -> dict | None:
        if condition is None:
            return None
        if not isinstance(condition, dict):
            raise DefinitionError(f"{where}: a condition is a mapping, not {condition!r}.")
        for combinator in ("all", "any"):
            if combinator in condition:
                for part in condition[combinator]:
                    self.condition(part, where, known)
                return condition
        if condition.get("q") not in known:
            raise DefinitionError(f"{where}: the condition refers to {condition.get('q')!r}, "
                                  "which is not an earlier question.")
        operators = set(condition) - {"q"}
        if len(operators) != 1 or not operators <= CONDITION_OPERATORS:
            raise DefinitionError(f"{where}: a condition has one of {sorted(CONDITION_OPERATORS)}.")
        return condition

    def question(self, raw: dict, page_id: str, known: set[str]) -> Question:
        qid = str(raw.get("id") or "")
        where = f"page {page_id}, question {qid or '?'}"
        kind = raw.get("type")
        if kind not in QUESTION_TYPES:
            raise DefinitionError(f"{where}: unknown type {kind!r}.")
        if not qid or qid in self.seen:
            raise DefinitionError(f"{where}: every question needs an id of its own.")
        self.seen.append(qid)
        fields: dict[str, Any] = {
            "id": qid, "type": kind, "label": self.text(raw.get("label"), where),
            "help": self.text(raw.get("help"), f"{where}, help", optional=True),
            "required": bool(raw.get("required", False)),
            "relevant": self.condition(raw.get("relevant"), where, known),
            "other_text": bool(raw.get("other_text", False)),
        }
        if kind in ("single", "multiple", "ranking"):
            fields["choices"] = self.choices(raw.get("choices"), where)
            fields["choice_list"] = raw["choices"] if isinstance(raw.get("choices"), str) else None
        if kind == "country":
            fields["choices"] = self.choices(raw["extra_choices"], where) if raw.get("extra_choices") else ()
        if kind == "multiple" and raw.get("max_choices"):
            fields["max_choices"] = int(raw["max_choices"])
        if kind == "ranking":
            fields["rank_max"] = int(raw.get("rank_max") or len(fields["choices"]))
        if kind == "likert":
            name = raw.get("scale")
            if name not in self.scales:
                raise DefinitionError(f"{where}: unknown scale {name!r}.")
            scale = self.choices(self.scales[name], f"{where}, scale {name}")
            for special in raw.get("special") or []:
                if special not in self.special:
                    raise DefinitionError(f"{where}: unknown special option {special!r}.")
                option = self.special[special]
                scale += (Choice(str(option["value"]), self.text(option["label"], f"special {special}")),)
            items = raw.get("items") or [{"id": qid, "label": raw.get("label")}]
            fields.update(scale=scale, scale_name=name, items=tuple(
                Item(str(i["id"]), self.text(i["label"], f"{where}, item {i.get('id')}"), bool(i.get("reverse")))
                for i in items))
            for item in fields["items"]:
                if item.id != qid and item.id in self.seen:
                    raise DefinitionError(f"{where}: item id {item.id!r} is used twice.")
                self.seen.append(item.id)
        if kind in DEFAULT_TEXT_LIMIT:
            fields["max_length"] = int(raw.get("max_length") or DEFAULT_TEXT_LIMIT[kind])
        if kind == "number":
            fields["min"] = raw.get("min")
            fields["max"] = raw.get("max")
        return Question(**fields)

    def page(self, raw: dict, known: set[str]) -> Page:
        pid = str(raw.get("id") or "")
        if not pid:
            raise DefinitionError("A page has no id.")
        where = f"page {pid}"
        repeat = None
        if raw.get("repeat"):
            spec = raw["repeat"]
            repeat = Repeat(int(spec.get("max", 1)), self.text(spec.get("add_label"), f"{where}, add_label"),
                            self.text(spec.get("item_label"), f"{where}, item_label"))
        relevant = self.condition(raw.get("relevant"), where, known)
        questions = []
        for question in raw.get("questions") or []:
            questions.append(self.question(question, pid, known | {q.id for q in questions}))
            known = known | set(questions[-1].answer_keys) | {questions[-1].id}
        if not questions:
            raise DefinitionError(f"{where}: a page needs at least one question.")
        return Page(id=pid, title=self.text(raw.get("title"), f"{where}, title"), questions=tuple(questions),
                    intro=self.text(raw.get("intro"), f"{where}, intro", optional=True), relevant=relevant,
                    repeat=repeat)

    def definition(self) -> SurveyDefinition:
        raw = self.raw
        pages, known = [], set()
        for raw_page in raw.get("pages") or []:
            page = self.page(raw_page, known)
            pages.append(page)
            for question in page.questions:
                known |= {question.id, *question.answer_keys}
        if not pages:
            raise DefinitionError("The definition has no pages.")
        if len({p.id for p in pages}) != len(pages):
            raise DefinitionError("Two pages share an id.")
        special = {name: Choice(str(o["value"]), self.text(o["label"], f"special option {name}"))
                   for name, o in self.special.items()}
        return SurveyDefinition(
            id=str(raw.get("id") or ""), version=int(raw.get("version") or 0), languages=self.languages,
            title=self.text(raw.get("title"), "title"), description=self.text(raw.get("description"), "description"),
            privacy_notice=self.text(raw.get("privacy_notice"), "privacy_notice"),
            consent_version=int(raw.get("consent_version") or 1), pages=tuple(pages), special_options=special)


def parse_definition(raw: dict[str, Any]) -> SurveyDefinition:
    if not isinstance(raw, dict):
        raise DefinitionError("A survey definition is a mapping at its top level.")
    if not raw.get("id") or not raw.get("version"):
        raise DefinitionError("A survey definition needs an id and a version.")
    try:
        return _Reader(raw).definition()
    except (KeyError, TypeError, ValueError) as error:
        raise DefinitionError(f"The definition does not follow the schema: {error!r}.") from error


class DefinitionLoader(yaml.SafeLoader):
    """YAML as translators write it: `No`, `Non` or `On` are words, not booleans (YAML 1.2 rules)."""


DefinitionLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
DefinitionLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))


def read_yaml(text: str) -> Any:
    try:
        return yaml.load(text, Loader=DefinitionLoader)  # noqa: S506  (a SafeLoader subclass)
    except yaml.YAMLError as error:
        raise DefinitionError(f"The definition is not valid YAML: {error}") from error


def load_definition(text: str) -> SurveyDefinition:
    return parse_definition(read_yaml(text))


@functools.cache
def default_definition() -> SurveyDefinition:
    """The EU-ALMPO Communities of Practice survey shipped with the platform."""
    text = resources.files("survey_forms").joinpath("definitions/cop-survey-v1.yaml").read_text("utf-8")
    return load_definition(text)
