"""Where a respondent is in a survey: which pages are shown, which comes next, how far along."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from survey_forms.conditions import is_shown
from survey_forms.definition import Page, SurveyDefinition

__all__ = ["Flow"]


@dataclass
class Flow:
    definition: SurveyDefinition
    answers: dict[str, Any]

    def visible_pages(self) -> list[Page]:
        return [page for page in self.definition.pages if is_shown(page.relevant, self.answers)]

    def first(self) -> Page:
        return self.visible_pages()[0]

    def _position(self, page: Page) -> int:
        ids = [p.id for p in self.visible_pages()]
        return ids.index(page.id) if page.id in ids else -1

    def next(self, page: Page) -> Page | None:
        pages = self.visible_pages()
        position = self._position(page)
        return pages[position + 1] if 0 <= position < len(pages) - 1 else None

    def previous(self, page: Page) -> Page | None:
        position = self._position(page)
        return self.visible_pages()[position - 1] if position > 0 else None

    def is_last(self, page: Page) -> bool:
        return self.next(page) is None

    def progress(self, page: Page) -> tuple[int, int]:
        """(number of this page, number of pages) among the pages shown to this respondent."""
        return self._position(page) + 1, len(self.visible_pages())

    def is_shown(self, page: Page) -> bool:
        return self._position(page) >= 0
