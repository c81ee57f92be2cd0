"""The labour-market pages: every place with figures and a comparison of countries in one quarter,
each place's Beveridge curve, tightness and cycle phase with the reasons, and CSV exports with the
provenance of every figure. Everything here only reads; the question lives in the address (GET)."""

from __future__ import annotations

from collections import defaultdict

from flask import Response, redirect, render_template, request, url_for
from markupsafe import Markup

from labour.datasets import DATASETS
from labour.defaults import DEFAULT_DATA
from labour.mismatch import DEFAULT_ELASTICITY, mismatch_across_countries
from labour.observations import Coverage, coverage, headline_series
from labour.phases import FROM_NEXT, FROM_PREVIOUS, PHASES
from labour.picture import Picture, StoredPhase, picture, stored_phases
from labour.series import is_quarter, period_index
from webapp.database import db_session
from webapp.labour import bp
from webapp.labour.export import quarterly_unemployment_csv, series_csv
from webapp.labour.figures import PlaceFigures, default_quarter, place_figures
from webapp.labour.places import is_known, kind, listed
from webapp.labour.texts import LANGUAGES, Texts, request_language

IMPORT_COMMAND = Markup("<code>almpo labour import FILE</code>")
# How much of an odd address a message repeats.
SHOWN_LENGTH = 40


def _shown(text: str) -> str:
    return text if len(text) <= SHOWN_LENGTH else text[:SHOWN_LENGTH] + "…"


def _language_url(code: str) -> str:
    """This very page in another language."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [code]
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def _render(template: str, t: Texts, status: int = 200, **context):
    return render_template(template, t=t, language=t.language, languages=LANGUAGES, lang_url=_language_url,
                           phases=PHASES, **context), status


def _not_found(t: Texts, message: str, title: str = "not_found_title"):
    return _render("labour/not_found.html", t, 404, message=message, title=title)


# -- every place ---------------------------------------------------------------------------------

# The elasticities a reader may choose for the mismatch index: Sahin et al.'s benchmark 0.5 and the
# range of estimates around it.
ELASTICITIES = (0.3, 0.4, 0.5, 0.6, 0.7)


def _elasticity(t: Texts, given: str | None) -> tuple[float, str | None]:
    if given is None or given == "":
        return DEFAULT_ELASTICITY, None
    try:
        value = float(given)
    except ValueError:
        value = -1.0
    if value not in ELASTICITIES:
        return DEFAULT_ELASTICITY, t("elasticity_malformed", given=_shown(given),
                                     allowed=", ".join(t.number(e, 1) for e in ELASTICITIES),
                                     default=t.number(DEFAULT_ELASTICITY, 1))
    return value, None



@bp.route("/")
def index():
    t = Texts(request_language())
    session = db_session()
    held: dict[str, list[Coverage]] = defaultdict(list)
    for row in coverage(session):
        held[row.geo].append(row)
    geos = listed(held)
    figures = {geo: place_figures(session, geo) for geo in geos}
    compared = [geo for geo in geos if kind(geo) != "region"]
    quarters = sorted({q for geo in compared for q in figures[geo].quarters()}, key=period_index, reverse=True)
    fallback = default_quarter(figures[geo] for geo in compared if kind(geo) == "country") or (
        quarters[0] if quarters else None)
    asked = request.args.get("quarter")
    quarter, problem, status = fallback, None, 200
    if asked and fallback:
        if not is_quarter(asked):
            problem, status = t("quarter_malformed", given=_shown(asked), quarter=fallback), 400
        elif asked not in quarters:
            problem = t("quarter_not_held", given=asked, quarter=fallback)
        else:
            quarter = asked
    rows = [figures[geo].in_quarter(quarter) for geo in compared] if quarter else []
    elasticity, elasticity_problem = _elasticity(t, request.args.get("elasticity"))
    if elasticity_problem:
        problem, status = " ".join(filter(None, (problem, elasticity_problem))), 400
    mismatch = mismatch_across_countries(session, quarter, elasticity) if quarter else None
    current = {geo: figures[geo].phases[-1] if figures[geo].phases else None for geo in geos}
    return _render("labour/index.html", t, status, geos=geos, held=held, current=current, quarters=quarters,
                   quarter=quarter, default=fallback, problem=problem, rows=rows, kind=kind, mismatch=mismatch,
                   elasticities=ELASTICITIES,
                   datasets=sorted({row.dataset for rows_ in held.values() for row in rows_}),
                   command=IMPORT_COMMAND)


@bp.route("/default-data/README.md")
def data_notes():
    """The notes on the shipped figures: what they cover and what they do not."""
    return Response((DEFAULT_DATA / "README.md").read_text("utf-8"), mimetype="text/plain")


# -- one place -----------------------------------------------------------------------------------


def _reading(t: Texts, phase: StoredPhase) -> str:
    """Why a quarter is in its phase, in the reader's language, from the inputs stored with it."""
    inputs = phase.inputs
    values = {"indicator": t.indicator(phase.indicator), "gap": t.number(inputs.get("gap"), 3, signed=True),
              "level": t("level_above" if (inputs.get("gap") or 0) > 0 else "level_below"),
              "direction": t(f"direction_{inputs.get('direction', 'rising')}")}
    if inputs.get("direction_from") == FROM_NEXT or inputs.get("change") is None:
        return t("reading_start", **values)
    text = t("reading", change=t.number(inputs["change"], 3, signed=True), **values)
    if inputs.get("direction_from") == FROM_PREVIOUS:
        tolerance = inputs.get("thresholds", {}).get("direction_tolerance")
        text += " " + t("within_tolerance", tolerance=t.number(tolerance, 3))
    return text


