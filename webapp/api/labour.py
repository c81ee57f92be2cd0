"""Labour-market figures as JSON, described in the OpenAPI document: the places with figures, any
series with the provenance of every figure, a place's indicators (quarterly unemployment, vacancies,
tightness, the Beveridge path and its moves), its stored cycle phases with their inputs, and a
country's occupational shortage signals with the cut-offs they were scored against, and the
mismatch index across countries where the counts it needs are held.

Everything here only reads and is open to everyone, as the labour-market pages are. Nothing is
filled in: a missing figure is `null`, and a quarterly unemployment rate made from months says so.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from flask import abort, jsonify, request

from labour.datasets import ATTRIBUTION, DATASETS
from labour.mismatch import DEFAULT_ELASTICITY, mismatch_across_countries
from labour.mismatch import NEEDED as MISMATCH_NEEDED
from labour.observations import Coverage, Figure, coverage, headline_series
from labour.picture import StoredPhase, picture, stored_phases
from labour.series import is_quarter
from labour.shortage_records import OccupationSignals, shortage_signals
from labour.shortages import MINIMUM_INDICATORS, SHORTAGE_AT, SIGNS_OF_SHORTAGE_AT, IndicatorCutoffs, isco_uri
from webapp.api import bp
from webapp.database import db_session
from webapp.labour.places import is_known, kind, listed
from webapp.labour.shortages import is_eu_country, occupation_title
from webapp.labour.texts import Texts

# How much of an odd address an error message repeats.
SHOWN_LENGTH = 40
AS_PUBLISHED = "as published"
MISMATCH_METHOD = ("Sahin, Song, Topa and Violante (2014), AEJ: Macroeconomics 6(3): M = 1 - sum_i (v_i/V)^a "
                   "(u_i/U)^(1-a) over the countries i with both counts in the quarter")
PROVISIONAL_NOTE = ("Provisional: the trend comes from a Hodrick-Prescott filter, so the phases of the last quarters "
                    "of a series (about the last year) are revised when new figures arrive.")


def _shown(text: str) -> str:
    return text if len(text) <= SHOWN_LENGTH else text[:SHOWN_LENGTH] + "…"


def _moment(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _known_place(geo: str) -> None:
    if not is_known(geo):
        abort(404, f"There is no place {_shown(geo)!r}: give a NUTS 2021 code such as DE or ES61, "
                   "or one of Eurostat's aggregates such as EU27_2020.")


def _no_figures(geo: str) -> None:
    abort(404, f"No labour-market figures are held for {geo}: an administrator imports them with "
               "`almpo labour import FILE`.")


def _coverage_json(row: Coverage) -> dict[str, Any]:
    return {"dataset": row.dataset, "first": row.first, "last": row.last, "periods": row.periods,
            "missing": row.missing, "flagged": row.flagged}


def _figure_json(figure: Figure) -> dict[str, Any]:
    return {"period": figure.period, "value": figure.value, "flags": figure.flags,
            "published_at": _moment(figure.published_at), "imported_at": _moment(figure.imported_at),
            "file_name": figure.file_name, "sha256": figure.sha256, "attribution": figure.attribution}


def _phase_json(phase: StoredPhase) -> dict[str, Any]:
    return {"period": phase.period, "phase": phase.phase, "indicator": phase.indicator, "inputs": phase.inputs,
            "method": phase.method.as_dict(), "computed_at": _moment(phase.computed_at)}


def _quarters(values: dict[str, float]) -> list[dict[str, Any]]:
    return [{"period": period, "value": value} for period, value in values.items()]


@bp.route("/labour/places")
def labour_places():
    """Every place with figures: countries, then regions, then aggregates, with what each holds."""
    session = db_session()
    held: dict[str, list[Coverage]] = defaultdict(list)
    for row in coverage(session):
        held[row.geo].append(row)
    english = Texts("en")
    places = []
    for geo in listed(held):
        phases = stored_phases(session, geo)
        current = phases[-1] if phases else None
        places.append({"geo": geo, "name": english.place(geo), "kind": kind(geo),
                       "coverage": [_coverage_json(row) for row in held[geo]],
                       "current_phase": {"period": current.period, "phase": current.phase,
                                         "indicator": current.indicator} if current else None})
    return jsonify(attribution=ATTRIBUTION, places=places)


@bp.route("/labour/series/<geo>/<dataset>")
def labour_series(geo: str, dataset: str):
    """A dataset's headline series for a place, every figure with its flags and provenance."""
    _known_place(geo)
    if dataset not in DATASETS:
        abort(404, f"Unknown dataset {_shown(dataset)!r}: use one of {', '.join(DATASETS)}.")
    series = headline_series(db_session(), dataset, geo)
    if series is None:
        abort(404, f"No {dataset} figures are held for {geo}.")
    return jsonify(
        geo=geo, attribution=series.attribution, series=series.series,
        seasonally_adjusted=series.seasonally_adjusted,
        dataset={"code": series.dataset.code, "title": series.dataset.title, "unit": series.dataset.unit,
                 "frequency": series.dataset.frequency},
        figures=[_figure_json(figure) for figure in series.figures.values()])


