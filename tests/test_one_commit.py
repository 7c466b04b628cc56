"""A request commits at most once: the view's own commit, or, where the view
commits nothing, the one portal/database.py makes of what guards and loaders
added. The whole suite runs with STRICT_COMMITS, so any view that commits
twice fails the tests that reach it; these tests show the rule itself."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal import audit
from portal.database import SecondCommit
from portal.extensions import db
from portal.models import AuditEvent, Draft, StaffSession
from tests.support import Applicant, page_url


def test_a_second_commit_in_one_request_is_refused_in_the_tests(make_app):
    other = make_app()

    @other.get("/twice")
    def twice():
        audit.record("first")
        db.session.commit()
        audit.record("second")
        db.session.commit()
        return "both"

    with pytest.raises(SecondCommit, match="twice"):
        other.test_client().get("/twice")


def test_what_a_guard_adds_is_kept_when_the_view_commits_nothing(make_app):
    other = make_app()

    @other.get("/guarded")
    def guarded():
        return "read only"

    @other.before_request
    def guard():
        audit.record("guard_was_here")

    assert other.test_client().get("/guarded").text == "read only"
    with other.app_context():
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id.desc()))
        assert actions.first() == "guard_was_here"


def test_nothing_is_kept_from_a_request_that_failed(make_app):
    other = make_app(PROPAGATE_EXCEPTIONS=False)

    @other.get("/fails")
    def fails():
        audit.record("never_kept")
        db.session.flush()
        raise RuntimeError("failed")

    assert other.test_client().get("/fails").status_code == 500
    with other.app_context():
        query = select(AuditEvent).where(AuditEvent.action == "never_kept")
        assert db.session.scalars(query).first() is None


def test_a_staff_page_that_writes_nothing_still_keeps_the_session_alive(app, officer, clock):
    def last_seen():
        with app.app_context():
            query = select(StaffSession.last_seen_at).where(
                StaffSession.staff_id == officer.staff.id
            )
            return db.session.scalar(query)

    before = last_seen()
    clock.advance(minutes=5)
    assert officer.client.get("/admin/cases").status_code == 200
    assert last_seen() - before == timedelta(minutes=5)


def test_an_expired_draft_found_on_loading_is_deleted(app, applicant, clock):
    applicant.answer("immediate-danger", {"danger": "no"})
    clock.advance(hours=5)
    applicant.get(page_url("who-for"))
    assert applicant.path == "/answers-deleted"
    with app.app_context():
        assert db.session.scalars(select(Draft)).first() is None
    assert Applicant(app).get("/").status == 200
