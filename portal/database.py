"""Engine settings per database, migrations, and the transaction helpers."""

from __future__ import annotations

from pathlib import Path

import click
from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask, current_app, g, has_request_context, request
from flask.cli import AppGroup
from sqlalchemy import Engine, event, orm, text

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 5}}
    if url.startswith("postgresql"):
        # A server that does not answer fails a request within seconds, with the
        # "service unavailable" page, rather than holding a worker until gunicorn's
        # 30-second timeout kills it; so does a pool with no free connection.
        return {
            "pool_pre_ping": True,
            "pool_timeout": 10,
            "connect_args": {"connect_timeout": 5, "options": "-c statement_timeout=5000"},
        }
    return {}


# Requests that only ask for a page: under WAL their reads need no lock at all.
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The statements that read; anything else (a write, a savepoint) takes the write lock first.
READS = ("SELECT", "PRAGMA")


def only_reads(view):
    """Declare a view that a form posts to but that changes nothing, such as a
    search (its audit row aside): on SQLite it begins as a page asked for does."""
    view.only_reads = True
    return view


def reading_request() -> bool:
    """Whether this request only reads, as a rule: a page asked for, or a post
    to a view declared with only_reads."""
    if not has_request_context():
        return False
    if request.method in READING_METHODS:
        return True
    return getattr(current_app.view_functions.get(request.endpoint or ""), "only_reads", False)


def configure_sqlite(engine: Engine) -> None:
    """WAL, a busy timeout, foreign keys, and the write lock taken before any write.

    pysqlite's own deferred BEGIN lets two workers read then both try to write,
    and one fails with "database is locked" (under WAL, a reader whose snapshot
    another writer has overtaken cannot become a writer, and no busy timeout
    helps). So a transaction that may write (a form posted, a command, a test's
    set-up) takes the write lock at BEGIN (BEGIN IMMEDIATE, SQLAlchemy's
    "serializable" recipe), and the second waits for the first instead.

    A page asked for (GET), or a search posted (only_reads), only reads, as a
    rule: it begins without a lock, so it never queues behind a writer. Where
    such a request does write after all (an audit of a search or a case view,
    a staff session's activity, a journey event), the write lock is taken just
    before its first write: the read snapshot, which has written nothing, is
    ended and BEGIN IMMEDIATE waits its turn, so the write cannot fail on a
    snapshot another writer overtook.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        reading = reading_request()
        connection.info["reading"] = False
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")
        connection.info["reading"] = reading

    @event.listens_for(engine, "before_cursor_execute")
    def before_write(connection, cursor, statement, _parameters, _context, _many):
        if connection.info.get("reading") and not statement.lstrip().upper().startswith(READS):
            connection.info["reading"] = False
            cursor.execute("COMMIT")  # the read snapshot: it has written nothing
            cursor.execute("BEGIN IMMEDIATE")


def alembic_config(connection=None) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)


db_cli = AppGroup("db", help="Database migrations.")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade_command(revision: str) -> None:
    """Upgrade the database to a revision (default: the latest)."""
    from portal.extensions import db

    upgrade(db.engine, revision)
    click.echo(f"Database upgraded to {revision}.")


@db_cli.command("downgrade")
@click.argument("revision")
def downgrade_command(revision: str) -> None:
    """Downgrade the database to a revision ("base" removes every table)."""
    from portal.extensions import db

    downgrade(db.engine, revision)
    click.echo(f"Database downgraded to {revision}.")


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def revision_command(message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    from portal.extensions import db

    with db.engine.begin() as connection:
        command.revision(alembic_config(connection), message=message, autogenerate=True)


def register(app: Flask) -> None:
    app.cli.add_command(db_cli)


# A request commits at most once. The view commits its own work, once; guards
# and loaders (a staff session's last activity, an access refusal's audit, an
# expired draft deleted) only add to the session, and where the view commits
# nothing, finish_request commits what they added as the response leaves. A
# second commit in one request is a fault: with STRICT_COMMITS (the tests) it
# raises, otherwise it is logged.


class SecondCommit(RuntimeError):
    pass


@event.listens_for(orm.Session, "after_flush")
def note_flush(session, _context) -> None:
    if has_request_context():
        g.written = True


@event.listens_for(orm.Session, "after_commit")
def count_commit(session) -> None:
    if not has_request_context() or session.in_nested_transaction():
        return  # a savepoint released is not a commit
    g.commits = g.get("commits", 0) + 1
    g.written = False
    if g.commits > 1:
        message = f"a second commit in one request ({request.endpoint})"
        if current_app.config.get("STRICT_COMMITS"):
            raise SecondCommit(message)
        current_app.logger.error(message)


def finish_request(response):
    """The request's one commit, where the view made none: what guards and
    loaders added. Nothing is committed for a response that failed."""
    session = g.get("_sqlalchemy_sessions", {}).get("default")
    if session is None or g.get("commits", 0):
        return response
    if response.status_code >= 500:
        session.rollback()
    elif g.get("written") or session.new or session.dirty or session.deleted:
        session.commit()
    return response


def register_unit_of_work(app: Flask) -> None:
    app.after_request(finish_request)


def lift_statement_timeout(session) -> None:
    """Maintenance work (rebuilding rollups, retention) may run longer than the
    statement timeout that protects requests: lift it for this transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL statement_timeout = 0"))
