"""Survey responses as CSV and as an XLSX workbook (responses, one sheet per repeated block, codebook)."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from survey_forms.definition import SurveyDefinition
from survey_forms.results import codebook

__all__ = ["ExportedResponse", "responses_csv", "responses_xlsx"]

ExportedResponse = dict[str, Any]  # {"id", "submitted_at", "language", "answers"}


def _columns(definition: SurveyDefinition, repeated: bool, page_id: str | None = None) -> list[str]:
    columns = []
    for page, question in definition.questions():
        if question.type in ("note", "email") or (page.repeat is not None) != repeated:
            continue
        if repeated and page.id != page_id:
            continue
        columns += list(question.answer_keys)
    return columns


def _cell(value: Any, ranking: bool = False) -> Any:
    if isinstance(value, list):
        return " > ".join(map(str, value)) if ranking else "; ".join(map(str, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _rankings(definition: SurveyDefinition) -> set[str]:
    return {q.id for _, q in definition.questions() if q.type == "ranking"}


def _rows(definition: SurveyDefinition, responses: list[ExportedResponse]) -> tuple[list[str], list[list[Any]]]:
    columns = _columns(definition, repeated=False)
    rankings = _rankings(definition)
    header = ["response", "submitted_at", "language", *columns]
    rows = []
    for response in responses:
        answers = response["answers"]
        submitted = response["submitted_at"]
        rows.append([response["id"], submitted.isoformat() if isinstance(submitted, datetime) else submitted,
                     response["language"], *(_cell(answers.get(c), c in rankings) for c in columns)])
    return header, rows


def responses_csv(definition: SurveyDefinition, responses: list[ExportedResponse]) -> str:
    """One row per response; repeated blocks are in the XLSX export, one sheet each."""
    header, rows = _rows(definition, responses)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list[Any]]) -> None:
    sheet = workbook.create_sheet(title[:31])
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(12, len(str(name)) + 2))


def responses_xlsx(definition: SurveyDefinition, responses: list[ExportedResponse], language: str = "en") -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    header, rows = _rows(definition, responses)
    _sheet(workbook, "responses", header, rows)
    rankings = _rankings(definition)
    for page in definition.pages:
        if page.repeat is None:
            continue
        columns = _columns(definition, repeated=True, page_id=page.id)
        block_rows = [[response["id"], n, *(_cell(block.get(c), c in rankings) for c in columns)]
                      for response in responses
                      for n, block in enumerate(response["answers"].get(page.id) or [], start=1)]
        _sheet(workbook, f"{page.id} repeated", ["response", "instance", *columns], block_rows)
    entries = codebook(definition, language)
    _sheet(workbook, "codebook", ["column", "page", "type", "question", "codes"],
           [[e["column"], e["page"], e["type"], e["question"], e["codes"]] for e in entries])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
