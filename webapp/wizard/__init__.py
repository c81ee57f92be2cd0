"""The ALMP Design Wizard: a policymaker describes a context and gets the interventions the evidence
backs there, with the evidence in plain view. Open to everyone, in the five survey languages."""

from flask import Blueprint

bp = Blueprint("wizard", __name__, url_prefix="/wizard")

from webapp.wizard import routes  # noqa: E402,F401
