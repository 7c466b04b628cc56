"""Fixtures: one app per test session on a database built by the migrations
(SQLite by default, PostgreSQL when TEST_DATABASE_URL says so), emptied after
every test."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import create_engine, delete
from sqlalchemy.orm import Session

from portal import create_app
from portal.database import downgrade, upgrade
from portal.extensions import db, limiter
from portal.models import (
    Application,
    ApplicationStat,
    CaseRecord,
    Draft,
    FormVersion,
    JourneyEvent,
    JourneyStat,
    Role,
    SearchKey,
    SetupToken,
    Staff,
    StaffAlert,
    StaffAlertDigest,
    StaffAlertSetting,
    StaffSession,
)

from .staff_support import StaffBrowser, make_staff
from .support import Applicant


def test_database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "portal.sqlite3")


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    os.environ["PORTAL_INSTANCE_PATH"] = str(instance)
    app = create_app({"PORTAL_ENV": "test", "DATABASE_URL": test_database_url(tmp_path_factory)})
    with app.app_context():
        downgrade(db.engine, "base")
        upgrade(db.engine, "head")
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def clean_tables(request):
    yield
    if "app" not in request.fixturenames:
        return
    empty_tables(request.getfixturevalue("app"))


def empty_tables(app) -> None:
    with app.app_context():
        tables = (
            CaseRecord,
            SearchKey,
            Draft,
            Application,
            StaffSession,
            SetupToken,
            StaffAlert,
            StaffAlertSetting,
            StaffAlertDigest,
            Staff,
            JourneyEvent,
            JourneyStat,
            FormVersion,
            ApplicationStat,
        )
        for table in tables:
            db.session.execute(delete(table))
        db.session.commit()  # the audit log is append-only: tests read only their own rows
        limiter.reset()


@pytest.fixture
def make_app(app):
    """Another app on the test database (other settings, an extra route); its
    connections are closed when the test ends."""
    made = []

    def make(**settings):
        other = create_app(
            {"PORTAL_ENV": "test", "DATABASE_URL": app.config["DATABASE_URL"], **settings}
        )
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def applicant(app):
    return Applicant(app)


@pytest.fixture(scope="session")
def observer_engine(app):
    """The tests' own view of the database, outside any request: every
    statement commits at once, so a test never holds a lock a request needs."""
    engine = create_engine(app.config["DATABASE_URL"], isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


@pytest.fixture
def db_session(observer_engine):
    with Session(observer_engine) as session:
        yield session


class Clock:
    """The portal's clock, moved by the test."""

    def __init__(self):
        self.now = datetime.now(UTC)

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr("portal.clock.utcnow", lambda: fake.now)
    return fake


@dataclass
class ServedDatabase:
    """The database that gunicorn serves in a test (tests/live.py), with an app
    to read it (the same instance folder, so the same keys) and an observer
    session whose statements commit at once."""

    url: str
    app: Flask
    session: Session


@pytest.fixture
def served_database(app, tmp_path):
    """PostgreSQL: the suite's database. SQLite: a fresh migrated file of the
    test's own. The suite's file is opened by many connections in this process,
    and any close() of a file descriptor on it (a test reading the file's bytes)
    drops this process's POSIX locks on it; another process using the file
    could then take itself for its last user and delete the WAL index under
    them. A file that only the server and this fixture open avoids that."""
    url, own = app.config["DATABASE_URL"], app
    if url.startswith("sqlite"):
        url = "sqlite:///" + str(tmp_path / "served.sqlite3")
        own = create_app({"PORTAL_ENV": "test", "DATABASE_URL": url})
        with own.app_context():
            upgrade(db.engine)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with Session(engine) as session:
        yield ServedDatabase(url, own, session)
    engine.dispose()
    if own is not app:
        with own.app_context():
            db.engine.dispose()


@pytest.fixture
def officer(app, clock):
    """A disclosure officer, signed in."""
    browser = StaffBrowser(app, make_staff(app, Role.OFFICER, name="Olive Officer"))
    browser.sign_in(clock.now)
    return browser


@pytest.fixture
def supervisor(app, clock):
    """A supervisor, signed in."""
    browser = StaffBrowser(app, make_staff(app, Role.SUPERVISOR, name="Sue Supervisor"))
    browser.sign_in(clock.now)
    return browser
