"""Regional unemployment figures and the band each one falls in."""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources

from ontology.concepts import concept_index
from ontology.vocab import Scheme

__all__ = ["RegionalRate", "band_for_rate", "eu_countries", "regional_rates"]


@dataclass(frozen=True)
class RegionalRate:
    region: str
    year: int
    rate: Decimal
    source_url: str


def band_for_rate(rate: Decimal | float) -> str:
    """The unemployment-band code whose bounds hold `rate` (lower inclusive, upper exclusive)."""
    rate = Decimal(str(rate))
    for band in concept_index().concepts(Scheme.UNEMPLOYMENT_BAND):
        lower = Decimal(str(band.facts.get("lower_bound_percent", 0)))
        upper = band.facts.get("upper_bound_percent")
        if rate >= lower and (upper is None or rate < Decimal(str(upper))):
            return band.code
    raise ValueError(f"No unemployment band holds a rate of {rate} %.")


@functools.cache
def eu_countries() -> frozenset[str]:
    """The codes of the EU-27 countries: the NUTS 2021 regions of level 0 (Greece is EL)."""
    return frozenset(c.code for c in concept_index().concepts(Scheme.NUTS2021) if c.facts.get("nuts_level") == 0)


@functools.cache
def regional_rates() -> dict[str, RegionalRate]:
    """The shipped NUTS-2 unemployment rates, by region code."""
    text = resources.files("ontology").joinpath("data/nuts2_unemployment.csv").read_text("utf-8")
    return {
        row["code"]: RegionalRate(row["code"], int(row["year"]), Decimal(row["unemployment_rate_pct"]),
                                  row["source_url"])
        for row in csv.DictReader(text.splitlines())
    }
