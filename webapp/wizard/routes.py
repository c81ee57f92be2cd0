"""The Design Wizard's pages. The whole question lives in the address (GET), so results can be shared
by link, bookmarked and printed; the same answer comes as JSON for other tools."""

from __future__ import annotations

import functools
from dataclasses import asdict
from importlib import resources

import yaml
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from graph.errors import GraphError
from graph.queries import QueryError, country_of
from graph.wizard import (
    DISTANCES,
    HORIZONS,
    OBJECTIVES,
    CyclePhaseContext,
    WizardAnswer,
    WizardQuery,
    pathway,
    recommend,
)
from labour.observations import headline_series
from labour.picture import ANNUAL_UNEMPLOYMENT_DATASET, latest_phase
from ontology.concepts import concept_index
from ontology.vocab import Scheme
from records.designs import delete_design, designs_of, save_design
from records.errors import RecordsError
from survey_forms.forms import region_choices
from webapp.database import db_session
from webapp.graph_access import synced_graph
from webapp.wizard import bp

LANGUAGES = ("en", "de", "fr", "es", "it")
MAX_TARGET_GROUPS = 10


@functools.cache
def _messages() -> dict[str, dict[str, str]]:
    folder = resources.files("webapp.wizard").joinpath("i18n")
    return {name: texts for file in ("messages.yaml", "reasons.yaml", "pathways.yaml")
            for name, texts in yaml.safe_load(folder.joinpath(file).read_text("utf-8")).items()}


def text(name: str, language: str, **values) -> str:
    texts = _messages()[name]
    return (texts.get(language) or texts["en"]).format(**values)


def _language() -> str:
    wanted = request.args.get("lang")
    if wanted in LANGUAGES:
        return wanted
    return request.accept_languages.best_match(LANGUAGES) or "en"


def _concepts(scheme: Scheme, language: str) -> list[tuple[str, str]]:
    return sorted(((c.code, c.label(language)) for c in concept_index().concepts(scheme)), key=lambda c: c[1])


def _query_from_args() -> tuple[WizardQuery | None, str | None]:
    """The question in the address, or None when nothing was asked yet; a problem as a sentence."""
    args = request.args
    asked = any(args.get(name) for name in ("region", "band", "group", "skill")) or "objective" in args
    if not asked:
        return None, None
    groups = tuple(dict.fromkeys(code for code in args.getlist("group") if code))
    if len(groups) > MAX_TARGET_GROUPS:
        return None, "Choose at most ten target groups."
    return WizardQuery(region=args.get("region") or None, unemployment_band=args.get("band") or None,
                       target_groups=groups, skill_level=args.get("skill") or None,
                       objective=args.get("objective") or "employment",
                       horizon=args.get("horizon") or "short", cycle_phase=args.get("phase") or None), None


def _why_text(reason: str, values: dict, language: str) -> str:
    """One line of a recommendation's explanation, in the reader's language."""
    index = concept_index()
    values = dict(values)
    if "band" in values:
        values["band"] = index.get(Scheme.UNEMPLOYMENT_BAND, values["band"]).label(language).lower()
    if "groups" in values:
        values["groups"] = ", ".join(index.get(Scheme.TARGET_GROUP, code).label(language) for code in values["groups"])
    if "phase" in values:
        values["phase"] = index.label_of(Scheme.CYCLE_PHASE, values["phase"], language).lower()
    if "market" in values:
        values["mechanism"] = text(f"cycle_mechanism_{values.pop('market')}", language)
    if "studies" in values:
        values["studies"] = "; ".join(values["studies"])
    return text(reason, language, **values)


# The four phases a user may choose; the two market states are for findings, not for questions.
PHASES = ("expansion", "downturn", "slowdown", "recovery")


def _country_phase(query: WizardQuery) -> CyclePhaseContext | None:
    """The phase of the region's country in its latest quarter with figures, when the platform holds them."""
    if not query.region:
        return None
    country = country_of(query.region)
    stored = latest_phase(db_session(), country)
    if stored is None:
        return None
    return CyclePhaseContext(country=country, phase=stored.phase, period=stored.period,
                             indicator=stored.indicator, reading=stored.inputs.get("reading", ""))


# Where an imported regional rate comes from, for the reader to check it.
REGIONAL_RATE_URL = "https://ec.europa.eu/eurostat/databrowser/view/lfst_r_lfu3rt/default/table"


