"""The Eurostat tables the platform understands, and the checks an import runs on their figures.

An indicator needs to know what a figure measures (a vacancy rate, an unemployment rate), so an
import accepts only the tables listed here, with the dimensions Eurostat gives them. Every code is
checked: an unknown code, period or geography names the line it stands on, and nothing of the file
is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from labour.eurostat import EurostatFormatError, Observation
from ontology.concepts import concept_index
from ontology.vocab import Scheme

ATTRIBUTION = "Source: Eurostat"


@dataclass(frozen=True)
class Dataset:
    code: str
    title: str
    # What the headline series measures, as the indicators name it.
    measure: str
    frequency: str
    unit: str
    # The dimensions Eurostat's table has besides geo and time, in its order.
    dimensions: tuple[str, ...]
    # The one series per geography that views and indicators read.
    headline: dict[str, str]
    geography: str  # "country" or "nuts2"


DATASETS: dict[str, Dataset] = {d.code: d for d in (
    Dataset("jvs_q_nace2", "Job vacancy statistics by NACE Rev. 2 activity, quarterly", "vacancy_rate", "Q",
            "% of occupied and vacant posts", ("freq", "s_adj", "nace_r2", "sizeclas", "indic_em"),
            {"indic_em": "JOBRATE", "nace_r2": "B-S", "sizeclas": "TOTAL", "s_adj": "SA"}, "country"),
    Dataset("une_rt_q", "Unemployment by sex and age, quarterly", "unemployment_rate", "Q",
            "% of the active population", ("freq", "s_adj", "age", "unit", "sex"),
            {"age": "Y15-74", "unit": "PC_ACT", "sex": "T", "s_adj": "SA"}, "country"),
    Dataset("une_rt_m", "Unemployment by sex and age, monthly", "unemployment_rate", "M",
            "% of the active population", ("freq", "s_adj", "age", "unit", "sex"),
            {"age": "TOTAL", "unit": "PC_ACT", "sex": "T", "s_adj": "SA"}, "country"),
    Dataset("lfst_r_lfu3rt", "Unemployment rates by sex, age, educational attainment and NUTS 2 region",
            "unemployment_rate", "A", "% of the active population", ("freq", "isced11", "sex", "age", "unit"),
            {"isced11": "TOTAL", "sex": "T", "age": "Y15-74", "unit": "PC"}, "nuts2"),
)}

# Eurostat's codes, by dimension: a set where the list is short and fixed, a pattern where the
# classification is long (NACE sections and their ranges, age bands, ISCED levels).
_CODES: dict[str, frozenset[str] | re.Pattern] = {
    "freq": frozenset({"A", "Q", "M"}),
    "s_adj": frozenset({"SA", "NSA", "SCA", "CA", "TC"}),
    "sex": frozenset({"T", "M", "F"}),
    "unit": frozenset({"PC", "PC_ACT", "PC_POP", "THS_PER", "THS", "NR"}),
    "indic_em": frozenset({"JOBRATE", "JOBVAC", "JOBOCC", "OCC"}),
    "sizeclas": re.compile(r"TOTAL|GE\d+|LT\d+|\d+-\d+"),
    "nace_r2": re.compile(r"TOTAL|[A-U](?:\d{1,2})?(?:-[A-U](?:\d{1,2})?)?(?:_X_[A-U](?:-[A-U])?)?"),
    "age": re.compile(r"TOTAL|Y(?:_LT|_GE)?\d+(?:-\d+)?"),
    "isced11": re.compile(r"TOTAL|NRP|UNK|ED\d(?:[-_]\d)*"),
}

# Aggregates Eurostat publishes beside the member states: kept, shown as aggregates.
AGGREGATES = frozenset({"EU27_2020", "EU28", "EU27_2007", "EU15", "EA", "EA11", "EA12", "EA19", "EA20", "EA21"})
# Countries Eurostat covers that are outside the EU-27 the platform's NUTS scheme holds: their rows
# are left out and counted, not refused, so that a whole Eurostat download can be imported.
OUTSIDE_SCOPE = frozenset({"NO", "IS", "CH", "LI", "UK", "TR", "RS", "ME", "MK", "AL", "BA", "XK", "JP", "US"})


class LabourDataError(ValueError):
    """A figure the platform cannot take; the message names the line."""

    def __init__(self, line: int, problem: str):
        super().__init__(f"line {line}: {problem}")
        self.line = line
        self.problem = problem


def series_key(dimensions: dict[str, str]) -> str:
    """The dimensions besides geo and time as one stable text: 'freq=Q,s_adj=SA,...' in the table's order."""
    return ",".join(f"{name}={value}" for name, value in dimensions.items())


