"""The ALMP Design Wizard's question: in this context, which programme types and mechanisms does the
evidence back, how strongly, where is it contested, and why.

The context is matched against validated configurations (`queries.configurations_matching_context`);
every matching configuration is read once, and the ranking, the strength of evidence, the conditions
and the explanation are all worked out here, so both graph backends give the same answer.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from graph.queries import ContextQuery, QueryError, configurations_matching_context, country_of
from graph.store import GraphStore
from ontology.concepts import concept_index
from ontology.regions import band_for_rate, regional_rates
from ontology.vocab import Scheme

__all__ = ["DISTANCES", "HORIZONS", "OBJECTIVES", "PATHWAY_STAGES", "CyclePhaseContext", "Evidence", "Pathway",
           "PathwayStep", "Recommendation", "WizardAnswer", "WizardQuery", "pathway", "recommend", "region_band"]

# What a policymaker wants to achieve, as the outcome measures that show it.
OBJECTIVES: dict[str, frozenset[str]] = {
    "employment": frozenset({"employment", "unemployment_duration"}),
    "earnings": frozenset({"earnings"}),
    "durable_jobs": frozenset({"job_quality", "employment"}),
    "inclusion": frozenset({"benefit_receipt", "skills", "other", "employment"}),
}
# The horizons a user chooses between, as the horizon codes of findings that speak to them.
HORIZONS: dict[str, frozenset[str]] = {
    "short": frozenset({"short_run", "mixed"}),
    "medium": frozenset({"medium_run", "medium_long_run", "long_run", "mixed"}),
}
# How much a match on each part of the context counts: the labour market and the people matter most.
CONTEXT_WEIGHTS = {"unemployment_band": 2.0, "target_group": 2.0, "region": 2.0, "country": 1.0,
                   "skill_level": 1.0, "cycle_phase": 2.0}
# Outcome direction as a signal; a mixed finding counts for half.
DIRECTION_SIGNAL = {"positive": 1.0, "mixed": 0.5, "null": 0.0, "negative": -1.0}
# Stronger designs weigh more; a survey answer or a session counts as practice-based evidence.
# The closest-matching configurations the answer is built from: in a large graph most share some
# part of any context, and those sharing the most say the most about it.
EVIDENCE_LIMIT = 500
# Configurations read per call to the store.
DETAILS_BATCH = 1000
DESIGN_WEIGHTS = {"rct": 1.0, "meta_analysis": 1.0, "quasi_experimental": 0.8, "review": 0.6,
                  "descriptive": 0.3, None: 0.4}


@dataclass(frozen=True)
class WizardQuery:
    region: str | None = None
    # None: taken from the region's unemployment rate when the platform has one.
    unemployment_band: str | None = None
    target_groups: tuple[str, ...] = ()
    skill_level: str | None = None
    objective: str = "employment"
    horizon: str = "short"
    # A code of the cycle-phase scheme. None: the phase of the region's country, when the caller
    # gives one (see CyclePhaseContext).
    cycle_phase: str | None = None


@dataclass(frozen=True)
class CyclePhaseContext:
    """The phase the platform read for the region's country from the labour-market figures."""
    country: str
    phase: str
    period: str
    indicator: str
    reading: str


@dataclass
class Evidence:
    """One configuration behind a recommendation, with what it matched and where it comes from."""
    configuration: str
    matched: tuple[str, ...]
    programme_type: str
    mechanism: str
    outcomes: list[dict[str, Any]]
    signal: float | None
    source: dict[str, Any] | None
    design: str | None
    countries: list[str]
    practice: dict[str, Any] | None
    conditions: list[dict[str, Any]]
    spans: list[dict[str, Any]] = field(default_factory=list)
    # Findings that contradict this one: (configuration key, its source's properties).
    contested_by: list[tuple[str, dict[str, Any] | None]] = field(default_factory=list)


@dataclass
class Recommendation:
    code: str
    scheme: Scheme
    label: str
    score: float
    evidence: list[Evidence]
    # horizon code -> direction -> how many outcomes
    directions: dict[str, dict[str, int]]
    expected: dict[str, str]
    sources: int
    countries: list[str]
    validated_share: float
    designs: dict[str, int]
    enabling: list[tuple[str, int]]
    hindering: list[tuple[str, int]]
    practices: list[dict[str, Any]]
    contested: bool
    why: list[tuple[str, dict[str, Any]]]
    # Where it would rank if the business-cycle phase were left out (None: no phase was asked about,
    # or it would not be recommended at all then).
    rank_without_phase: int | None = None


