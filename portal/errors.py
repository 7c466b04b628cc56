"""Error pages. Every one is a full page of the service, with the same headers."""

from __future__ import annotations

import contextlib
import logging
import traceback

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from .security import UnreadableForm

log = logging.getLogger(__name__)

TEMPLATES = {
    400: "shared/errors/400.html",
    403: "shared/errors/403.html",
    404: "shared/errors/404.html",
    405: "shared/errors/404.html",
    413: "shared/errors/413.html",
    429: "shared/errors/429.html",
}


def http_error(error: HTTPException):
    template = TEMPLATES.get(error.code, "shared/errors/400.html")
    return render_template(template, code=error.code), error.code


def csrf_error(error: CSRFError):
    return render_template("shared/errors/400.html", code=400, csrf=True), 400


def unreadable(error: HTTPException):
    return render_template("shared/errors/400.html", code=400, unreadable=True), 400


def too_many(error: HTTPException):
    return render_template("shared/errors/429.html", code=429), 429


def page_again_or(show_again, fallback, notice: str, status: int | None = None):
    """An error handler for a blueprint whose refused posts can be shown
    again (the public forms, which keep the applicant's answers):
    `show_again(notice)`, or the app's own error page where it gives nothing."""

    def handler(error):
        response = show_again(notice) if request.method == "POST" else None
        if response is None:
            return fallback(error)
        return response if status is None else (response, status)

    return handler


def database_unavailable(error: Exception):
    """The database cannot be reached, or did not answer in time: a 503 that
    says what was not saved, and the log line says which error (never its
    message, which carries the statement's values). "Accept and send" has
    its own page (public/send_failed.html), which keeps the send button."""
    from .extensions import db
    from .request_log import request_id

    with contextlib.suppress(Exception):  # the connection may be gone already
        db.session.rollback()
    original = getattr(error, "orig", None) or error
    log.warning(
        "Database unavailable (%s, reference %s) on %s",
        type(original).__name__,
        request_id()[:8].upper(),
        request.endpoint,
    )
    page = render_template(
        "shared/errors/503.html",
        unsaved=request.method == "POST",
        public=request.blueprint == "public",
    )
    return page, 503, {"Retry-After": "120"}


def server_error(error: Exception):
    """The page gives a reference that matches the request's log line. The log
    has the error's type and where it happened, never its message: a database
    error's message carries the statement's values, that is, the answers."""
    from .request_log import request_id

    reference = request_id()[:8].upper()
    original = getattr(error, "original_exception", None) or error
    where = "".join(traceback.format_tb(original.__traceback__)[-5:])
    log.error(
        "Unhandled %s (reference %s) on %s\n%s",
        type(original).__name__,
        reference,
        request.endpoint,
        where,
    )
    return render_template("shared/errors/500.html", reference=reference), 500


def register(app: Flask) -> None:
    # Flask would log the exception's message (with a database error, the
    # statement's values): server_error logs what is safe instead.
    app.log_exception = lambda exc_info: None
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(OperationalError, database_unavailable)
    app.register_error_handler(PoolTimeout, database_unavailable)
    app.register_error_handler(429, too_many)
    app.register_error_handler(UnreadableForm, unreadable)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(500, server_error)
