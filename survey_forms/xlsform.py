"""XLSForm import: the `survey`, `choices` and `settings` sheets of an .xlsx file, turned into a
survey definition of this platform.

Supported: the question types that have a counterpart here (select_one, select_multiple, rank,
text, integer, note, acknowledge), `begin group` / `begin repeat` as pages, `label::<language>`
and `hint::<language>` columns, `required`, simple `relevant` expressions (comparisons with `=`,
`!=`, `selected()`, joined by `and` / `or`) and simple `constraint`s (`. <= n`, `. >= n`,
`string-length(.) <= n`). Everything else is refused with a message naming the row and the feature,
and nothing is created.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from survey_forms.definition import SurveyDefinition, default_definition, parse_definition
from survey_forms.errors import DefinitionError

__all__ = ["XLSFormError", "read_xlsform"]

TYPE_MAP = {"select_one": "single", "select_multiple": "multiple", "rank": "ranking", "text": "text",
            "integer": "number", "note": "note", "acknowledge": "consent"}
IGNORED_TYPES = {"start", "end", "today", "deviceid", "username", "audit"}
_LANGUAGE_CODE = re.compile(r"\(([a-z]{2,3})\)\s*$")
_COMPARISON = re.compile(r"^\$\{(\w+)\}\s*(=|!=)\s*'([^']*)'$")
_SELECTED = re.compile(r"^(not\()?\s*selected\(\s*\$\{(\w+)\}\s*,\s*'([^']*)'\s*\)\s*\)?$")
_BOUND = re.compile(r"^\.\s*(<=|>=|<|>)\s*(-?\d+)$")
_LENGTH = re.compile(r"^string-length\(\s*\.\s*\)\s*(<=|<)\s*(\d+)$")


class XLSFormError(DefinitionError):
    """The file cannot become a survey; `problems` lists every reason, each naming its place."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _language(column: str) -> str | None:
    """`label::English (en)` -> en, `label::fr` -> fr."""
    suffix = column.split("::", 1)[1].strip() if "::" in column else ""
    match = _LANGUAGE_CODE.search(suffix)
    if match:
        return match.group(1)
    return suffix.lower() if re.fullmatch(r"[A-Za-z]{2,3}", suffix) else None


def _rows(sheet) -> list[dict[str, Any]]:
    rows = list(sheet.iter_rows(values_only=True))
    if not rows:
        return []
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    return [{header[i]: value for i, value in enumerate(row) if i < len(header) and header[i]}
            | {"_row": number} for number, row in enumerate(rows[1:], start=2)
            if any(value not in (None, "") for value in row)]


@dataclass
class _Builder:
    languages: list[str]
    problems: list[str] = field(default_factory=list)

    def text(self, row: dict, prefix: str, where: str, required: bool = True) -> dict | None:
        texts = {}
        for column, value in row.items():
            if column == prefix and value:
                texts.setdefault(self.languages[0], str(value))
            elif column.startswith(f"{prefix}::") and value not in (None, ""):
                language = _language(column)
                if language:
                    texts[language] = str(value)
        if not texts:
            if required:
                self.problems.append(f"{where}: no {prefix}.")
            return None
        missing = [language for language in self.languages if language not in texts]
        if missing:
            self.problems.append(f"{where}: no {prefix} in {', '.join(missing)}.")
        return texts

    def condition(self, expression: str, where: str) -> dict | None:
        expression = " ".join(str(expression).split())
        for joiner, key in ((" or ", "any"), (" and ", "all")):
            if joiner in expression:
                parts = [self.condition(part, where) for part in expression.split(joiner)]
                return {key: parts} if all(parts) else None
        if match := _COMPARISON.match(expression):
            name, operator, value = match.groups()
            if value == "":
                return {"q": name, "answered": operator == "!="}
            return {"q": name, "eq" if operator == "=" else "ne": value}
        if match := _SELECTED.match(expression):
            negated, name, value = match.groups()
            return {"q": name, "not_in" if negated else "in": [value]}
        self.problems.append(f"{where}: the relevant expression {expression!r} is not supported "
                             "(use ${{q}} = 'v', ${{q}} != 'v', selected(${{q}}, 'v'), joined by and/or).")
        return None

    def constraint(self, question: dict, expression: str, where: str) -> None:
        expression = " ".join(str(expression).split())
        for part in expression.split(" and "):
            if (match := _BOUND.match(part)) and question["type"] == "number":
                operator, number = match.group(1), int(match.group(2))
                key = "min" if operator.startswith(">") else "max"
                question[key] = number + (1 if operator == ">" else -1 if operator == "<" else 0)
            elif (match := _LENGTH.match(part)) and question["type"] in ("text", "textarea"):
                question["max_length"] = int(match.group(2)) - (1 if match.group(1) == "<" else 0)
            else:
                self.problems.append(f"{where}: the constraint {part!r} is not supported "
                                     "(use . <= n, . >= n or string-length(.) <= n).")


