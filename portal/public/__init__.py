"""The public side: scheme journeys, exit, and the service's information pages."""

from flask import Blueprint, current_app

from portal.extensions import limiter

bp = Blueprint("public", __name__)


def public_rate() -> str:
    return current_app.config["PUBLIC_RATE_LIMIT"]


# Every form post on the public side is rate limited per client address (behind
# a proxy, the address the trusted proxy hop reports: see TRUSTED_PROXY_HOPS).
limiter.limit(public_rate, methods=["POST"])(bp)


def register_views() -> Blueprint:
    from . import collection, journey, pages  # noqa: F401  (routes register on import)

    return bp
