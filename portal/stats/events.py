"""First-party, aggregate measurement of the public forms.

An event names a scheme, the version of its content that was shown, the
language of the pages, a kind
and (where it matters) a page, a question, a fixed error message or a number
(a satisfaction score, a time bucket). It holds no answer, no address, no
browser details and no journey id, so no event can be tied to a person or to
another event. Each event also adds one to its month's cell in the rollup
table, which is what the dashboard reads. Recording never breaks a journey: a
failure is logged and the journey goes on.

Kinds: "opened" (the first question shown before a journey starts),
"started" (the first answer saved), "reached" and "answered" (a page shown
and answered, once per journey), "error" (each question wrong at each try),
"met_error" (a question a journey got wrong, once
per journey and question), "changed" (from check your answers), "submitted"
(with the time taken, bucketed), "exited", "expired", "extended",
"satisfaction" (with the score).
"""

from __future__ import annotations

import logging
from datetime import datetime

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal import clock, deadlines, languages
from portal.database import lift_statement_timeout
from portal.extensions import db
from portal.models import Draft, JourneyEvent, JourneyStat

from . import versions
from .suppression import offset_of

log = logging.getLogger(__name__)

KEY = ("month", "scheme", "version", "kind", "page", "question", "message", "value", "language")
# The kinds that mark a version as seen (a journey opening or starting on it).
FIRST_SIGHTINGS = frozenset({"opened", "started"})
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
    version: str | None = None,
    language: str | None = None,
) -> None:
    """Add an event and count it, in the caller's transaction (a savepoint, so
    that a failure here leaves the journey's own changes alone). Its language
    is the page's unless given (a journey ended outside its own request)."""
    now = at or clock.utcnow()
    day = deadlines.local_date(now)
    version = versions.current(scheme) if version is None else version
    row = {
        "month": day.replace(day=1),
        "scheme": scheme,
        "version": version,
        "kind": kind,
        "page": page,
        "question": question,
        "message": message[:200],
        "value": value,
        "language": language or languages.current().code,
    }
    # The caller's own changes are written first, outside the savepoint: if the
    # database fails there, that is the journey's failure, not the measuring's.
    db.session.flush()
    try:
        with db.session.begin_nested():
            db.session.execute(insert(JourneyEvent).values(at=now, day=day, **row))
            upsert_count(JourneyStat, row, 1, KEY)
            if kind in FIRST_SIGHTINGS:
                versions.register(scheme, version, now)
    except Exception as error:  # noqa: BLE001  (measuring must never stop an application)
        # The type only: a database error's message carries the statement's values.
        log.warning("Could not record a %s event (%s)", kind, type(error).__name__)


def mark_of(kind: str, page: str = "", question: str = "") -> str:
    return ":".join((kind, page, question))


def was_counted(draft: Draft, kind: str, page: str = "", question: str = "") -> bool:
    """Whether once() has counted this for the journey."""
    return mark_of(kind, page, question) in (draft.counted or [])


def once(draft: Draft, kind: str, scheme: str, *, page: str, question: str = "", **extra) -> None:
    """Count something once per journey (a page reached, a question got
    wrong): the draft remembers what it has been counted for, and forgets it
    with the draft."""
    mark = mark_of(kind, page, question)
    counted = list(draft.counted or [])
    if mark in counted:
        return
    draft.counted = [*counted, mark]
    record(kind, scheme, page=page, question=question, **extra)


def upsert_count(model, row: dict, amount: int, key: tuple[str, ...]) -> None:
    """Add to the count of the row with this key, creating it (with its
    rounding offset) if it is new."""
    dialect = db.session.get_bind().dialect.name
    make = pg_insert if dialect == "postgresql" else sqlite_insert
    offset = offset_of(model.__tablename__, tuple(row[name] for name in key))
    statement = make(model).values(**row, count=amount, offset=offset)
    statement = statement.on_conflict_do_update(
        index_elements=list(key), set_={"count": model.count + amount}
    )
    db.session.execute(statement)


def rebuild(*, since=None) -> int:
    """Recount the rollups from the raw events (all, or from a month on). Safe
    to run again: the result is the same. Raw events are kept for a while
    only (see retention), so rebuild from a month whose events are all kept."""
    lift_statement_timeout(db.session)
    columns = [getattr(JourneyEvent, name) for name in KEY]
    wipe = delete(JourneyStat)
    grouped = select(*columns, func.count().label("count")).group_by(*columns)
    if since is not None:
        since = since.replace(day=1)
        wipe = wipe.where(JourneyStat.month >= since)
        grouped = grouped.where(JourneyEvent.month >= since)
    db.session.execute(wipe)
    rows = [
        {**dict(zip(KEY, row[:-1], strict=True)), "count": row[-1]}
        for row in db.session.execute(grouped)
    ]
    insert_cells(JourneyStat, KEY, rows)
    counted = select(func.count()).select_from(JourneyStat)
    if since is not None:
        counted = counted.where(JourneyStat.month >= since)
    return db.session.scalar(counted)


def insert_cells(model, key: tuple[str, ...], rows: list[dict], batch: int = 5000) -> None:
    """Write counted cells, each with its rounding offset."""
    for row in rows:
        row["offset"] = offset_of(model.__tablename__, tuple(row[name] for name in key))
    for start in range(0, len(rows), batch):
        db.session.execute(insert(model), rows[start : start + batch])


def refresh_offsets(model, key: tuple[str, ...]) -> int:
    """Give every cell the offset its key calls for (cells that a migration
    made, or kept from before a change of keys). Returns how many changed."""
    columns = [getattr(model, name) for name in key]
    changed = [
        {"id": row.id, "offset": wanted}
        for row in db.session.execute(select(model.id, model.offset, *columns))
        if (wanted := offset_of(model.__tablename__, tuple(row[2:]))) != row.offset
    ]
    for start in range(0, len(changed), 5000):
        db.session.execute(update(model), changed[start : start + 5000])
    return len(changed)


stats_cli = AppGroup("stats", help="Statistics on the public forms.")


@stats_cli.command("rebuild")
def rebuild_command() -> None:
    """Rebuild the monthly rollups from the raw events and the applications."""
    from portal.retention import event_cutoff

    from . import applications as application_stats
    from .periods import add_months

    # Only months whose raw events are all still kept: older cells stay as counted.
    rows = rebuild(since=add_months(event_cutoff().replace(day=1), 1))
    refresh_offsets(JourneyStat, KEY)
    applications = application_stats.rebuild()
    db.session.commit()
    click.echo(
        f"Rebuilt {rows} monthly rows from the events and {applications} from the applications."
    )


def register(app: Flask) -> None:
    app.cli.add_command(stats_cli)
