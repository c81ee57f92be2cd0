"""Survey administration and results, for analysts and admins: open and close, counts over time,
a chart and a table per question with filters, and exports (CSV, XLSX with codebook)."""

from __future__ import annotations

from collections import Counter

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import defer

from exports.survey_tables import responses_csv, responses_xlsx
from records.errors import RecordsError
from records.models import Survey, SurveyResponse
from records.surveys import set_retention, set_survey_status
from survey_forms.forms import country_choices
from survey_forms.results import tally
from survey_forms.xlsform import XLSFormError, read_xlsform
from webapp.database import db_session
from webapp.results import bp
from webapp.security import roles_required
from webapp.survey.install import install_raw
from webapp.survey.routes import definition_of, survey_or_404

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _submitted(survey: Survey, country: str | None = None, organisation: str | None = None):
    query = select(SurveyResponse).where(SurveyResponse.survey_id == survey.id,
                                         SurveyResponse.status == "submitted")
    if country:
        query = query.where(SurveyResponse.country == country)
    if organisation:
        query = query.where(SurveyResponse.organisation_type == organisation)
    return db_session().scalars(query.order_by(SurveyResponse.submitted_at)).all()


@bp.route("/")
@roles_required("admin", "analyst")
def index():
    session = db_session()
    counts = {(survey_id, status): n for survey_id, status, n in session.execute(
        select(SurveyResponse.survey_id, SurveyResponse.status, func.count()).group_by(
            SurveyResponse.survey_id, SurveyResponse.status))}
    surveys = session.scalars(select(Survey).options(defer(Survey.definition)).order_by(Survey.id)).all()
    return render_template("results/index.html", surveys=surveys, counts=counts)


@bp.route("/import", methods=["POST"])
@roles_required("admin", "analyst")
def import_xlsform():
    upload = request.files.get("xlsform")
    if upload is None or not upload.filename:
        flash("Choose an XLSForm workbook (.xlsx) to import.", "error")
        return redirect(url_for("results.index")), 400
    try:
        definition, raw = read_xlsform(upload.read())
    except XLSFormError as error:
        return render_template("results/import_failed.html", problems=error.problems,
                               filename=upload.filename), 400
    survey = install_raw(db_session(), raw, status="closed", actor=current_user.username)
    db_session().commit()
    flash(f"Imported {survey.key}: {len(definition.questions())} questions in {len(definition.pages)} pages. "
          "It is closed; open it when it is ready.", "success")
    return redirect(url_for("results.index"))


@bp.route("/<key>/status", methods=["POST"])
@roles_required("admin", "analyst")
def change_status(key: str):
    survey = survey_or_404(key)
    status = request.form.get("status")
    try:
        set_survey_status(db_session(), survey, status or "", actor=current_user.username)
        db_session().commit()
    except RecordsError as error:
        db_session().rollback()
        flash(f"{error} Nothing was changed.", "error")
        return redirect(url_for("results.index")), 400
    flash(f"The survey is {survey.status}.", "success")
    return redirect(url_for("results.index"))


@bp.route("/<key>/retention", methods=["POST"])
@roles_required("admin", "analyst")
def change_retention(key: str):
    survey = survey_or_404(key)
    try:
        set_retention(db_session(), survey, int(request.form.get("months", "")), actor=current_user.username)
        db_session().commit()
    except (ValueError, RecordsError) as error:
        db_session().rollback()
        message = str(error) if isinstance(error, RecordsError) else "Give the retention period in whole months."
        flash(f"{message} Nothing was changed.", "error")
        return redirect(url_for("results.index")), 400
    flash(f"Responses to {survey.key} are kept {survey.retention_months} months after it closes.", "success")
    return redirect(url_for("results.index"))


@bp.route("/<key>/")
@roles_required("admin", "analyst")
def show(key: str):
    survey = survey_or_404(key)
    definition = definition_of(survey)
    language = request.args.get("lang") if request.args.get("lang") in definition.languages else "en"
    country = request.args.get("country") or None
    organisation = request.args.get("organisation") or None
    responses = _submitted(survey, country, organisation)
    per_day = Counter(r.submitted_at.date().isoformat() for r in responses if r.submitted_at)
    organisation_question = next((q for _, q in definition.questions() if q.id == "A2"), None)
    organisations = [(c.value, definition.text(c.label, language)) for c in organisation_question.choices] \
        if organisation_question else []
    return render_template(
        "results/show.html", survey=survey, definition=definition, language=language,
        results=tally(definition, [r.answers for r in responses], language), total=len(responses),
        per_day=sorted(per_day.items()), countries=country_choices(language), organisations=organisations,
        country=country, organisation=organisation)


def _exported(survey: Survey) -> list[dict]:
    return [{"id": r.key, "submitted_at": r.submitted_at, "language": r.language, "answers": r.answers}
            for r in _submitted(survey, request.args.get("country") or None,
                                request.args.get("organisation") or None)]


@bp.route("/<key>/responses.csv")
@roles_required("admin", "analyst")
def export_csv(key: str):
    survey = survey_or_404(key)
    text = responses_csv(definition_of(survey), _exported(survey))
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{survey.key}-responses.csv"'})


@bp.route("/<key>/responses.xlsx")
@roles_required("admin", "analyst")
def export_xlsx(key: str):
    survey = survey_or_404(key)
    data = responses_xlsx(definition_of(survey), _exported(survey))
    return Response(data, mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="{survey.key}-responses.xlsx"'})
