"""The survey as respondents see it: start, pages, language switch, resume link, receipt, withdrawal.

Respondents have no account. The Flask session remembers which response is theirs and its resume
token; the records keep only the token's hash.
"""

from __future__ import annotations

from flask import abort, redirect, render_template, request, session, url_for
from sqlalchemy import bindparam, select
from sqlalchemy.orm import defer, load_only

from records.errors import Conflict
from records.models import Survey, SurveyResponse
from records.surveys import (
    answers_with_page,
    erase_response,
    find_by_receipt,
    find_by_resume_token,
    save_answers,
    start_response,
    submit_response,
)
from survey_forms.definition import Page, SurveyDefinition, parse_definition
from survey_forms.errors import AnswerError
from survey_forms.forms import page_form, read_answers, visible_questions
from survey_forms.messages import message
from webapp.database import db_session
from webapp.security import limiter
from webapp.survey import bp
from webapp.survey.flow import Flow

_definitions: dict[tuple[str, int], SurveyDefinition] = {}


def definition_of(survey: Survey) -> SurveyDefinition:
    """The survey's stored definition, read and parsed once per process (it is large)."""
    cache_key = (survey.key, survey.id)
    if cache_key not in _definitions:
        raw = db_session().scalar(select(Survey.definition).where(Survey.id == survey.id))
        _definitions[cache_key] = parse_definition(raw)
    return _definitions[cache_key]


def survey_or_404(key: str) -> Survey:
    # The definition column stays unread: definition_of() has it parsed already.
    survey = db_session().scalar(select(Survey).options(defer(Survey.definition)).where(Survey.key == key))
    if survey is None:
        abort(404)
    return survey


def _language(definition: SurveyDefinition, wanted: str | None) -> str:
    if wanted in definition.languages:
        return wanted
    best = request.accept_languages.best_match(definition.languages)
    return best or definition.languages[0]


def _t(name: str, language: str, **values) -> str:
    return message(name, language, **values)


# Built once: every page view and every answer runs it. Only what the pages need of the survey and
# of a response in progress is read; anything else asked of them is an error rather than a hidden
# extra query.
_RESPONSE_IN_PROGRESS = (SurveyResponse.id, SurveyResponse.key, SurveyResponse.survey_id, SurveyResponse.language,
                         SurveyResponse.status, SurveyResponse.answers, SurveyResponse.current_page)
_SURVEY_AND_RESPONSE = select(Survey, SurveyResponse).options(
    load_only(Survey.id, Survey.key, Survey.status, raiseload=True),
    load_only(*_RESPONSE_IN_PROGRESS, raiseload=True)).outerjoin(
    SurveyResponse, (SurveyResponse.survey_id == Survey.id) & (SurveyResponse.key == bindparam("response_key"))
    & (SurveyResponse.status == "in_progress")).where(Survey.key == bindparam("survey_key"))


def _survey_and_response(key: str) -> tuple[Survey, SurveyResponse | None]:
    """The survey and this browser's unfinished response to it, in one query (every page asks)."""
    response_key = session.get("responses", {}).get(key)
    if not response_key:
        return survey_or_404(key), None
    row = db_session().execute(_SURVEY_AND_RESPONSE, {"survey_key": key, "response_key": response_key}).first()
    if row is None:
        abort(404)
    return row[0], row[1]


def _remember(survey: Survey, response: SurveyResponse, token: str) -> None:
    session["responses"] = {**session.get("responses", {}), survey.key: response.key}
    session["resume"] = {**session.get("resume", {}), survey.key: token}


def _forget(survey: Survey) -> None:
    """This browser no longer has a response in progress to `survey` (the cookie keeps only the rest)."""
    for name in ("responses", "resume"):
        kept = {k: v for k, v in session.get(name, {}).items() if k != survey.key}
        if kept:
            session[name] = kept
        else:
            session.pop(name, None)


@bp.route("/")
def index():
    surveys = db_session().scalars(select(Survey).where(Survey.status == "open").order_by(Survey.id)).all()
    if len(surveys) == 1:
        return redirect(url_for("survey.start", key=surveys[0].key))
    return render_template("survey/index.html", surveys=surveys, t=_t, language="en")