@dataclass
class WizardAnswer:
    query: WizardQuery
    unemployment_band: str | None
    band_source: str  # "region", "user" or "none"
    region_rate: dict[str, Any] | None
    mechanisms: list[Recommendation]
    programme_types: list[Recommendation]
    matched: int
    cycle_phase: str | None = None
    phase_source: str = "none"  # "country", "user" or "none"
    phase_context: CyclePhaseContext | None = None


def region_band(region: str | None, imported: dict[str, Any] | None = None
                ) -> tuple[str | None, dict[str, Any] | None]:
    """The unemployment band of a region from its published rate (never an estimate), with the figure.

    `imported` is the region's newest rate among the figures an administrator imported (Eurostat's
    lfst_r_lfu3rt), as {"region", "year", "rate", "source_url"}; it is used when it is at least as
    recent as the rate shipped with the platform.
    """
    if not region:
        return None, None
    shipped = regional_rates().get(region)
    figure = None if shipped is None else {"region": shipped.region, "year": shipped.year,
                                           "rate": float(shipped.rate), "source_url": shipped.source_url}
    if imported is not None and (figure is None or imported["year"] >= figure["year"]):
        figure = imported
    if figure is None:
        return None, None
    return band_for_rate(figure["rate"]), figure


def _check(query: WizardQuery) -> None:
    index = concept_index()
    if query.objective not in OBJECTIVES:
        raise QueryError(f"Unknown objective {query.objective!r}: choose one of {', '.join(OBJECTIVES)}.")
    if query.horizon not in HORIZONS:
        raise QueryError(f"Unknown horizon {query.horizon!r}: choose short or medium.")
    if query.region and not index.has(Scheme.NUTS2021, query.region):
        raise QueryError(f"Unknown region {query.region!r}: give a NUTS 2021 code such as ES61.")
    if query.unemployment_band and not index.has(Scheme.UNEMPLOYMENT_BAND, query.unemployment_band):
        raise QueryError(f"Unknown unemployment band {query.unemployment_band!r}.")
    for code in query.target_groups:
        if not index.has(Scheme.TARGET_GROUP, code):
            raise QueryError(f"Unknown target group {code!r}.")
    if query.skill_level and not index.has(Scheme.SKILL_LEVEL, query.skill_level):
        raise QueryError(f"Unknown skill level {query.skill_level!r}.")
    if query.cycle_phase and not index.has(Scheme.CYCLE_PHASE, query.cycle_phase):
        raise QueryError(f"Unknown business-cycle phase {query.cycle_phase!r}: choose expansion, downturn, "
                         "slowdown or recovery.")
    if "all_unemployed" in query.target_groups and len(query.target_groups) > 1:
        raise QueryError("“All unemployed” already covers every group: choose it alone, or the groups.")


def _signal(outcomes: list[dict[str, Any]], query: WizardQuery) -> float | None:
    """What the configuration says about the chosen objective at the chosen horizon; None: nothing."""
    wanted = [o for o in outcomes if o.get("measure") in OBJECTIVES[query.objective]
              and o.get("horizon") in HORIZONS[query.horizon]]
    if not wanted:
        return None
    return sum(DIRECTION_SIGNAL.get(o.get("direction"), 0.0) for o in wanted) / len(wanted)


def _label(scheme: Scheme, code: str | None, language: str) -> str:
    return concept_index().label_of(scheme, code, language)


def _recommendation(scheme: Scheme, code: str, items: list[Evidence], query: WizardQuery, band: str | None,
                    phase: str | None, language: str, drafts: int) -> Recommendation:
    weighted = [(item, sum(CONTEXT_WEIGHTS.get(part, 1.0) for part in item.matched)
                 * DESIGN_WEIGHTS.get(item.design, 0.4)) for item in items]
    score = round(sum(weight * item.signal for item, weight in weighted if item.signal is not None), 3)
    directions: dict[str, Counter] = defaultdict(Counter)
    for item in items:
        for outcome in item.outcomes:
            directions[outcome.get("horizon", "mixed")][outcome.get("direction", "mixed")] += 1
    expected = {horizon: counts.most_common(1)[0][0] for horizon, counts in directions.items()}
    sources = {(item.source or {}).get("key") or item.configuration for item in items}
    countries = sorted({country_of(code) for item in items for code in item.countries})
    designs = Counter(item.design or "practice" for item in items)
    enabling, hindering = Counter(), Counter()
    for item in items:
        for condition in item.conditions:
            (enabling if condition.get("kind") == "enabling" else hindering)[condition.get("type")] += 1
    signals = [item.signal for item in items if item.signal is not None]
    # Contested: some findings in this context say it works and others say it does not.
    # Or two studies reach opposite conclusions about this context (over the business cycle, say).
    contested = (any(s > 0 for s in signals) and any(s <= 0 for s in signals)) or any(
        item.contested_by for item in items)
    practices = []
    for item in sorted(items, key=lambda i: "region" not in i.matched):
        if item.practice and item.practice.get("key") not in {p.get("key") for p in practices}:
            practices.append(item.practice)
    why = _why(items, signals, query, band, phase, contested, len(sources), countries)
    return Recommendation(
        code=code, scheme=scheme, label=_label(scheme, code, language), score=score,
        evidence=sorted(items, key=lambda i: (-len(i.matched), -(i.signal or 0), i.configuration)),
        directions={h: dict(c) for h, c in sorted(directions.items())}, expected=dict(sorted(expected.items())),
        sources=len(sources), countries=countries, validated_share=round(len(items) / (len(items) + drafts), 3),
        designs=dict(designs.most_common()), enabling=enabling.most_common(5), hindering=hindering.most_common(5),
        practices=practices[:3], contested=contested, why=why)