def _imported_rate(query: WizardQuery) -> dict | None:
    """The region's newest unemployment rate among the Eurostat figures an administrator imported."""
    if not query.region:
        return None
    series = headline_series(db_session(), ANNUAL_UNEMPLOYMENT_DATASET, query.region)
    if series is None or not series.values():
        return None
    year, rate = max(series.values().items())
    return {"region": query.region, "year": int(year), "rate": float(rate), "source_url": REGIONAL_RATE_URL}


def _language_url(code: str) -> str:
    """This very question, in another language."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [code]
    return url_for("wizard.index", **args)


# What a span says may be shown to anyone; who said it and who coded it only to signed-in users.
PRIVATE_SPAN_FIELDS = ("speaker", "coder", "annotation_key")


def _answer(query: WizardQuery, language: str) -> WizardAnswer:
    answer = recommend(synced_graph(), query, language=language, country_phase=_country_phase(query),
                       imported_rate=_imported_rate(query))
    if not current_user.is_authenticated:
        for group in (answer.mechanisms, answer.programme_types):
            for recommendation in group:
                for item in recommendation.evidence:
                    item.spans = [{k: v for k, v in span.items() if k not in PRIVATE_SPAN_FIELDS}
                                  for span in item.spans]
    return answer


@bp.route("/")
def index():
    language = _language()
    query, problem = _query_from_args()
    answer = route = None
    status = 200
    distance = request.args.get("distance") or None
    if query is not None and problem is None:
        try:
            answer = _answer(query, language)
            route = pathway(answer, distance) if distance else None
        except QueryError as error:
            problem, status = str(error), 400
        except GraphError as error:
            problem, status = f"The knowledge graph cannot answer now: {error}", 503
    elif problem:
        status = 400
    index_ = concept_index()
    return render_template(
        "wizard/index.html", t=lambda name, **values: text(name, language, **values), language=language,
        languages=LANGUAGES, query=query or WizardQuery(), answer=answer, problem=problem,
        regions=region_choices(language), bands=_concepts(Scheme.UNEMPLOYMENT_BAND, language),
        groups=_concepts(Scheme.TARGET_GROUP, language), skills=_concepts(Scheme.SKILL_LEVEL, language),
        phases=[(code, index_.label_of(Scheme.CYCLE_PHASE, code, language)) for code in PHASES],
        objectives=list(OBJECTIVES), horizons=list(HORIZONS), lang_url=_language_url, distances=list(DISTANCES),
        distance=distance, route=route,
        saved=designs_of(db_session(), current_user.username) if current_user.is_authenticated else [],
        why=lambda reason, values: _why_text(reason, values, language),
        label=lambda scheme, code: index_.label_of(scheme, code, language), Scheme=Scheme), status


@bp.route("/answer.json")
def answer_json():
    """The same answer as the page, for other tools (and the "export as JSON" link)."""
    language = _language()
    query, problem = _query_from_args()
    if query is None:
        problem = problem or "Describe the context: region, band, group, skill, objective, horizon."
    if problem:
        return jsonify(error={"status": 400, "message": problem}), 400
    try:
        answer = _answer(query, language)
    except QueryError as error:
        return jsonify(error={"status": 400, "message": str(error)}), 400
    except GraphError as error:
        return jsonify(error={"status": 503, "message": str(error)}), 503
    found = asdict(answer)
    distance = request.args.get("distance")
    if distance:
        try:
            found["pathway"] = asdict(pathway(answer, distance))
        except QueryError as error:
            return jsonify(error={"status": 400, "message": str(error)}), 400
    response = jsonify(found)
    response.headers["Content-Disposition"] = 'inline; filename="almp-design-wizard.json"'
    return response


@bp.route("/designs", methods=["POST"])
def save():
    """Keep the question of the page under a name, for the signed-in user."""
    if not current_user.is_authenticated:
        abort(401)
    query = request.form.get("query", "").lstrip("?")
    language = request.form.get("lang") if request.form.get("lang") in LANGUAGES else "en"
    session = db_session()
    try:
        save_design(session, owner=current_user.username, name=request.form.get("name", ""), query=query)
        session.commit()
    except RecordsError as error:
        session.rollback()
        flash(str(error), "error")
    else:
        flash(text("saved", language), "success")
    return redirect(f"{url_for('wizard.index')}?{query}" if query else url_for("wizard.index"), 303)


@bp.route("/designs/<int:design_id>/delete", methods=["POST"])
def forget(design_id: int):
    if not current_user.is_authenticated:
        abort(401)
    session = db_session()
    try:
        delete_design(session, design_id, owner=current_user.username)
        session.commit()
    except RecordsError:
        session.rollback()
        abort(404)
    return redirect(url_for("wizard.index"), 303)