def frequency_of(period: str) -> str:
    if len(period) == 4:
        return "A"
    return "Q" if "Q" in period else "M"


def is_aggregate(geo: str) -> bool:
    return geo in AGGREGATES


def check_geography(geo: str, line: int) -> bool:
    """True for a geography to keep, False for one outside the platform's scope; raises for an unknown one."""
    if geo in AGGREGATES or concept_index().has(Scheme.NUTS2021, geo):
        return True
    if geo in OUTSIDE_SCOPE:
        return False
    raise LabourDataError(line, f"geography {geo!r} is not in the NUTS 2021 scheme nor one of Eurostat's "
                                "EU or euro-area aggregates")


def check_observation(observation: Observation) -> Dataset:
    """The observation's dataset, once its dimensions, codes and period are known to be right."""
    line = observation.line
    dataset = DATASETS.get(observation.dataset)
    if dataset is None:
        known = ", ".join(sorted(DATASETS))
        raise LabourDataError(line, f"dataset {observation.dataset!r} is not one the platform reads ({known})")
    names = tuple(observation.dimensions)
    if set(names) != set(dataset.dimensions):
        raise LabourDataError(line, f"{dataset.code} has the dimensions {', '.join(dataset.dimensions)}; "
                                    f"this row has {', '.join(names) or 'none'}")
    for name, code in observation.dimensions.items():
        known = _CODES.get(name)
        if known is None:
            continue
        valid = code in known if isinstance(known, frozenset) else known.fullmatch(code) is not None
        if not valid:
            raise LabourDataError(line, f"unknown {name} code {code!r}")
    if observation.dimensions.get("freq") not in (None, dataset.frequency):
        raise LabourDataError(line, f"{dataset.code} is published with freq {dataset.frequency}, "
                                    f"this row says {observation.dimensions['freq']}")
    if frequency_of(observation.period) != dataset.frequency:
        raise LabourDataError(line, f"period {observation.period} does not match {dataset.code}'s frequency "
                                    f"({dataset.frequency})")
    return dataset


@dataclass
class CheckedFile:
    """The figures of a file to keep, each with its series key, and how many were left out."""

    observations: list[Observation]
    series_keys: list[str]
    outside_scope: int


def checked(observations: Iterable[Observation]) -> CheckedFile:
    """The observations to keep; raises LabourDataError on the first bad one.

    A figure that appears twice in the file for the same series, place and period must agree with
    itself: two different values for one figure are refused, naming both lines.
    """
    result = CheckedFile([], [], 0)
    # A file holds many figures per series: dimensions and places are checked once each.
    keys_of: dict[tuple, str] = {}
    places: dict[str, bool] = {}
    seen: dict[tuple[str, str, str, str], Observation] = {}
    for observation in observations:
        signature = (observation.dataset, tuple(observation.dimensions.items()))
        key = keys_of.get(signature)
        if key is None:
            check_observation(observation)
            key = keys_of[signature] = series_key(observation.dimensions)
        elif frequency_of(observation.period) != DATASETS[observation.dataset].frequency:
            check_observation(observation)  # raises, naming the period
        kept = places.get(observation.geo)
        if kept is None:
            kept = places[observation.geo] = check_geography(observation.geo, observation.line)
        if not kept:
            result.outside_scope += 1
            continue
        identity = (observation.dataset, key, observation.geo, observation.period)
        earlier = seen.get(identity)
        if earlier is not None:
            if (earlier.value, earlier.flags) != (observation.value, observation.flags):
                raise LabourDataError(observation.line, (
                    f"{observation.geo} {observation.period} is given twice with different values "
                    f"({_shown(earlier)} on line {earlier.line}, {_shown(observation)} here)"))
            continue
        seen[identity] = observation
        result.observations.append(observation)
        result.series_keys.append(key)
    return result


def _shown(observation: Observation) -> str:
    value = ":" if observation.value is None else f"{observation.value:g}"
    return f"{value} {observation.flags}".strip()


__all__ = ["AGGREGATES", "ATTRIBUTION", "CheckedFile", "DATASETS", "Dataset", "EurostatFormatError", "LabourDataError",
           "check_geography", "check_observation", "checked", "frequency_of", "is_aggregate", "series_key"]
