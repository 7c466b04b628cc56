"""The retention boundary: a closed case's personal data is erased once it has
been closed for just over RETENTION_CASE_YEARS, and kept until then. "Just
under" is a day short of the period counted in 365-day years; "just over" is a
day past the same date that many calendar years on, so either reading of a
year agrees on both sides."""

from __future__ import annotations

import secrets
import signal
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal import retention
from portal.clock import as_utc
from portal.extensions import db
from portal.models import Application, CaseRecord, JourneyEvent, Role, SearchKey
from portal.stats import events as analytics

from .staff_support import audit_after, audit_marker, make_staff
from .staff_walk import send_application


@pytest.fixture(autouse=True)
def finishes():
    """A retention run that never ends fails its test within 45 seconds (each takes a few)."""

    def stop(_signal, _frame):
        raise TimeoutError("the retention run did not finish within 45 seconds")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, 45)
    yield
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)


# Leap days between the two sides of the boundary, or not.
NOTE = {"note": "Spoke to Quorra Witness"}
NOWS = [datetime(2026, 12, 1, 12, tzinfo=UTC), datetime(2024, 3, 1, 12, tzinfo=UTC)]


def years_before(moment: datetime, years: int) -> datetime:
    return moment.replace(year=moment.year - years)


def closed_case(app, clock, closed_at: datetime, officer_id: int) -> int:
    """A case sent a week before it closed, with a record of what an officer wrote."""
    now, clock.now = clock.now, closed_at - timedelta(days=7)
    case_id = send_application(app)
    clock.now = now
    with app.app_context():
        case = db.session.get(Application, case_id)
        case.closed_at = closed_at
        db.session.add(
            CaseRecord(
                uid=secrets.token_hex(16),
                application_id=case_id,
                kind="note",
                data=NOTE,
                recorded_by_id=officer_id,
                recorded_at=closed_at,
            )
        )
        db.session.commit()
    return case_id


def erased(app, case_id: int) -> bool:
    with app.app_context():
        case = db.session.get(Application, case_id)
        records = [r.data for r in case.records]
        search = db.session.scalars(select(SearchKey).where(SearchKey.application_id == case_id))
        searchable = bool(search.all())
        if case.erased_at is None:
            assert case.answers["your-name"] and case.subject_key and searchable
            assert all(record == NOTE for record in records)
            return False
        assert case.answers == {} and case.subject_key is None and case.applicant_key is None
        assert all(record == {} for record in records) and not searchable
        return True


def run_retention(app) -> str:
    result = app.test_cli_runner().invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("now", NOWS, ids=lambda now: now.date().isoformat())
@pytest.mark.parametrize("years", [None, 2], ids=["default", "configured"])
def test_a_closed_case_is_erased_just_after_the_period_and_not_before(
    app, make_app, clock, now, years
):
    clock.now = now
    if years is not None:
        app = make_app(RETENTION_CASE_YEARS=years)
    years = years or 6
    assert app.config["RETENTION_CASE_YEARS"] == years
    officer = make_staff(app, Role.OFFICER)
    kept = closed_case(app, clock, now - timedelta(days=365 * years - 1), officer.id)
    gone = closed_case(app, clock, years_before(now, years) - timedelta(days=1), officer.id)
    marker = audit_marker(app)
    assert "erased 1 closed cases" in run_retention(app)
    assert erased(app, gone)
    assert not erased(app, kept)
    trail = [(e.action, e.application_id, e.detail) for e in audit_after(app, marker)]
    assert trail == [("case_erased", gone, {"rule": "retention"})]
    with app.app_context():
        assert retention.erase(gone) is False  # another run got there first
        assert retention.erase(10**9) is False  # or the case is not there


def test_a_closed_case_is_kept_to_the_last_moment_of_its_period(app, clock):
    """The period as the erasure counts it, in 365-day years: a case closed
    exactly that long ago is still kept, and is erased a second later."""
    clock.now = NOWS[0]
    officer = make_staff(app, Role.OFFICER)
    case_id = closed_case(app, clock, clock.now - timedelta(days=365 * 6), officer.id)
    assert "erased 0 closed cases" in run_retention(app)
    assert not erased(app, case_id)
    clock.advance(seconds=1)
    assert "erased 1 closed cases" in run_retention(app)
    assert erased(app, case_id)


def test_an_open_case_is_never_erased(app, clock):
    clock.now = NOWS[0]
    case_id = send_application(app)
    clock.advance(days=365 * 20)
    with app.app_context():
        assert retention.due_for_erasure() == []
    assert "erased 0 closed cases" in run_retention(app)
    assert not erased(app, case_id)


@pytest.mark.parametrize("months", [None, 2], ids=["default", "configured"])
def test_raw_events_go_just_after_their_period_and_not_before(app, make_app, clock, months):
    """Events younger than that many 28-day months are kept; events 3 days
    older than that many 31-day months go, whatever a month is taken to be."""
    clock.now = NOWS[0]
    if months is not None:
        app = make_app(RETENTION_EVENT_MONTHS=months)
    months = months or 13
    assert app.config["RETENTION_EVENT_MONTHS"] == months
    shortest, longest = months * 28, months * 31
    with app.app_context():
        for days in (shortest, longest + 3):
            at = clock.now - timedelta(days=days)
            analytics.record("started", "right-to-ask", page="immediate-danger", at=at)
        db.session.commit()
    assert "deleted 1 raw journey events" in run_retention(app)
    with app.app_context():
        left = db.session.scalars(select(JourneyEvent.at)).all()
    assert [as_utc(at) for at in left] == [clock.now - timedelta(days=shortest)]


def test_an_event_is_kept_through_the_last_day_of_its_period(app, clock):
    """13 months of 30.44 days (the average month) is 396 days."""
    clock.now = NOWS[0]
    with app.app_context():
        for days in (396, 397):
            at = clock.now - timedelta(days=days)
            analytics.record("started", "right-to-ask", page="immediate-danger", at=at)
        db.session.commit()
    assert "deleted 1 raw journey events" in run_retention(app)
    assert "deleted 0 raw journey events" in run_retention(app)
    with app.app_context():
        left = db.session.scalars(select(JourneyEvent.at)).all()
    assert [as_utc(at) for at in left] == [clock.now - timedelta(days=396)]


def test_cases_are_erased_in_batches_in_order_and_all_counted(app, clock, monkeypatch):
    clock.now = NOWS[0]
    officer = make_staff(app, Role.OFFICER)
    ids = [closed_case(app, clock, clock.now - timedelta(days=365 * 7), officer.id) for _ in "abc"]
    with app.app_context():
        assert retention.due_for_erasure(limit=2) == ids[:2]
        assert retention.due_for_erasure() == ids
    batches = retention.due_for_erasure
    monkeypatch.setattr(retention, "due_for_erasure", lambda: batches(limit=2))
    output = run_retention(app)
    assert output.startswith("Deleted 3 expired drafts, erased 3 closed cases, ")
    assert all(erased(app, case_id) for case_id in ids)
