"""One answer for every error: a page for browsers, JSON for the API. Never a stack trace."""

from __future__ import annotations

import logging

from flask import jsonify, render_template
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from webapp.errors import bp
from webapp.security import wants_json

log = logging.getLogger(__name__)

MESSAGES = {
    400: "The request could not be understood.",
    401: "Please sign in first.",
    403: "Your account does not have access to this page.",
    404: "There is nothing at this address.",
    405: "This address does not accept that kind of request.",
    413: "What you sent is larger than this platform accepts.",
    429: "Too many attempts in a short time. Wait a minute, then try again.",
    500: "Something went wrong on our side. Nothing you sent was half stored; please try again.",
    503: "A service the platform needs is unavailable right now.",
}


def error_response(status: int, message: str | None = None, **extra):
    message = message or MESSAGES.get(status, "The request failed.")
    if wants_json():
        return jsonify(error={"status": status, "message": message, **extra}), status
    return render_template("errors/error.html", status=status, message=message), status


@bp.app_errorhandler(CSRFError)
def csrf_failed(error: CSRFError):
    return error_response(
        400, "The form's security token is missing, expired or altered. Reload the page and try "
             "again; nothing was changed.", reason=error.description)


@bp.app_errorhandler(RateLimitExceeded)
def rate_limited(_error: RateLimitExceeded):
    return error_response(429)


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    status = error.code or 500
    # `abort(status, "message")` carries a message for the user; Werkzeug's defaults are
    # too technical to show, so they give way to ours.
    own_message = error.description != type(error).description
    return error_response(status, error.description if own_message else None)


@bp.app_errorhandler(Exception)
def unexpected_error(error: Exception):
    if isinstance(error, HTTPException):
        return http_error(error)
    log.exception("Unhandled error", exc_info=error)
    return error_response(InternalServerError.code)
