"""On SQLite, a page asked for does not queue behind a writer: it reads
without a lock, takes the write lock only just before it writes (so its write
cannot fail on a snapshot another writer overtook), and a staff session's
activity is written once a minute, not on every page."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal import audit
from portal.extensions import db
from portal.models import AuditEvent, Role, StaffSession
from portal.staff_sessions import TOUCH_AFTER

from .staff_support import StaffBrowser, make_staff


@pytest.fixture
def sqlite_file(app):
    url = app.config["DATABASE_URL"]
    if not url.startswith("sqlite:///"):
        pytest.skip("the read and write locks of SQLite's WAL mode")
    return url.removeprefix("sqlite:///")


def another_writer(path: str) -> sqlite3.Connection:
    """Another worker's connection, which gives up at once rather than wait."""
    connection = sqlite3.connect(path, timeout=0.2, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    return connection


def last_seen(app, staff_id):
    with app.app_context():
        return db.session.scalars(
            select(StaffSession.last_seen_at).where(StaffSession.staff_id == staff_id)
        ).one()


def test_a_page_is_served_while_another_worker_holds_the_write_lock(app, sqlite_file, clock):
    officer = make_staff(app, Role.OFFICER)
    browser = StaffBrowser(app, officer)
    browser.sign_in(clock.now)
    writer = another_writer(sqlite_file)
    try:
        assert browser.client.get("/admin/cases").status_code == 200
        assert browser.client.get("/admin/").status_code == 200
    finally:
        writer.rollback()
        writer.close()


def test_a_search_is_answered_while_another_worker_writes(app, sqlite_file, clock):
    """A search is posted (its terms stay out of the address) but only reads:
    it does not wait for the lock until it writes its audit row."""
    officer = make_staff(app, Role.OFFICER)
    browser = StaffBrowser(app, officer)
    browser.sign_in(clock.now)
    token = browser.token("/admin/cases/search")
    with app.test_request_context("/admin/cases/search", method="POST"):
        db.session.scalar(select(AuditEvent.id).limit(1))
        writer = another_writer(sqlite_file)  # not kept waiting by this search's reads
        writer.rollback()
        writer.close()
        db.session.rollback()
    found = browser.client.post("/admin/cases/search", data={"csrf_token": token, "name": "Nobody"})
    assert found.status_code == 200 and "0 cases found" in found.get_data(as_text=True)


def test_a_page_that_writes_after_another_worker_wrote_keeps_its_write(app, sqlite_file):
    officer = make_staff(app, Role.OFFICER)
    with app.test_request_context("/admin/cases", method="GET"):
        before = db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
        # Another worker writes and commits while this request has read and not
        # yet written: it does not wait for this request, which holds no lock.
        writer = another_writer(sqlite_file)
        writer.execute("UPDATE staff SET name = 'Another Name' WHERE id = ?", (officer.id,))
        writer.commit()
        writer.close()
        audit.record("case_search", kind="surname")
        db.session.commit()
    with app.app_context():
        newest = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert newest.action == "case_search" and newest.id != before


def test_a_form_posted_takes_the_write_lock_at_once(app, sqlite_file, clock):
    """A post may read then write: it waits for the other writer rather than
    read first and find its snapshot overtaken."""
    officer = make_staff(app, Role.OFFICER)
    browser = StaffBrowser(app, officer)
    browser.sign_in(clock.now)
    token = browser.token("/admin/")
    with app.test_request_context("/admin/session/extend", method="POST"):
        db.session.scalar(select(AuditEvent.id).limit(1))
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            another_writer(sqlite_file)
        db.session.rollback()
    assert browser.client.post("/admin/session/extend", data={"csrf_token": token}).json


def test_activity_is_written_once_a_minute_by_pages_and_always_by_a_post(app, clock):
    officer = make_staff(app, Role.OFFICER)
    browser = StaffBrowser(app, officer)
    browser.sign_in(clock.now)
    signed_in_at = last_seen(app, officer.id)
    clock.advance(seconds=TOUCH_AFTER.total_seconds() - 1)
    assert browser.client.get("/admin/").status_code == 200
    assert last_seen(app, officer.id) == signed_in_at  # nothing written for this page
    clock.advance(seconds=2)
    assert browser.client.get("/admin/").status_code == 200
    paged_at = last_seen(app, officer.id)
    assert paged_at == signed_in_at + TOUCH_AFTER + timedelta(seconds=1)
    clock.advance(seconds=5)
    token = browser.token("/admin/")  # a page: too soon to write again
    assert last_seen(app, officer.id) == paged_at
    response = browser.client.post("/admin/session/extend", data={"csrf_token": token})
    assert response.json["seconds_left"] == app.config["STAFF_IDLE_MINUTES"] * 60
    assert last_seen(app, officer.id) == paged_at + timedelta(seconds=5)