def _why(items: list[Evidence], signals: list[float], query: WizardQuery, band: str | None, phase: str | None,
         contested: bool, sources: int, countries: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """The explanation, as (reason, values) pairs that the pages say in the reader's language."""
    parts = Counter(part for item in items for part in item.matched)
    reasons: list[tuple[str, dict[str, Any]]] = []
    if parts.get("unemployment_band") and band:
        reasons.append(("why_band", {"count": parts["unemployment_band"], "band": band}))
    if parts.get("cycle_phase") and phase:
        # The market state the phase belongs to (tight or slack) is what the mechanism depends on.
        ancestors = concept_index().ancestors(Scheme.CYCLE_PHASE, phase)
        reasons.append(("why_cycle", {"count": parts["cycle_phase"], "phase": phase,
                                      "market": ancestors[-1] if ancestors else phase}))
    if parts.get("target_group"):
        reasons.append(("why_groups", {"count": parts["target_group"], "groups": list(query.target_groups)}))
    if parts.get("region") or parts.get("country"):
        reasons.append(("why_place", {"count": parts.get("region", 0) + parts.get("country", 0)}))
    if signals:
        reasons.append(("why_direction", {"positive": sum(1 for s in signals if s > 0), "count": len(signals)}))
    else:
        reasons.append(("why_no_direction", {}))
    reasons.append(("why_sources", {"sources": sources, "countries": len(countries)}))
    # Both sides of each disagreement: the finding here and the one that contradicts it.
    contesting = sorted({(source or {}).get("citation") or key for item in items if item.contested_by
                         for key, source in [(item.configuration, item.source), *item.contested_by]})
    if contesting:
        reasons.append(("why_contested_study", {"studies": contesting}))
    elif contested:
        reasons.append(("why_contested", {}))
    return reasons


def recommend(store: GraphStore, query: WizardQuery, *, language: str = "en",
              country_phase: CyclePhaseContext | None = None,
              imported_rate: dict[str, Any] | None = None) -> WizardAnswer:
    """Programme types and mechanisms for the context, best backed first, each with its evidence.

    `country_phase` is the business-cycle phase the platform read for the region's country; the
    query's own `cycle_phase` overrides it. `imported_rate` is the region's newest imported
    unemployment rate (see `region_band`). With a phase, every recommendation also says where it
    would rank without it, so that a reader sees what the phase changes.
    """
    _check(query)
    band_source = "user" if query.unemployment_band else "none"
    band, rate = query.unemployment_band, None
    if query.region:
        regional, rate = region_band(query.region, imported_rate)
        if band is None and regional is not None:
            band, band_source = regional, "region"
    if not (query.target_groups or query.region or band or query.skill_level):
        raise QueryError("Describe the context: a region, an unemployment level, target groups or a skill level.")
    phase, phase_source = query.cycle_phase, "user" if query.cycle_phase else "none"
    if phase is None and country_phase is not None:
        phase, phase_source = country_phase.phase, "country"
    # Both rankings read the same findings' details: read each once.
    details: dict[str, dict[str, Any]] = {}
    mechanisms, programme_types, matched = _ranked(store, query, band, phase, language, details)
    if phase:
        without = _ranked(store, query, band, None, language, details)
        for found, before in ((mechanisms, without[0]), (programme_types, without[1])):
            ranks = {r.code: n for n, r in enumerate(before, start=1)}
            for recommendation in found:
                recommendation.rank_without_phase = ranks.get(recommendation.code)
    return WizardAnswer(query=query, unemployment_band=band, band_source=band_source, region_rate=rate,
                        mechanisms=mechanisms, programme_types=programme_types, matched=matched,
                        cycle_phase=phase, phase_source=phase_source,
                        phase_context=country_phase if phase_source == "country" else None)


def _ranked(store: GraphStore, query: WizardQuery, band: str | None, phase: str | None, language: str,
            known: dict[str, dict[str, Any]]) -> tuple[list[Recommendation], list[Recommendation], int]:
    """The two rankings for one context; `known` holds the configurations' details read so far, and gains
    the ones read here."""
    everything = configurations_matching_context(store, ContextQuery(
        target_groups=tuple(query.target_groups), region=query.region, unemployment_band=band,
        skill_level=query.skill_level, cycle_phase=phase, validated_only=False, limit=EVIDENCE_LIMIT))
    # Only validated configurations are evidence; drafts only tell how much is still unchecked.
    drafts = Counter()
    for match in everything:
        if match.status != "validated":
            drafts[(Scheme.MECHANISM, match.mechanism)] += 1
            drafts[(Scheme.PROGRAMME_TYPE, match.programme_type)] += 1
    validated = [m for m in everything if m.status == "validated"]
    unread = [m.configuration for m in validated if m.configuration not in known]
    for start in range(0, len(unread), DETAILS_BATCH):
        known |= store.configuration_details(unread[start:start + DETAILS_BATCH])
    # The findings that contradict some of these, read too so that the answer can cite them.
    contesting = sorted({k for d in known.values() for k in d.get("contested_by", ())} - set(known))
    if contesting:
        known |= store.configuration_details(contesting)
    items = []
    for match in validated:
        details = known.get(match.configuration)
        if details is None:  # removed between the two reads
            continue
        source = details["source"]
        items.append(Evidence(
            configuration=match.configuration, matched=match.matched, programme_type=match.programme_type,
            mechanism=match.mechanism, outcomes=details["outcomes"], signal=_signal(details["outcomes"], query),
            source=source, design=(source or {}).get("design"), countries=details["regions"],
            practice=details["practice"], conditions=details["conditions"], spans=details["spans"],
            contested_by=[(key, known[key]["source"]) for key in details.get("contested_by", ()) if key in known]))
    by_mechanism: dict[str, list[Evidence]] = defaultdict(list)
    by_programme: dict[str, list[Evidence]] = defaultdict(list)
    for item in items:
        by_mechanism[item.mechanism].append(item)
        by_programme[item.programme_type].append(item)

    def ranked(scheme: Scheme, groups: dict[str, list[Evidence]]) -> list[Recommendation]:
        found = [_recommendation(scheme, code, group, query, band, phase, language, drafts[(scheme, code)])
                 for code, group in groups.items()]
        return sorted(found, key=lambda r: (-r.score, -r.sources, r.code))

    return ranked(Scheme.MECHANISM, by_mechanism), ranked(Scheme.PROGRAMME_TYPE, by_programme), len(items)


# -- intervention pathways -----------------------------------------------------------------------------

# The order in which programmes usually follow each other on the way back to work, from taking stock
# to taking a job. A platform convention (like the unemployment bands), not an official
# classification: the evidence decides which programme of each stage is proposed, and whether any.
PATHWAY_STAGES: dict[str, tuple[str, ...]] = {
    "orientation": ("counselling_case_management", "services"),
    "skills": ("training", "language_training"),
    "work_experience": ("workplace_training_apprenticeship", "employment_incentives_wage_subsidy",
                        "supported_employment", "direct_job_creation"),
    "job_entry": ("job_search_assistance", "start_up_incentives"),
}
# How far a jobseeker is from work decides where the pathway starts.
DISTANCES: dict[str, tuple[str, ...]] = {
    "close": ("job_entry",),
    "medium": ("skills", "work_experience", "job_entry"),
    "far": ("orientation", "skills", "work_experience", "job_entry"),
}


@dataclass
class PathwayStep:
    stage: str
    proposed: Recommendation | None
    alternatives: list[Recommendation]


@dataclass
class Pathway:
    distance: str
    steps: list[PathwayStep]


def pathway(answer: WizardAnswer, distance: str) -> Pathway:
    """A sequence of programme types for a jobseeker of this profile: at each stage from `distance` on,
    the programme type with the best evidence in the answer's context, if any points the right way."""
    if distance not in DISTANCES:
        raise QueryError(f"Unknown distance from the labour market {distance!r}: choose close, medium or far.")
    by_code = {r.code: r for r in answer.programme_types}
    steps = []
    for stage in DISTANCES[distance]:
        backed = sorted((by_code[code] for code in PATHWAY_STAGES[stage]
                         if code in by_code and by_code[code].score > 0), key=lambda r: (-r.score, r.code))
        steps.append(PathwayStep(stage=stage, proposed=backed[0] if backed else None, alternatives=backed[1:3]))
    return Pathway(distance=distance, steps=steps)
