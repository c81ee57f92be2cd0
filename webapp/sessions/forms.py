from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from records.models import PARTICIPANT_ROLES
from records.sessions import SESSION_LANGUAGES

LANGUAGE_NAMES = {"en": "English", "de": "Deutsch", "fr": "Français", "es": "Español", "it": "Italiano"}
ROLE_NAMES = {
    "policymaker": "Policymakers", "pes_staff": "PES staff", "researcher": "Researchers",
    "practitioner": "Practitioners (training, guidance, NGOs delivering ALMPs)",
    "social_partner": "Social partners", "ngo": "NGOs and civil society", "employer": "Employers",
    "other": "Others",
}
LABEL_NAMES = {"context": "Context", "mechanism": "Mechanism", "outcome": "Outcome",
               "enabling": "Enabling condition", "hindering": "Hindering condition"}


class SessionForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=300)])
    held_on = DateField("Date", validators=[Optional()])
    language = SelectField("Language of the session",
                           choices=[SelectChoice(c, LANGUAGE_NAMES[c]) for c in SESSION_LANGUAGES])
    country = SelectField("Country", validators=[Optional()])
    region = SelectField("NUTS region (optional)", validators=[Optional()])
    sector = StringField("Sector or theme (optional)", validators=[Optional(), Length(max=200)])
    facilitators = SelectMultipleField("Facilitators", validators=[DataRequired(
        message="Choose at least one facilitator.")])
    notes = TextAreaField("Notes (optional)", validators=[Optional(), Length(max=5000)])


def participant_fields(form_class):
    """Add one number field per participant role to a form class (participants by role, no names)."""
    for role in PARTICIPANT_ROLES:
        setattr(form_class, f"participants_{role}", IntegerField(
            ROLE_NAMES[role], default=0, validators=[Optional(), NumberRange(min=0, max=10_000)],
            render_kw={"min": 0, "max": 10_000, "inputmode": "numeric"}))
    return form_class


participant_fields(SessionForm)


class UploadForm(FlaskForm):
    file = FileField("Transcript or document (.vtt, .srt, .txt, .docx, .pdf)")
    title = StringField("Title (optional)", validators=[Optional(), Length(max=300)])


class PasteForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=300)])
    text = TextAreaField("Text", validators=[DataRequired()])


class ImportForm(FlaskForm):
    file = FileField("REFI-QDA project (.qdpx)")
