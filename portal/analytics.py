"""First-party, aggregate measurement of the public forms.

An event names a scheme, a kind and (where it matters) a page, a question, a
fixed error message or a number (a satisfaction score, a time bucket). It
holds no answer, no address, no browser details and no journey id, so no
event can be tied to a person or to another event. Each event also adds one
to its day's count in the rollup table, which is what the dashboard reads.
Recording never breaks a journey: a failure is logged and the journey goes on.
"""

from __future__ import annotations

import logging
from datetime import datetime

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import delete, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal import clock, deadlines
from portal.database import lift_statement_timeout
from portal.extensions import db
from portal.models import DailyStat, JourneyEvent

log = logging.getLogger(__name__)

KEY = ("day", "scheme", "kind", "page", "question", "message", "value")
TIME_BUCKETS = (0, 5, 10, 15, 20, 30, 45, 60, 90, 120)  # minutes: each the start of a bucket


def time_bucket(started: datetime, finished: datetime) -> int:
    minutes = (finished - started).total_seconds() / 60
    return max(bucket for bucket in TIME_BUCKETS if bucket <= minutes)


def record(
    kind: str,
    scheme: str,
    *,
    page: str = "",
    question: str = "",
    message: str = "",
    value: int = 0,
    at: datetime | None = None,
) -> None:
    """Add an event and count it, in the caller's transaction (a savepoint, so
    that a failure here leaves the journey's own changes alone)."""
    now = at or clock.utcnow()
    row = {
        "day": deadlines.local_date(now),
        "scheme": scheme,
        "kind": kind,
        "page": page,
        "question": question,
        "message": message[:200],
        "value": value,
    }
    # The caller's own changes are written first, outside the savepoint: if the
    # database fails there, that is the journey's failure, not the measuring's.
    db.session.flush()
    try:
        with db.session.begin_nested():
            db.session.execute(insert(JourneyEvent).values(at=now, **row))
            upsert_count(DailyStat, row, 1, KEY)
    except Exception as error:  # noqa: BLE001  (measuring must never stop an application)
        # The type only: a database error's message carries the statement's values.
        log.warning("Could not record a %s event (%s)", kind, type(error).__name__)


def upsert_count(model, row: dict, amount: int, key: tuple[str, ...]) -> None:
    """Add to the count of the row with this key, creating it if it is new."""
    dialect = db.session.get_bind().dialect.name
    make = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = make(model).values(**row, count=amount)
    statement = statement.on_conflict_do_update(
        index_elements=list(key), set_={"count": model.count + amount}
    )
    db.session.execute(statement)


def rebuild(*, since=None) -> int:
    """Recount the rollups from the raw events (all, or from a day on). Safe to
    run again: the result is the same."""
    lift_statement_timeout(db.session)
    columns = [getattr(JourneyEvent, name) for name in KEY]
    wipe = delete(DailyStat)
    grouped = select(*columns, func.count().label("count")).group_by(*columns)
    if since is not None:
        wipe = wipe.where(DailyStat.day >= since)
        grouped = grouped.where(JourneyEvent.day >= since)
    db.session.execute(wipe)
    db.session.execute(insert(DailyStat).from_select([*KEY, "count"], grouped))
    # Counted afterwards: a driver may report -1 rows for INSERT … SELECT.
    counted = select(func.count()).select_from(DailyStat)
    if since is not None:
        counted = counted.where(DailyStat.day >= since)
    return db.session.scalar(counted)


stats_cli = AppGroup("stats", help="Statistics on the public forms.")


@stats_cli.command("rebuild")
def rebuild_command() -> None:
    """Rebuild the daily rollups from the raw events and the applications."""
    from portal import application_stats

    rows = rebuild()
    applications = application_stats.rebuild()
    db.session.commit()
    click.echo(
        f"Rebuilt {rows} daily rows from the events and {applications} from the applications."
    )


def register(app: Flask) -> None:
    app.cli.add_command(stats_cli)