@bp.route("/labour/indicators/<geo>")
def labour_indicators(geo: str):
    """A place's quarterly indicators: unemployment, vacancies, tightness and the Beveridge curve."""
    _known_place(geo)
    pic = picture(db_session(), geo)
    if not pic.has_figures:
        _no_figures(geo)
    unemployment = None
    if pic.unemployment is not None:
        source = pic.unemployment.source
        unemployment = {"dataset": source.dataset.code, "series": source.series, "derived": pic.unemployment.derived,
                        "method": pic.unemployment.method if pic.unemployment.derived else AS_PUBLISHED,
                        "frequency": "A" if pic.unemployment.annual else "Q",
                        "quarterly": [] if pic.unemployment.annual else _quarters(pic.unemployment.by_period),
                        "annual": _quarters(pic.unemployment.by_period) if pic.unemployment.annual else []}
    vacancy = None
    if pic.vacancy is not None:
        vacancy = {"dataset": pic.vacancy.dataset.code, "series": pic.vacancy.series,
                   "quarterly": [{"period": f.period, "value": f.value, "flags": f.flags}
                                 for f in pic.vacancy.figures.values()]}
    shift = None
    if pic.shift is not None:
        shift = {"window": pic.shift.window, "last_period": pic.shift.last_period, "moves": pic.shift.moves,
                 "shift_out": pic.shift.shift_out, "shift_in": pic.shift.shift_in, "share": pic.shift.share,
                 "net": pic.shift.net}
    return jsonify(
        geo=geo, attribution=ATTRIBUTION, datasets=[row.dataset for row in pic.coverage],
        unemployment=unemployment, vacancy=vacancy, tightness=_quarters(pic.tightness),
        beveridge=[{"period": p.period, "unemployment": p.unemployment, "vacancy": p.vacancy} for p in pic.beveridge],
        moves=[{"start": m.start, "end": m.end, "du": m.du, "dv": m.dv, "kind": m.kind} for m in pic.moves],
        shift=shift)


@bp.route("/labour/phases/<geo>")
def labour_phases(geo: str):
    """A place's stored cycle phases, each with the inputs it was read from and its method."""
    _known_place(geo)
    session = db_session()
    if not coverage(session, geo):
        _no_figures(geo)
    phases = [_phase_json(phase) for phase in stored_phases(session, geo)]
    return jsonify(geo=geo, phases=phases, current=phases[-1] if phases else None,
                   provisional_note=PROVISIONAL_NOTE)


# -- occupational shortages ------------------------------------------------------------------------


def _cutoffs_json(cut: IndicatorCutoffs) -> dict[str, Any]:
    return {"indicator": cut.name, "label": cut.label, "cutoffs": list(cut.cutoffs),
            "higher_means_shortage": cut.higher_means_shortage, "source": cut.source}


def _occupation_json(signals: OccupationSignals) -> dict[str, Any]:
    card = signals.scorecard
    return {
        "isco": signals.isco, "title": occupation_title(signals.isco, "en")[0], "esco_uri": isco_uri(signals.isco),
        "listed": [{"status": item.status, "source": item.source} for item in signals.listed],
        "readings": {name: {"value": reading.value, "source": reading.source,
                            "score": card.scores.get(name) if card else None}
                     for name, reading in sorted(signals.readings.items())},
        "scorecard": None if card is None else {"mean": card.mean, "verdict": card.verdict,
                                                "missing": list(card.missing)},
    }


@bp.route("/labour/shortages/<country>")
def labour_shortages(country: str):
    """A country's shortage signals for a year: published lists and scorecards with the cut-offs used."""
    if not is_eu_country(country):
        abort(404, f"There is no EU country {_shown(country)!r}: give a code such as DE or EL.")
    asked = request.args.get("year")
    if asked is not None and not (asked.isdigit() and len(asked) == 4):
        abort(400, f"The year {_shown(asked)!r} is not a year like 2024.")
    session = db_session()
    signals = shortage_signals(session, country, int(asked) if asked else None)
    if not signals.years:
        abort(404, f"No shortage signals are held for {country}: an administrator imports them with "
                   "`almpo labour import-shortages FILE`.")
    if asked and int(asked) not in signals.years:
        abort(404, f"No shortage signals are held for {country} in {asked}; years held: "
                   f"{', '.join(map(str, signals.years))}.")
    return jsonify(country=country, year=signals.year, years=signals.years,
                   thresholds={"shortage_at": SHORTAGE_AT, "signs_at": SIGNS_OF_SHORTAGE_AT,
                               "minimum_indicators": MINIMUM_INDICATORS},
                   occupations=[_occupation_json(o) for o in signals.occupations],
                   cutoffs=[_cutoffs_json(c) for c in signals.cutoffs], unscored=signals.unscored)


# -- mismatch across countries ---------------------------------------------------------------------


@bp.route("/labour/mismatch/<quarter>")
def labour_mismatch(quarter: str):
    """The mismatch index of Sahin et al. (2014) across the countries with both counts in a quarter."""
    if not is_quarter(quarter):
        abort(400, f"{_shown(quarter)!r} is not a quarter like 2024-Q3.")
    given = request.args.get("elasticity")
    elasticity = DEFAULT_ELASTICITY
    if given is not None:
        try:
            elasticity = float(given)
        except ValueError:
            elasticity = -1.0
        if not 0 < elasticity < 1:
            abort(400, f"The elasticity {_shown(given)!r} is not a number strictly between 0 and 1.")
    found = mismatch_across_countries(db_session(), quarter, elasticity)
    index = found.index
    return jsonify(
        quarter=quarter, elasticity=elasticity, method=MISMATCH_METHOD,
        value=index.value if index else None,
        vacancies_total=index.vacancies_total if index else None,
        unemployed_total=index.unemployed_total if index else None,
        segments=[{"geo": s.geo, "vacancies": s.vacancies, "unemployed": s.unemployed, "adjustment": s.adjustment,
                   "unemployed_from_months": s.unemployed_from_months} for s in found.segments],
        left_out=found.left_out, needed=None if index else MISMATCH_NEEDED)
