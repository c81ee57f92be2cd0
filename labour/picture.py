"""A place's labour market from its stored figures: the series, the indicators and the cycle phase.

The phase is read from labour-market tightness (vacancy rate over unemployment rate) where a place
has both series over at least two years of quarters, and from the unemployment rate otherwise. A
quarterly unemployment rate made from monthly figures is derived, and says so with its method. A
NUTS-2 region, for which Eurostat publishes only the annual unemployment rate (lfst_r_lfu3rt), gets
a phase per year from it.
Phases are computed after every import and stored with their inputs and method, so that a page or
the Design Wizard can cite them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from labour.indicators import (
    QUARTERLY_MEAN_METHOD,
    BeveridgePoint,
    CurveMove,
    ShiftSummary,
    beveridge_path,
    curve_moves,
    net_shift,
    quarterly_from_monthly,
    tightness,
)
from labour.observations import Coverage, Series, coverage, headline_series, places
from labour.phases import PhaseMethod, PhasePoint, classify, explain
from records.models import LabourPhase

VACANCY_DATASET = "jvs_q_nace2"


ANNUAL_UNEMPLOYMENT_DATASET = "lfst_r_lfu3rt"


@dataclass
class Unemployment:
    """The unemployment rate of a place per quarter (per year where only annual figures are held), and
    how it was had."""

    by_period: dict[str, float]
    source: Series
    derived: bool
    method: str = ""  # how a derived figure was made

    @property
    def annual(self) -> bool:
        return self.source.dataset.frequency == "A"


@dataclass
class Picture:
    geo: str
    unemployment: Unemployment | None
    vacancy: Series | None
    tightness: dict[str, float] = field(default_factory=dict)
    beveridge: list[BeveridgePoint] = field(default_factory=list)
    moves: list[CurveMove] = field(default_factory=list)
    shift: ShiftSummary | None = None
    phases: list[PhasePoint] = field(default_factory=list)
    coverage: list[Coverage] = field(default_factory=list)

    @property
    def current(self) -> PhasePoint | None:
        return self.phases[-1] if self.phases else None

    @property
    def has_figures(self) -> bool:
        return bool(self.coverage)


def unemployment_of(session: Session, geo: str) -> Unemployment | None:
    """Quarterly figures as published where there are, else the mean of each quarter's three months,
    else the annual figures (a NUTS-2 region's)."""
    quarterly = headline_series(session, "une_rt_q", geo)
    if quarterly is not None and quarterly.values():
        return Unemployment(quarterly.values(), quarterly, derived=False)
    monthly = headline_series(session, "une_rt_m", geo)
    if monthly is not None and monthly.values():
        return Unemployment(quarterly_from_monthly(monthly.values()), monthly, derived=True,
                            method=QUARTERLY_MEAN_METHOD)
    annual = headline_series(session, ANNUAL_UNEMPLOYMENT_DATASET, geo)
    if annual is not None and annual.values():
        return Unemployment(annual.values(), annual, derived=False)
    return None


def _phases(unemployment: Unemployment | None, vacancy: Series | None,
            market_tightness: dict[str, float]) -> list[PhasePoint]:
    if unemployment is None:
        return []
    if vacancy is not None and market_tightness and not unemployment.annual:
        points = classify(market_tightness, indicator="tightness",
                          seasonally_adjusted=vacancy.seasonally_adjusted and unemployment.source.seasonally_adjusted)
        if points:
            return points
    return classify(unemployment.by_period, indicator="unemployment_rate",
                    seasonally_adjusted=unemployment.source.seasonally_adjusted)


def picture(session: Session, geo: str) -> Picture:
    unemployment = unemployment_of(session, geo)
    vacancy = headline_series(session, VACANCY_DATASET, geo)
    result = Picture(geo, unemployment, vacancy, coverage=coverage(session, geo))
    # Vacancy rates are quarterly: with annual unemployment figures there is no tightness to compute.
    if unemployment is not None and vacancy is not None and not unemployment.annual:
        result.tightness = tightness(vacancy.values(), unemployment.by_period)
        result.beveridge = beveridge_path(vacancy.values(), unemployment.by_period)
        result.moves = curve_moves(result.beveridge)
        result.shift = net_shift(result.beveridge)
    result.phases = _phases(unemployment, vacancy, result.tightness)
    return result


# -- stored phases -------------------------------------------------------------------------------


def refresh_phases(session: Session, geos: set[str] | None = None) -> int:
    """Compute and store the phases of these places (every place with figures by default); returns how many."""
    stored = 0
    for geo in sorted(geos if geos is not None else set(places(session))):
        session.execute(delete(LabourPhase).where(LabourPhase.geo == geo))
        now = datetime.now(UTC)
        for point in picture(session, geo).phases:
            session.add(LabourPhase(geo=geo, period=point.period, phase=point.phase, indicator=point.method.indicator,
                                    inputs=explain(point), method=point.method.as_dict(), computed_at=now))
            stored += 1
    session.flush()
    return stored


@dataclass(frozen=True)
class StoredPhase:
    geo: str
    period: str
    phase: str
    indicator: str
    inputs: dict
    method: PhaseMethod
    computed_at: datetime


def stored_phases(session: Session, geo: str) -> list[StoredPhase]:
    rows = session.scalars(select(LabourPhase).where(LabourPhase.geo == geo))
    found = [StoredPhase(r.geo, r.period, r.phase, r.indicator, r.inputs, PhaseMethod.from_dict(r.method),
                         r.computed_at) for r in rows]
    return sorted(found, key=lambda p: p.period)


def latest_phase(session: Session, geo: str) -> StoredPhase | None:
    """The phase of a place's latest period with one (a quarter, or a year for a region); None without."""
    phases = stored_phases(session, geo)
    return phases[-1] if phases else None