@bp.route("/<key>/", methods=["GET", "POST"])
def start(key: str):
    survey, response = _survey_and_response(key)
    definition = definition_of(survey)
    language = _language(definition, request.values.get("lang"))
    if survey.status != "open":
        return render_template("survey/message.html", survey=survey, definition=definition, language=language,
                               t=_t, text=_t("closed", language)), 410
    if request.method == "POST":
        if response is None:
            response, token = start_response(db_session(), survey, language)
            db_session().commit()
            _remember(survey, response, token)
        return redirect(url_for("survey.page", key=key, page_id=Flow(definition, response.answers).first().id))
    return render_template("survey/start.html", survey=survey, definition=definition, language=language,
                           t=_t, resuming=response is not None)


@bp.route("/<key>/resume/<token>")
@limiter.limit("30 per minute")
def resume(key: str, token: str):
    survey = survey_or_404(key)
    response = find_by_resume_token(db_session(), token)
    if response is None or response.survey_id != survey.id or response.status != "in_progress":
        definition = definition_of(survey)
        language = _language(definition, None)
        return render_template("survey/message.html", definition=definition, t=_t, survey=survey,
                               language=language, text=_t("resume_unknown", language)), 404
    _remember(survey, response, token)
    page_id = response.current_page or Flow(definition_of(survey), response.answers).first().id
    return redirect(url_for("survey.page", key=key, page_id=page_id))


def _page_keys(page: Page) -> list[str]:
    """Every answer key the page owns: saving the page replaces exactly these."""
    return [key for question in page.questions for key in (question.answer_keys or (question.id,))]


def _context(answers: dict, page: Page, instance: int | None) -> dict:
    """Answers that skip logic on this page may look at: everything, plus the instance's own."""
    if instance is None:
        return answers
    blocks = answers.get(page.id) or []
    return {**answers, **(blocks[instance] if instance < len(blocks) else {})}


def _render_page(survey, definition, response, page, instance, form, errors=None, status=200):
    flow = Flow(definition, response.answers)
    number, total = flow.progress(page)
    blocks = response.answers.get(page.id) or [] if page.repeat else []
    context = _context(response.answers, page, instance)
    return render_template(
        "survey/page.html", survey=survey, definition=definition, page=page, instance=instance, form=form,
        errors=errors or {}, language=response.language, t=_t, number=number, total=total,
        previous=flow.previous(page), is_last=flow.is_last(page), blocks=blocks,
        shown={q.id for q in visible_questions(page, context)},
        labels=_field_labels(definition, page, response.language),
        resume_url=url_for("survey.resume", key=survey.key, token=session.get("resume", {}).get(survey.key, ""),
                           _external=True)), status


def _field_labels(definition: SurveyDefinition, page: Page, language: str) -> dict[str, str]:
    """What each answer field is called, for the summary of errors at the top of a page."""
    labels = {}
    for question in page.questions:
        labels[question.id] = definition.text(question.label, language)
        for item in question.items:
            labels[item.id] = definition.text(item.label, language)
    return labels


@bp.route("/<key>/page/<page_id>", methods=["GET", "POST"])
@bp.route("/<key>/page/<page_id>/<int:instance>", methods=["GET", "POST"])
def page(key: str, page_id: str, instance: int | None = None):
    survey, response = _survey_and_response(key)
    definition = definition_of(survey)
    if survey.status != "open":
        language = response.language if response else _language(definition, None)
        return render_template("survey/message.html", survey=survey, definition=definition, language=language,
                               t=_t, text=_t("closed", language)), 410
    if response is None:
        return redirect(url_for("survey.start", key=key))
    try:
        current = definition.page(page_id)
    except KeyError:
        abort(404)
    if current.repeat and instance is None:
        instance = 0
    if (instance is not None and not current.repeat) or (
            current.repeat and not 0 <= instance < current.repeat.max):
        abort(404)
    flow = Flow(definition, response.answers)
    if not flow.is_shown(current):
        return redirect(url_for("survey.page", key=key, page_id=flow.first().id))

    wanted = request.args.get("lang")
    if wanted in definition.languages and wanted != response.language:
        response.language = wanted
        db_session().commit()
    language = response.language
    context = _context(response.answers, current, instance)

    if request.method == "GET":
        return _render_page(survey, definition, response, current, instance,
                            page_form(definition, current, language, context))

    action = request.form.get("action", "next")
    if action.startswith("lang:"):
        return _switch_language(survey, definition, response, current, instance, action[5:], context)
    if action == "remove" and current.repeat:
        blocks = list(response.answers.get(current.id) or [])
        if instance < len(blocks):
            del blocks[instance]
            response.answers = {**response.answers, current.id: blocks}
            db_session().commit()
        return redirect(url_for("survey.page", key=key, page_id=current.id, instance=max(0, instance - 1)))
    try:
        answers = read_answers(definition, current, language, request.form, context)
    except AnswerError as error:
        form = page_form(definition, current, language, context, formdata=request.form)
        return _render_page(survey, definition, response, current, instance, form, error.errors, status=400)
    page_keys = _page_keys(current)
    if action == "add" and current.repeat and instance + 1 < current.repeat.max:
        save_answers(db_session(), response, answers, page_keys, page_id=current.id, instance=instance)
        db_session().commit()
        return redirect(url_for("survey.page", key=key, page_id=current.id, instance=instance + 1))
    complete = answers_with_page(response.answers, answers, page_keys, page_id=current.id, instance=instance)
    following = Flow(definition, complete).next(current)
    if following is None:
        return _submit(survey, response, complete)
    response.answers = complete
    response.current_page = following.id  # where the resume link leads
    db_session().commit()
    return redirect(url_for("survey.page", key=key, page_id=following.id))


