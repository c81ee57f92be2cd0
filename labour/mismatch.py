"""Mismatch between where the vacancies are and where the unemployed are, across the EU's countries.

The index of Sahin, Song, Topa and Violante (2014) needs levels, not rates: the number of vacancies
and the number of unemployed people in each segment in the same quarter. Eurostat publishes both for
the member states, in tables the importer reads: job vacancies as a count (`jvs_q_nace2`,
indic_em=JOBVAC) and unemployment in thousands of persons (`une_rt_q`, or `une_rt_m` whose three
months make a quarter, unit=THS_PER). Rates alone (the figures the platform ships) do not allow it,
and the page says so rather than approximating levels from rates.

A country takes part in a quarter only with both counts; the others are listed as left out, so a
reader sees over which labour markets the index was computed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from labour.datasets import DATASETS, series_key
from labour.indicators import MismatchIndex, mismatch_index, quarterly_from_monthly
from labour.observations import newest_figures
from ontology.regions import eu_countries
from records.models import LabourSeries

# The benchmark elasticity of matches with respect to vacancies in Sahin et al. (2014).
DEFAULT_ELASTICITY = 0.5
VACANCY_COUNT = ("jvs_q_nace2", {"indic_em": "JOBVAC", "nace_r2": "B-S", "sizeclas": "TOTAL"})
UNEMPLOYED_QUARTERLY = ("une_rt_q", {"age": "Y15-74", "unit": "THS_PER", "sex": "T"})
UNEMPLOYED_MONTHLY = ("une_rt_m", {"age": "TOTAL", "unit": "THS_PER", "sex": "T"})
# Eurostat publishes job vacancy counts in units and unemployment in thousands.
PERSONS_PER_THOUSAND = 1000.0
NEEDED = ("job vacancies as a count (jvs_q_nace2, indic_em=JOBVAC, NACE B-S) and unemployment in thousands of "
          "persons (une_rt_q, or une_rt_m, unit=THS_PER) for at least two countries in the same quarter")


@dataclass(frozen=True)
class SegmentCounts:
    geo: str
    vacancies: float
    unemployed: float  # persons
    # How the figures were had, for the page: "SA" or "NSA", and whether unemployment was made from months.
    adjustment: str
    unemployed_from_months: bool


@dataclass
class CountryMismatch:
    """The index over the countries with both counts in a quarter, or None where fewer than two have them."""

    quarter: str
    elasticity: float
    segments: list[SegmentCounts]
    left_out: list[str] = field(default_factory=list)
    index: MismatchIndex | None = None


ADJUSTMENTS = ("SA", "NSA")  # seasonally adjusted where held, else unadjusted


def _series_key(dataset_code: str, adjustment: str, wanted: dict[str, str]) -> str:
    dataset = DATASETS[dataset_code]
    return series_key({name: dataset.frequency if name == "freq" else adjustment if name == "s_adj" else wanted[name]
                       for name in dataset.dimensions})


def _places_with(session: Session, dataset_code: str, wanted: dict[str, str]) -> set[str]:
    """The places holding a count series of the dataset, in one query."""
    keys = [_series_key(dataset_code, adjustment, wanted) for adjustment in ADJUSTMENTS]
    return set(session.scalars(select(LabourSeries.geo).distinct().where(
        LabourSeries.dataset == dataset_code, LabourSeries.series.in_(keys))))


def _counts(session: Session, geo: str, dataset_code: str, wanted: dict[str, str]) -> tuple[dict[str, float], str]:
    """The newest figures of a count series, seasonally adjusted where held, else unadjusted."""
    for adjustment in ADJUSTMENTS:
        figures = newest_figures(session, dataset_code, geo, _series_key(dataset_code, adjustment, wanted))
        values = {period: f.value for period, f in figures.items() if f.value is not None}
        if values:
            return values, adjustment
    return {}, ""


def segment_counts(session: Session, geo: str, quarter: str) -> SegmentCounts | None:
    vacancies, vacancy_adjustment = _counts(session, geo, *VACANCY_COUNT)
    if quarter not in vacancies:
        return None
    unemployed, unemployed_adjustment = _counts(session, geo, *UNEMPLOYED_QUARTERLY)
    from_months = False
    if quarter not in unemployed:
        monthly, unemployed_adjustment = _counts(session, geo, *UNEMPLOYED_MONTHLY)
        unemployed, from_months = quarterly_from_monthly(monthly), True
    if quarter not in unemployed:
        return None
    adjustment = vacancy_adjustment if vacancy_adjustment == unemployed_adjustment else "mixed"
    return SegmentCounts(geo, vacancies[quarter], unemployed[quarter] * PERSONS_PER_THOUSAND, adjustment,
                         from_months)


def mismatch_across_countries(session: Session, quarter: str,
                              elasticity: float = DEFAULT_ELASTICITY) -> CountryMismatch:
    """The mismatch index across the EU-27 countries that hold both counts for the quarter."""
    result = CountryMismatch(quarter, elasticity, [])
    # The figures of a country are read only where it holds both kinds of count: the index page asks
    # for the index on every view, and most platforms hold rates only.
    candidates = _places_with(session, *VACANCY_COUNT) & (
        _places_with(session, *UNEMPLOYED_QUARTERLY) | _places_with(session, *UNEMPLOYED_MONTHLY))
    for geo in sorted(eu_countries()):
        counts = segment_counts(session, geo, quarter) if geo in candidates else None
        if counts is None:
            result.left_out.append(geo)
        else:
            result.segments.append(counts)
    if len(result.segments) >= 2:
        try:
            result.index = mismatch_index({s.geo: s.vacancies for s in result.segments},
                                          {s.geo: s.unemployed for s in result.segments}, elasticity)
        except ValueError:
            # Zero vacancies or zero unemployed over every country: the index is undefined, not zero.
            result.index = None
    return result