def read_xlsform(data: bytes | Any) -> tuple[SurveyDefinition, dict]:
    """The survey an XLSForm describes, with its definition as data; raises XLSFormError listing
    every problem."""
    try:
        workbook = load_workbook(io.BytesIO(data) if isinstance(data, bytes) else data, read_only=True,
                                 data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as error:
        raise XLSFormError([f"The file is not an .xlsx workbook: {error}"]) from error
    sheets = {name.lower(): workbook[name] for name in workbook.sheetnames}
    if "survey" not in sheets:
        raise XLSFormError(["The workbook has no 'survey' sheet."])
    survey_rows = _rows(sheets["survey"])
    choice_rows = _rows(sheets["choices"]) if "choices" in sheets else []
    settings = (_rows(sheets["settings"]) or [{}])[0] if "settings" in sheets else {}
    columns = {c for row in survey_rows for c in row}
    languages = sorted({_language(c) for c in columns if c.startswith("label::")} - {None})
    default = str(settings.get("default_language") or "")
    default = _language(f"x::{default}") or (languages[0] if languages else "en")
    languages = [default] + [language for language in languages if language != default] if languages else [default]
    builder = _Builder(languages)

    lists: dict[str, list[dict]] = {}
    for row in choice_rows:
        name = str(row.get("list_name") or row.get("list name") or "").strip()
        value = row.get("name")
        if not name or value in (None, ""):
            builder.problems.append(f"choices row {row['_row']}: a choice needs a list_name and a name.")
            continue
        label = builder.text(row, "label", f"choices row {row['_row']}")
        lists.setdefault(name, []).append({"value": str(value), "label": label})

    pages: list[dict] = []
    loose: list[dict] = []
    stack: list[dict] = []
    for row in survey_rows:
        where = f"survey row {row['_row']}"
        kind = str(row.get("type") or "").strip()
        name = str(row.get("name") or "").strip()
        base, _, list_name = kind.partition(" ")
        if base in ("begin", "begin_group", "begin_repeat") or kind in ("begin group", "begin repeat"):
            page = {"id": name or f"page{len(pages) + 1}", "title": builder.text(row, "label", where),
                    "questions": []}
            if "repeat" in kind:
                page["repeat"] = {"max": 5, "add_label": dict.fromkeys(languages, "+"),
                                  "item_label": dict.fromkeys(languages, "{n}")}
            if row.get("relevant"):
                page["relevant"] = builder.condition(row["relevant"], where)
            if stack:
                builder.problems.append(f"{where}: groups inside groups are not supported; use one group per page.")
            stack.append(page)
            continue
        if base == "end" or kind in ("end group", "end repeat", "end_group", "end_repeat"):
            if stack:
                pages.append(stack.pop())
            continue
        if base in IGNORED_TYPES or not kind:
            continue
        if base not in TYPE_MAP:
            builder.problems.append(f"{where}: the question type {kind!r} is not supported.")
            continue
        question: dict[str, Any] = {"id": name, "type": TYPE_MAP[base],
                                    "label": builder.text(row, "label", where)}
        if not re.fullmatch(r"[A-Za-z_][\w.-]*", name):
            builder.problems.append(f"{where}: {name!r} is not a usable question name.")
        hint = builder.text(row, "hint", where, required=False)
        if hint:
            question["help"] = hint
        if str(row.get("required") or "").strip().lower() in ("yes", "true", "true()", "1"):
            question["required"] = True
        if question["type"] in ("single", "multiple", "ranking"):
            list_name = list_name.strip().split(" ")[0]
            if list_name not in lists:
                builder.problems.append(f"{where}: the choice list {list_name!r} is not on the choices sheet.")
                continue
            question["choices"] = lists[list_name]
        if row.get("relevant"):
            question["relevant"] = builder.condition(row["relevant"], where)
        if row.get("constraint"):
            builder.constraint(question, row["constraint"], where)
        for unsupported in ("calculation", "repeat_count", "choice_filter", "trigger"):
            if row.get(unsupported):
                builder.problems.append(f"{where}: the column {unsupported!r} is not supported.")
        (stack[-1]["questions"] if stack else loose).append(question)
    if stack:
        builder.problems.append("A group is not closed with 'end group'.")
    if loose:
        pages.insert(0, {"id": "main", "title": builder.text(settings, "form_title", "settings", required=False)
                         or {lang: str(settings.get("form_title") or "Survey") for lang in languages},
                         "questions": loose})
    if builder.problems:
        raise XLSFormError(builder.problems)
    title = {lang: str(settings.get("form_title") or settings.get("form_id") or "Survey") for lang in languages}
    raw = {
        "id": str(settings.get("form_id") or "xlsform-survey"), "version": _version(settings.get("version")),
        "languages": languages, "title": title, "description": title,
        "privacy_notice": _privacy_notice(languages),
        "consent_version": 1, "pages": pages,
    }
    try:
        return parse_definition(raw), raw
    except DefinitionError as error:
        raise XLSFormError([str(error)]) from error


def _privacy_notice(languages: list[str]) -> dict[str, str]:
    """The platform's own privacy notice (from the shipped survey), in each language it has."""
    notice = default_definition().privacy_notice
    return {language: notice.get(language) or notice["en"] for language in languages}


def _version(value) -> int:
    # XLSForm versions are often dates (2024110101); they must fit the database's integer.
    digits = re.sub(r"\D", "", str(value or "1")) or "1"
    number = int(digits)
    return number if number < 2**31 else int(digits[-9:])