def _switch_language(survey, definition, response, current, instance, wanted, context):
    """Change language without losing anything: valid answers are saved, others shown again."""
    if wanted not in definition.languages:
        abort(400, "This survey is not available in that language.")
    try:
        answers = read_answers(definition, current, response.language, request.form, context)
        save_answers(db_session(), response, answers, _page_keys(current), page_id=current.id, instance=instance)
        response.language = wanted
        db_session().commit()
        return redirect(url_for("survey.page", key=survey.key, page_id=current.id, instance=instance))
    except AnswerError:
        response.language = wanted
        db_session().commit()
        form = page_form(definition, current, wanted, context, formdata=request.form)
        return _render_page(survey, definition, response, current, instance, form)


def _submit(survey: Survey, response: SurveyResponse, answers: dict):
    try:
        contact_keys = tuple(q.id for _, q in definition_of(survey).questions() if q.type == "email")
        code = submit_response(db_session(), response, contact_keys, answers)
        db_session().commit()
    except Conflict:
        db_session().rollback()
        return redirect(url_for("survey.done", key=survey.key))
    session["receipt"] = {"survey": survey.key, "code": code, "language": response.language}
    _forget(survey)
    return redirect(url_for("survey.done", key=survey.key))


@bp.route("/<key>/done")
def done(key: str):
    survey = survey_or_404(key)
    definition = definition_of(survey)
    receipt = session.pop("receipt", None)
    if not receipt or receipt.get("survey") != key:
        language = _language(definition, request.args.get("lang"))
        return render_template("survey/done.html", survey=survey, definition=definition, language=language,
                               t=_t, code=None)
    return render_template("survey/done.html", survey=survey, definition=definition, t=_t,
                           language=receipt["language"], code=receipt["code"])


@bp.route("/<key>/privacy")
def privacy(key: str):
    survey = survey_or_404(key)
    definition = definition_of(survey)
    language = _language(definition, request.args.get("lang"))
    notice = definition.text(definition.privacy_notice, language).replace(
        "{retention_months}", str(survey.retention_months))
    return render_template("survey/privacy.html", survey=survey, definition=definition, language=language,
                           t=_t, paragraphs=[p.strip() for p in notice.split("\n\n") if p.strip()])


@bp.route("/<key>/withdraw", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def withdraw(key: str):
    survey = survey_or_404(key)
    definition = definition_of(survey)
    language = _language(definition, request.values.get("lang"))
    if request.method == "POST":
        code = (request.form.get("receipt_code") or "").strip()
        response = find_by_receipt(db_session(), code)
        if response is None or response.survey_id != survey.id:
            return render_template("survey/withdraw.html", survey=survey, definition=definition, t=_t,
                                   language=language, error=True), 404
        erase_response(db_session(), response, reason="withdrawn")
        db_session().commit()
        return render_template("survey/withdraw.html", survey=survey, definition=definition, t=_t,
                               language=language, withdrawn=True)
    return render_template("survey/withdraw.html", survey=survey, definition=definition, t=_t, language=language)
