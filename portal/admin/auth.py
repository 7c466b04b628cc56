"""Who may reach which staff page. Deny by default: every staff route declares
its access with one of the decorators below, and the blueprint's guard
refuses any route that does not, before the view runs."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, redirect, request, url_for
from flask_login import LoginManager, current_user

from portal import audit
from portal import staff_sessions as sessions
from portal.database import reading_request
from portal.models import Role

PUBLIC = "public"  # the sign-in pages themselves
SIGNED_IN = "signed-in"  # any role

login_manager = LoginManager()
login_manager.session_protection = None  # sessions are ended on the server instead


@login_manager.user_loader
def load_user(token: str):
    return sessions.load(token, reading=reading_request())


def public(view):
    view.access = PUBLIC
    return view


def signed_in(view):
    view.access = SIGNED_IN
    return view


def role_required(*roles: Role):
    def declare(view):
        view.access = frozenset(roles)
        return view

    return declare


def access_of(endpoint: str | None):
    view = current_app.view_functions.get(endpoint or "")
    return getattr(view, "access", None)


def guard():
    """Run before every staff request."""
    access = access_of(request.endpoint)
    if access == PUBLIC:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("admin.sign_in", next=request.path))
    if access == SIGNED_IN:
        return None
    if access is None or current_user.role_enum not in access:
        audit.record("access_refused", actor=current_user, endpoint=request.endpoint)
        abort(403)
    return None


def safe_next(target: str | None) -> str:
    """Where to go after signing in: only a staff page on this site."""
    default = url_for("admin.index")
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/admin/") or "\\" in target:
        return default
    if target.startswith("//"):
        return default
    return parts.path
