from flask import Blueprint

bp = Blueprint("results", __name__, url_prefix="/results")

from webapp.results import routes  # noqa: E402,F401
