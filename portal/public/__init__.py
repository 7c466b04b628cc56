"""The public side: scheme journeys, exit, and the service's information pages."""

from flask import Blueprint

bp = Blueprint("public", __name__)


def register_views() -> Blueprint:
    from . import collection, journey, pages  # noqa: F401  (routes register on import)

    return bp
