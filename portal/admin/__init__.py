"""The back office: sign-in with a second factor, staff administration, and
(as they land) casework, audit and statistics."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def guard():
    """Deny by default: see auth.guard."""
    from .auth import guard as check_access

    return check_access()


def register_views(app) -> Blueprint:
    from . import (  # noqa: F401  (routes register)
        alerts,
        auth,
        case_handover,
        case_search,
        cases,
        dashboard,
        home,
        sign_in,
        staff,
        workload,
    )

    auth.login_manager.init_app(app)
    return bp
