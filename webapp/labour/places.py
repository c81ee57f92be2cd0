"""Which places the labour-market pages know, what kind each is, and the order they are listed in."""

from __future__ import annotations

from collections.abc import Iterable

from labour.datasets import is_aggregate
from ontology.concepts import concept_index
from ontology.vocab import Scheme

__all__ = ["KINDS", "is_known", "kind", "listed"]

KINDS = ("country", "region", "aggregate")


def is_known(geo: str) -> bool:
    """A NUTS 2021 code or one of Eurostat's EU and euro-area aggregates."""
    return is_aggregate(geo) or concept_index().has(Scheme.NUTS2021, geo)


def kind(geo: str) -> str:
    """"country", "region" (a NUTS 1 or 2 region) or "aggregate", for a known place."""
    if is_aggregate(geo):
        return "aggregate"
    level = concept_index().get(Scheme.NUTS2021, geo).facts.get("nuts_level")
    return "country" if level == 0 else "region"


def listed(geos: Iterable[str]) -> list[str]:
    """Countries first, then regions, then the aggregates, each by code."""
    return sorted((geo for geo in geos if is_known(geo)), key=lambda geo: (KINDS.index(kind(geo)), geo))
