"""Health checks for the load balancer and the process supervisor.

/healthz: the process is alive and serving (no database work).
/readyz: the database answers and its schema is at the latest migration, so
this host can take traffic. Neither says why it is not ready: details of the
database belong in the server's log, not in a public response."""

from __future__ import annotations

import logging
from functools import cache

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, Response
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from portal.database import alembic_config
from portal.extensions import db

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)


def plain(body: str, status: int = 200) -> Response:
    return Response(body, status=status, mimetype="text/plain")


@cache
def script_heads() -> frozenset[str]:
    """The migrations' head revisions, read from migrations/ once per process
    (a new release restarts the workers)."""
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def database_heads() -> frozenset[str]:
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
        return frozenset(MigrationContext.configure(connection).get_current_heads())


@bp.get("/healthz")
def healthz():
    return plain("ok")


@bp.get("/readyz")
def readyz():
    try:
        ready = database_heads() == script_heads()
    except SQLAlchemyError as error:
        # The type only: the message names hosts and the traceback adds nothing.
        log.warning("Not ready: the database cannot be reached (%s)", type(error).__name__)
        return plain("not ready", 503)
    if not ready:
        log.warning("Not ready: the database is not at the latest migration")
        return plain("not ready", 503)
    return plain("ready")


def register_views() -> Blueprint:
    return bp