def _rounded(values: dict[str, float], periods: list[str]) -> list[float | None]:
    return [round(values[p], 4) if p in values else None for p in periods]


def _charts(t: Texts, pic: Picture, figures: PlaceFigures, periods: list[str]) -> dict:
    """What each <canvas> draws, as data: the page's tables hold the same figures."""
    phase_of = {p.period: p.phase for p in figures.phases}
    series = []
    if pic.unemployment is not None:
        series.append({"key": "unemployment", "label": t("col_unemployment"), "axis": "rate",
                       "data": _rounded(pic.unemployment.by_period, periods)})
    if pic.vacancy is not None:
        series.append({"key": "vacancy", "label": t("col_vacancy"), "axis": "rate",
                       "data": _rounded(pic.vacancy.values(), periods)})
    if pic.tightness:
        series.append({"key": "tightness", "label": t("col_tightness"), "axis": "tightness",
                       "data": _rounded(pic.tightness, periods)})
    over_time = {"labels": periods, "series": series, "phases": [phase_of.get(p) for p in periods],
                 "phaseNames": {code: t.phase(code) for code in PHASES},
                 "axes": {"rate": t("axis_rate"), "tightness": t("axis_tightness")}}
    beveridge = {"points": [{"x": round(p.unemployment, 4), "y": round(p.vacancy, 4), "label": p.period}
                            for p in pic.beveridge],
                 "axes": {"x": t("col_unemployment"), "y": t("col_vacancy")}}
    return {"over_time": over_time, "beveridge": beveridge}


def _recent_moves(pic: Picture) -> list:
    """The moves that end in the quarters the shift summary counts."""
    if pic.shift is None or pic.shift.last_period is None:
        return []
    first_end = period_index(pic.shift.last_period) - pic.shift.window + 1
    return [move for move in pic.moves if period_index(move.end) >= first_end]


@bp.route("/<geo>")
def place(geo: str):
    t = Texts(request_language())
    if not is_known(geo):
        if is_known(geo.upper()):
            return redirect(url_for("labour.place", geo=geo.upper(), **request.args.to_dict(flat=False)), 308)
        return _not_found(t, t("not_found", geo=_shown(geo)))
    session = db_session()
    pic = picture(session, geo)
    if not pic.has_figures:
        return _render("labour/no_figures.html", t, geo=geo, command=IMPORT_COMMAND)
    figures = PlaceFigures(geo, pic.unemployment, pic.vacancy, pic.tightness, stored_phases(session, geo))
    periods = sorted(figures.periods(), key=period_index)
    held = {row.dataset: headline_series(session, row.dataset, geo) for row in pic.coverage}
    flagged = [(code, figure) for code, series in held.items() if series is not None
               for figure in series.figures.values() if figure.flags]
    current = figures.phases[-1] if figures.phases else None
    return _render("labour/place.html", t, geo=geo, kind=kind(geo), pic=pic, figures=figures, periods=periods,
                   rows=[figures.in_quarter(p) for p in periods], held=held, flagged=flagged, current=current,
                   reading=_reading(t, current) if current else None, charts=_charts(t, pic, figures, periods),
                   moves=_recent_moves(pic), datasets=[row.dataset for row in pic.coverage])


# -- CSV -----------------------------------------------------------------------------------------


def _csv(text: str, name: str) -> Response:
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/<geo>/unemployment-quarterly.csv")
def quarterly_unemployment(geo: str):
    t = Texts(request_language())
    if not is_known(geo):
        return _not_found(t, t("not_found", geo=_shown(geo)))
    found = place_figures(db_session(), geo).unemployment
    if found is None or found.annual:
        return _not_found(t, t("no_quarterly_unemployment", place=t.place(geo)), "nothing_here")
    return _csv(quarterly_unemployment_csv(found), f"{geo}-unemployment-quarterly.csv")


@bp.route("/<geo>/<dataset>.csv")
def series_export(geo: str, dataset: str):
    t = Texts(request_language())
    if not is_known(geo):
        return _not_found(t, t("not_found", geo=_shown(geo)))
    if dataset not in DATASETS:
        return _not_found(t, t("unknown_dataset", dataset=_shown(dataset), known=", ".join(DATASETS)), "nothing_here")
    series = headline_series(db_session(), dataset, geo)
    if series is None:
        return _not_found(t, t("no_series", dataset=dataset, place=t.place(geo)), "nothing_here")
    return _csv(series_csv(series), f"{geo}-{dataset}.csv")
