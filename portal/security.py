"""Security headers on every response, error pages included."""

from __future__ import annotations

import secrets
from urllib.parse import unquote_to_bytes

from flask import Flask, Response, g, request
from werkzeug.exceptions import BadRequest


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        ]
    )


def set_security_headers(response: Response, hsts: bool) -> Response:
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy(csp_nonce())
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
    if request.endpoint != "static":
        # Pages must not stay in the browser's cache or history for someone else to see.
        headers["Cache-Control"] = "no-store"
    if hsts:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response


class UnreadableForm(BadRequest):
    """A form post whose text is not UTF-8: refused whole, rather than saved
    with characters replaced or percent signs kept as typed."""

    description = "The form's text could not be read."


def check_form_text() -> None:
    """Before any view: a post's text must be UTF-8. A url-encoded form is read
    once percent-decoded, and as a whole: '&', '=' and '+' are ASCII, never part
    of a character, so the whole body decodes as each name and value does. Any
    other post (a multipart form, say) is read as sent: the portal takes no files."""
    if request.method != "POST":
        return
    raw = request.get_data(cache=True)  # the form is then parsed from this copy
    if request.mimetype == "application/x-www-form-urlencoded":
        raw = unquote_to_bytes(raw)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableForm() from None


def register(app: Flask) -> None:
    hsts = app.config["HSTS"]
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    # First of all, before the CSRF check reads the form.
    app.before_request_funcs.setdefault(None, []).insert(0, check_form_text)
    app.after_request(lambda response: set_security_headers(response, hsts))
