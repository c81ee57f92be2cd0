"""The labour market over the business cycle: each place's unemployment, vacancies, tightness,
Beveridge curve and cycle phase, with their sources. Open to everyone, in the five survey languages."""

from flask import Blueprint

bp = Blueprint("labour", __name__, url_prefix="/labour")

from webapp.labour import routes, shortages  # noqa: E402,F401
