"""Error pages. Every one is a full page of the service, with the same headers."""

from __future__ import annotations

import logging
import secrets

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

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
    if request.blueprint == "public":
        from .public.journey import rerender_after_csrf_failure

        response = rerender_after_csrf_failure()
        if response is not None:
            return response
    return render_template("shared/errors/400.html", code=400, csrf=True), 400


def server_error(error: Exception):
    reference = secrets.token_hex(4).upper()
    log.error(
        "Unhandled error %s on %s",
        reference,
        request.endpoint,
        exc_info=getattr(error, "original_exception", error),
    )
    return render_template("shared/errors/500.html", reference=reference), 500


def register(app: Flask) -> None:
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(500, server_error)
