from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from records.models import ROLES
from records.users import MIN_PASSWORD_LENGTH, USERNAME_PATTERN

ROLE_CHOICES = [SelectChoice(role, role.capitalize()) for role in ROLES]


class NewUserForm(FlaskForm):
    username = StringField(
        "User name", validators=[DataRequired(), Length(min=2, max=64), Regexp(
            USERNAME_PATTERN, message="Use lower-case letters, digits, '.', '_' or '-'.")],
        filters=[lambda value: value.strip().lower() if value else value])
    display_name = StringField("Full name (optional)", validators=[Optional(), Length(max=120)])
    role = SelectField("Role", choices=ROLE_CHOICES, validators=[DataRequired()])
    password = PasswordField(
        "Password (leave empty to generate one)",
        validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH, max=1024, message=(
            f"A password needs at least {MIN_PASSWORD_LENGTH} characters."))],
        render_kw={"autocomplete": "new-password"})


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES, validators=[DataRequired()])


class ActiveForm(FlaskForm):
    active = BooleanField("Active")


class ResetPasswordForm(FlaskForm):
    """Only the CSRF token: the new password is generated."""
