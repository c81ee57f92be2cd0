"""Building a CMO configuration from coded spans, looking at one, and validating it.

The form is made per request from the coder's spans: one mechanism, the contexts, outcomes and
conditions to include, and for each the concept codes the graph needs (prefilled from the concept a
span was linked to). Only validated configurations count as knowledge in the graph's answers.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import RadioField, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ontology.concepts import concept_index
from ontology.vocab import Scheme
from records.annotations import annotations_of
from records.configurations import (
    ConditionStatement,
    ConfigurationDraft,
    Outcome,
    create_configuration,
    get_configuration,
    span_states,
    validate_configuration,
)
from records.errors import NotFound, RecordsError
from records.models import Practice
from records.practices import create_practice
from webapp.database import db_session
from webapp.security import roles_required
from webapp.sessions import bp
from webapp.sessions.forms import LABEL_NAMES
from webapp.sessions.routes import CODERS, _coding_session, source_in_session

NEW_PRACTICE = "__new__"


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _choices(scheme: Scheme, language: str = "en") -> list[SelectChoice]:
    concepts = sorted(concept_index().concepts(scheme), key=lambda c: c.label(language))
    return [SelectChoice(c.code, c.label(language)) for c in concepts]


def _span_choices(annotations, labels: tuple[str, ...], prefix: bool = False) -> list[SelectChoice]:
    return [SelectChoice(a.key, f"{LABEL_NAMES[a.label]}: {_quote(a)}" if prefix else _quote(a))
            for a in annotations if a.label in labels]


def _quote(annotation) -> str:
    return annotation.quote if len(annotation.quote) <= 120 else annotation.quote[:117] + "…"


def _form_for(annotations, practices, language: str):
    """A form class for these spans (their per-span fields are named after the span's key)."""

    class ConfigurationForm(FlaskForm):
        mechanism_span = RadioField("Mechanism (exactly one)", validators=[DataRequired(
            message="Choose the mechanism span.")], choices=_span_choices(annotations, ("mechanism",)))
        context_spans = CheckboxesField("Contexts", choices=_span_choices(annotations, ("context",)))
        outcome_spans = CheckboxesField("Outcomes (at least one)", choices=_span_choices(annotations, ("outcome",)))
        condition_spans = CheckboxesField("Enabling and hindering conditions",
                                          choices=_span_choices(annotations, ("enabling", "hindering"), prefix=True))
        practice = SelectField("Practice", choices=[SelectChoice("", "— none —"),
                                                    SelectChoice(NEW_PRACTICE, "A new practice…")] + [
            SelectChoice(p.key, p.name) for p in practices], validators=[Optional()])
        practice_name = StringField("Name of the new practice", validators=[Optional(), Length(max=300)])
        programme_type = SelectField("Programme type", choices=_choices(Scheme.PROGRAMME_TYPE, language),
                                     validators=[DataRequired()])
        mechanism = SelectField("Mechanism concept", choices=_choices(Scheme.MECHANISM, language),
                                validators=[DataRequired()])
        target_groups = CheckboxesField("Target groups", choices=_choices(Scheme.TARGET_GROUP, language))

    measures = _choices(Scheme.OUTCOME_MEASURE, language)
    directions = _choices(Scheme.OUTCOME_DIRECTION, language)
    horizons = _choices(Scheme.HORIZON, language)
    conditions = _choices(Scheme.CONDITION_TYPE, language)
    for annotation in annotations:
        if annotation.label == "outcome":
            setattr(ConfigurationForm, f"measure_{annotation.key}",
                    SelectField("Measure", choices=measures, validators=[Optional()]))
            setattr(ConfigurationForm, f"direction_{annotation.key}",
                    SelectField("Direction", choices=directions, validators=[Optional()]))
            setattr(ConfigurationForm, f"horizon_{annotation.key}",
                    SelectField("Horizon", choices=horizons, validators=[Optional()]))
        elif annotation.label in ("enabling", "hindering"):
            setattr(ConfigurationForm, f"condition_{annotation.key}",
                    SelectField("Condition type", choices=conditions, validators=[Optional()]))
    return ConfigurationForm


def _prefill(form, annotations) -> None:
    """Concepts the coder linked to spans become the configuration's codes."""
    for annotation in annotations:
        code = annotation.concept_code
        if not code:
            continue
        if annotation.label == "mechanism" and annotation.concept_scheme == Scheme.MECHANISM.value:
            form.mechanism.data = code
        elif annotation.label == "mechanism" and annotation.concept_scheme == Scheme.PROGRAMME_TYPE.value:
            form.programme_type.data = code
        elif annotation.label == "context" and annotation.concept_scheme == Scheme.TARGET_GROUP.value:
            form.target_groups.data = sorted({*(form.target_groups.data or []), code})
        elif annotation.label == "outcome":
            getattr(form, f"measure_{annotation.key}").data = code
        elif annotation.label in ("enabling", "hindering"):
            getattr(form, f"condition_{annotation.key}").data = code
    for annotation in annotations:
        if annotation.label == "outcome":
            direction = getattr(form, f"direction_{annotation.key}")
            direction.data = direction.data or "positive"
            horizon = getattr(form, f"horizon_{annotation.key}")
            horizon.data = horizon.data or "short_run"
    mechanisms = [a for a in annotations if a.label == "mechanism"]
    if len(mechanisms) == 1:
        form.mechanism_span.data = mechanisms[0].key


@bp.route("/<key>/sources/<source_key>/configurations/new", methods=["GET", "POST"])
@roles_required(*CODERS)
def new_configuration(key: str, source_key: str):
    record = _coding_session(key)
    source_in_session(record, source_key)
    session = db_session()
    annotations = annotations_of(session, source_key, current_user.username)
    practices = session.scalars(select(Practice).order_by(Practice.name)).all()
    form = _form_for(annotations, practices, record.language)()
    if request.method == "GET":
        _prefill(form, annotations)
    problem = None
    if form.validate_on_submit():
        by_key = {a.key: a for a in annotations}
        spans = [form.mechanism_span.data, *form.context_spans.data, *form.outcome_spans.data,
                 *form.condition_spans.data]
        try:
            practice_key = form.practice.data or None
            if practice_key == NEW_PRACTICE:
                practice = create_practice(
                    session, name=form.practice_name.data, programme_type=form.programme_type.data,
                    countries=[record.country] if record.country else [], source_key=source_key,
                    target_groups=form.target_groups.data, actor=current_user.username)
                practice_key = practice.key
            draft = ConfigurationDraft(
                source_key=source_key, programme_type=form.programme_type.data, mechanism=form.mechanism.data,
                outcomes=[Outcome(measure=getattr(form, f"measure_{k}").data,
                                  direction=getattr(form, f"direction_{k}").data,
                                  horizon=getattr(form, f"horizon_{k}").data) for k in form.outcome_spans.data],
                target_groups=form.target_groups.data,
                countries=[record.country] if record.country else [], region=record.region,
                context_note="; ".join(by_key[k].quote for k in form.context_spans.data),
                mechanism_note=by_key[form.mechanism_span.data].quote if form.mechanism_span.data in by_key else "",
                conditions=[ConditionStatement(kind=by_key[k].label, type=getattr(form, f"condition_{k}").data,
                                               note=by_key[k].quote) for k in form.condition_spans.data],
                practice_key=practice_key, spans=spans)
            validating = request.form.get("action") == "validate"
            configuration = create_configuration(
                session, draft, validated_by=current_user.username if validating else None,
                actor=current_user.username)
            session.commit()
        except RecordsError as error:
            session.rollback()
            problem = str(error)
        else:
            flash(f"Configuration {configuration.key} saved as {configuration.status}.", "success")
            return redirect(url_for("sessions.configuration", key=key, configuration_key=configuration.key))
    status = 400 if form.is_submitted() else 200
    return render_template("sessions/configuration_new.html", record=record, source_key=source_key, form=form,
                           annotations=annotations, problem=problem, new_practice=NEW_PRACTICE), status


def _configuration_of(record, configuration_key: str):
    """The configuration, if it was built from a source of this session; 404 otherwise."""
    try:
        found = get_configuration(db_session(), configuration_key)
    except NotFound:
        abort(404)
    source_in_session(record, found.source_key)
    return found


@bp.route("/<key>/configurations/<configuration_key>")
@roles_required(*CODERS)
def configuration(key: str, configuration_key: str):
    record = _coding_session(key)
    session = db_session()
    found = _configuration_of(record, configuration_key)
    def name(scheme: Scheme, code: str | None) -> str:
        return concept_index().label_of(scheme, code, record.language, missing="—")

    practice = session.scalar(select(Practice).where(Practice.key == found.practice_key)) \
        if found.practice_key else None
    return render_template("sessions/configuration.html", record=record, configuration=found, name=name,
                           Scheme=Scheme, spans=span_states(session, configuration_key), practice=practice,
                           labels=LABEL_NAMES)


@bp.route("/<key>/configurations/<configuration_key>/validate", methods=["POST"])
@roles_required(*CODERS)
def validate(key: str, configuration_key: str):
    record = _coding_session(key)
    _configuration_of(record, configuration_key)
    validate_configuration(db_session(), configuration_key, actor=current_user.username)
    db_session().commit()
    flash(f"Configuration {configuration_key} validated: it is now knowledge in the graph.", "success")
    return redirect(url_for("sessions.configuration", key=key, configuration_key=configuration_key))
