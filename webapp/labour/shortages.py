"""The occupational shortage page: for one country and year, what published lists say of each
occupation and its scorecard over the indicators an administrator imported, with the cut-offs used.
Read-only and open to everyone, as the other labour-market pages are."""

from __future__ import annotations

from flask import request
from markupsafe import Markup

from labour.shortage_records import countries_with_signals, shortage_signals
from labour.shortages import MINIMUM_INDICATORS, SHORTAGE_AT, SIGNS_OF_SHORTAGE_AT, isco_uri
from ontology.concepts import concept_index
from ontology.regions import eu_countries
from ontology.vocab import Scheme
from webapp.database import db_session
from webapp.labour import bp
from webapp.labour.routes import _render, _shown
from webapp.labour.texts import Texts, request_language

IMPORT_SHORTAGES_COMMAND = Markup("<code>almpo labour import-shortages FILE</code>")


def is_eu_country(code: str) -> bool:
    return code in eu_countries()


def occupation_title(code: str, language: str) -> tuple[str, str]:
    """The occupation's title and the language it is in: unit groups are titled in English only."""
    index = concept_index()
    if not index.has(Scheme.ISCO08, code):
        return code, language
    labels = index.get(Scheme.ISCO08, code).labels
    shown = language if labels.get(language) else "en"
    return labels.get(shown, code), shown


@bp.route("/shortages")
def shortages():
    t = Texts(request_language())
    session = db_session()
    countries = countries_with_signals(session)
    problems: list[str] = []
    status = 200
    asked_country = request.args.get("country", "").strip()
    country = countries[0] if countries else None
    if asked_country:
        if is_eu_country(asked_country.upper()):
            country = asked_country.upper()
        else:
            problems.append(t("country_malformed", given=_shown(asked_country)))
            status = 400
    signals = shortage_signals(session, country) if country else None
    asked_year = request.args.get("year", "").strip()
    if signals is not None and asked_year:
        if not (asked_year.isdigit() and len(asked_year) == 4):
            problems.append(t("year_malformed", given=_shown(asked_year), year=signals.year or "–"))
            status = 400
        elif int(asked_year) in signals.years:
            signals = shortage_signals(session, country, int(asked_year))
        elif signals.years:
            problems.append(t("year_not_held", given=asked_year, year=signals.year))
    return _render("labour/shortages.html", t, status, countries=countries, country=country, signals=signals,
                   problems=problems, command=IMPORT_SHORTAGES_COMMAND, title_of=occupation_title,
                   esco_uri=isco_uri, rule={"shortage": SHORTAGE_AT, "signs": SIGNS_OF_SHORTAGE_AT,
                                            "minimum": MINIMUM_INDICATORS})
