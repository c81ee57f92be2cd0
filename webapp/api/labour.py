"""Labour-market figures as JSON, described in the OpenAPI document: the places with figures, any
series with the provenance of every figure, a place's indicators (quarterly unemployment, vacancies,
tightness, the Beveridge path and its moves) and its stored cycle phases with their inputs.

Everything here only reads and is open to everyone, as the labour-market pages are. Nothing is
filled in: a missing figure is `null`, and a quarterly unemployment rate made from months says so.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from flask import abort, jsonify

from labour.datasets import ATTRIBUTION, DATASETS
from labour.observations import Coverage, Figure, coverage, headline_series
from labour.picture import StoredPhase, picture, stored_phases
from webapp.api import bp
from webapp.database import db_session
from webapp.labour.places import is_known, kind, listed
from webapp.labour.texts import Texts

# How much of an odd address an error message repeats.
SHOWN_LENGTH = 40
AS_PUBLISHED = "as published"
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
                        "quarterly": _quarters(pic.unemployment.quarterly)}
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
