"""The labour-market pages' words in the reader's language: messages, terms, place names, numbers.

The language is chosen as the Design Wizard chooses it: `?lang=` first, then the browser's
Accept-Language, then English.
"""

from __future__ import annotations

import functools
from importlib import resources

import yaml
from flask import request
from markupsafe import Markup

from labour.datasets import DATASETS
from labour.phases import ALREADY_ADJUSTED, ANNUAL_FIGURES, PHASES
from ontology.concepts import concept_index
from ontology.vocab import Scheme
from webapp.labour.places import kind
from webapp.wizard.routes import LANGUAGES

__all__ = ["LANGUAGES", "Texts", "request_language"]


@functools.cache
def _texts() -> dict[str, dict[str, str]]:
    folder = resources.files("webapp.labour").joinpath("i18n")
    return {name: texts for file in ("messages.yaml", "terms.yaml")
            for name, texts in yaml.safe_load(folder.joinpath(file).read_text("utf-8")).items()}


def request_language() -> str:
    wanted = request.args.get("lang")
    if wanted in LANGUAGES:
        return wanted
    return request.accept_languages.best_match(LANGUAGES) or "en"


class Texts:
    """Called with a message name and its values, as templates do: `t('place_title', place=...)`."""

    def __init__(self, language: str) -> None:
        self.language = language

    def _text(self, name: str) -> str:
        texts = _texts()[name]
        return texts.get(self.language) or texts["en"]

    def __call__(self, name: str, **values) -> str:
        return self._text(name).format(**values)

    def markup(self, name: str, **values) -> Markup:
        """The message with markup values (a command in <code>) kept; every other value escaped."""
        return Markup.escape(self._text(name)).format(**values)

    def has(self, name: str) -> bool:
        return name in _texts()

    def number(self, value: float | None, decimals: int = 2, *, signed: bool = False) -> str:
        """A figure as the reader writes it, with at most `decimals` decimals: 3.93, 2.5, 4.0 (3,93 in German)."""
        if value is None:
            return self("no_figure")
        value = round(value, decimals) or 0.0  # no "-0.0", and no sign on a change of nothing
        shown = f"{value:+.{decimals}f}" if signed and value else f"{value:.{decimals}f}"
        whole, _, fraction = shown.partition(".")
        if decimals == 0:
            return whole
        return f"{whole}{self('decimal')}{fraction.rstrip('0') or '0'}"

    def plain(self, value: float | None, decimals: int = 3) -> str:
        """A figure as imported, whole numbers without decimals: 140, 0.8 (0,8 in German)."""
        if value is not None and float(value).is_integer():
            return self.number(value, 0)
        return self.number(value, decimals)

    def place(self, geo: str) -> str:
        if self.has(f"place_{geo}"):
            return self(f"place_{geo}")
        return concept_index().label_of(Scheme.NUTS2021, geo, self.language)

    def kind(self, geo: str) -> str:
        return self(f"kind_{kind(geo)}")

    def phase(self, code: str | None) -> str:
        if code is None:
            return self("no_phase")
        return self(f"phase_{code}") if code in PHASES else code

    def phase_means(self, code: str) -> str:
        return self(f"phase_{code}_means") if code in PHASES else ""

    def indicator(self, code: str) -> str:
        return self(f"indicator_{code}") if self.has(f"indicator_{code}") else code

    def move(self, kind_of_move: str) -> str:
        return self(f"move_{kind_of_move}") if self.has(f"move_{kind_of_move}") else kind_of_move

    def flag_meanings(self, flags: str) -> list[tuple[str, str]]:
        """Each letter of a flag with its meaning: 'bu' is a break in series and low reliability."""
        return [(letter, self(f"flag_{letter}") if self.has(f"flag_{letter}") else self("flag_unknown"))
                for letter in flags]

    def flag_text(self, flags: str) -> str:
        return "; ".join(f"{letter}: {meaning}" for letter, meaning in self.flag_meanings(flags))

    def dataset(self, code: str) -> str:
        if self.has(f"dataset_{code}"):
            return self(f"dataset_{code}")
        return DATASETS[code].title if code in DATASETS else code

    def seasonal_adjustment(self, described: str) -> str:
        """A PhaseMethod's seasonal adjustment ("none: already adjusted", "STL period 4") in words."""
        if described == ALREADY_ADJUSTED:
            return self("seasonal_none")
        if described == ANNUAL_FIGURES:
            return self("seasonal_annual")
        period = described.rpartition(" ")[2]
        return self("seasonal_stl", period=period) if period.isdigit() else described
