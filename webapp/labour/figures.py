"""A place's quarterly figures as the pages compare them, and which quarter to compare by default.

Nothing is filled in: a quarter without a figure stays without one, and a derived quarterly
unemployment rate carries the flags of the months it was made from.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from labour.indicators import tightness
from labour.observations import Series, headline_series
from labour.picture import VACANCY_DATASET, StoredPhase, Unemployment, stored_phases, unemployment_of
from labour.series import QUARTERLY, frequency, period_index

__all__ = ["PlaceFigures", "QuarterFigures", "combined_flags", "default_quarter", "months_of", "place_figures"]


def months_of(quarter: str) -> list[str]:
    """The three months of a quarter: '2021-Q3' -> ['2021-07', '2021-08', '2021-09']."""
    year, number = quarter.split("-Q")
    first = (int(number) - 1) * 3 + 1
    return [f"{year}-{month:02d}" for month in range(first, first + 3)]


def combined_flags(flags: Iterable[str]) -> str:
    """Every letter of several figures' flags, once each, in the order met: ('p', 'bu', 'p') -> 'pbu'."""
    return "".join(dict.fromkeys(letter for flag in flags for letter in flag))


@dataclass(frozen=True)
class QuarterFigures:
    """One place in one quarter; None where no figure is held."""

    geo: str
    unemployment: float | None
    unemployment_flags: str
    derived: bool
    vacancy: float | None
    vacancy_flags: str
    tightness: float | None
    phase: str | None


@dataclass
class PlaceFigures:
    geo: str
    unemployment: Unemployment | None
    vacancy: Series | None
    tightness: dict[str, float] = field(default_factory=dict)
    phases: list[StoredPhase] = field(default_factory=list)

    def periods(self) -> set[str]:
        """The periods with an unemployment or a vacancy figure: quarters, or years for a region."""
        held = set(self.unemployment.by_period) if self.unemployment else set()
        if self.vacancy is not None:
            held |= set(self.vacancy.values())
        return held

    def quarters(self) -> set[str]:
        """The quarters with an unemployment or a vacancy figure, as countries are compared in."""
        return {period for period in self.periods() if frequency(period) == QUARTERLY}

    def unemployment_flags(self, quarter: str) -> str:
        if self.unemployment is None:
            return ""
        figures = self.unemployment.source.figures
        if not self.unemployment.derived:
            return figures[quarter].flags if quarter in figures else ""
        return combined_flags(figures[month].flags for month in months_of(quarter) if month in figures)

    def in_quarter(self, quarter: str) -> QuarterFigures:
        unemployment = self.unemployment.by_period.get(quarter) if self.unemployment else None
        vacancy = self.vacancy.figures.get(quarter) if self.vacancy is not None else None
        phase = next((p.phase for p in self.phases if p.period == quarter), None)
        return QuarterFigures(
            self.geo, unemployment, self.unemployment_flags(quarter) if unemployment is not None else "",
            bool(self.unemployment and self.unemployment.derived), vacancy.value if vacancy else None,
            vacancy.flags if vacancy else "", self.tightness.get(quarter), phase)


def place_figures(session: Session, geo: str) -> PlaceFigures:
    unemployment = unemployment_of(session, geo)
    vacancy = headline_series(session, VACANCY_DATASET, geo)
    found = PlaceFigures(geo, unemployment, vacancy, phases=stored_phases(session, geo))
    if unemployment is not None and vacancy is not None and not unemployment.annual:
        found.tightness = tightness(vacancy.values(), unemployment.by_period)
    return found


def default_quarter(places: Iterable[PlaceFigures]) -> str | None:
    """The quarter the most places hold a figure for; the latest such quarter when several tie."""
    held = Counter(quarter for place in places for quarter in place.quarters())
    if not held:
        return None
    return max(held, key=lambda quarter: (held[quarter], period_index(quarter)))
