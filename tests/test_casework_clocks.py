"""The clocks while a case waits (portal/casework/clocks.py): updates to the
applicant, reviews of the risk with its history and the MARAC prompt, and the
communication and safeguarding plan before the completion date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from portal.clock import as_utc
from portal.deadlines import LONDON, every_days_due
from portal.models import Role

from .casework_support import CONTACT, TRIAGE, case_row, record, submit
from .staff_support import StaffBrowser, make_staff

MONDAY = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)  # CONTACT is this Monday morning


def end_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=LONDON)


def test_a_clock_that_falls_on_a_bank_holiday_is_due_the_next_working_day():
    # 18 Dec + 7 = Christmas Day (Friday); Monday 28 is the Boxing Day holiday.
    assert every_days_due(date(2026, 12, 18), 7) == end_of(date(2026, 12, 29))
    assert every_days_due(date(2026, 11, 2), 7) == end_of(date(2026, 11, 9))


@pytest.mark.parametrize(
    ("since", "due"),
    [
        (date(2026, 10, 31), date(2026, 11, 9)),  # Saturday 7 November: the Monday after
        (date(2026, 11, 1), date(2026, 11, 9)),  # Sunday 8 November: the next day
    ],
)
def test_a_clock_that_falls_on_a_weekend_is_due_the_monday(since, due):
    assert every_days_due(since, 7) == end_of(due)


def test_a_clock_is_due_at_the_end_of_the_london_day_either_side_of_the_clocks_changing():
    summer = every_days_due(date(2026, 10, 13), 7)  # 20 October, British Summer Time
    winter = every_days_due(date(2026, 10, 20), 7)  # 27 October, Greenwich Mean Time
    assert summer.astimezone(UTC).hour == 22 and winter.astimezone(UTC).hour == 23


@pytest.fixture
def officer(app, clock):
    """An officer signed in on the Monday the case arrives (not the real day:
    a one-time code is never taken for a time before the last one used)."""
    clock.now = MONDAY
    browser = StaffBrowser(app, make_staff(app, Role.OFFICER, name="Olive Officer"))
    browser.sign_in(clock.now)
    return browser


def later(officer, clock, **delta) -> None:
    """Time passes: the officer signs in again (a staff session ends when idle)."""
    clock.advance(**delta)
    officer.sign_in(clock.now)


def started(app, officer, clock) -> int:
    clock.now = MONDAY
    case_id = submit(app)
    assert record(officer, case_id, "triage", TRIAGE).status_code == 302
    return case_id


def test_triage_starts_the_review_clock_and_a_reached_contact_the_update_clock(app, officer, clock):
    case_id = started(app, officer, clock)
    case = case_row(app, case_id)
    assert as_utc(case.review_due_at) == end_of(date(2026, 11, 9))
    assert case.update_due_at is None  # the first-contact deadline runs until then
    assert record(officer, case_id, "contact", CONTACT).status_code == 302
    assert as_utc(case_row(app, case_id).update_due_at) == end_of(date(2026, 11, 9))
    # An attempt that does not reach them does not restart it.
    later(officer, clock, days=5)
    missed = CONTACT | {"purpose": "update", "result": "no_answer", "contacted_on-day": "6"}
    assert record(officer, case_id, "contact", missed).status_code == 302
    assert as_utc(case_row(app, case_id).update_due_at) == end_of(date(2026, 11, 9))
    # An update that reaches them does.
    update = CONTACT | {"purpose": "update", "contacted_on-day": "6"}
    assert record(officer, case_id, "contact", update).status_code == 302
    assert as_utc(case_row(app, case_id).update_due_at) == end_of(date(2026, 11, 13))


def test_the_queue_shows_and_filters_updates_due(app, officer, clock):
    case_id = started(app, officer, clock)
    record(officer, case_id, "contact", CONTACT)
    reference = case_row(app, case_id).reference
    assert reference not in officer.client.get("/admin/cases?due_update=1").text
    later(officer, clock, days=8)  # Tuesday 10 November: the update was due yesterday
    page = officer.client.get("/admin/cases?due_update=1").text
    assert reference in page and "Update to the applicant" in page and "Overdue" in page
    assert "Update due (1)" in page


def test_new_information_brings_the_review_forward_and_a_raised_risk_shows_at_once(
    app, officer, clock
):
    case_id = started(app, officer, clock)
    later(officer, clock, days=1)
    assert record(officer, case_id, "check", {"system": "pnc", "result": "relevant"}).status_code
    assert as_utc(case_row(app, case_id).review_due_at) == clock.now
    assert case_row(app, case_id).reference in officer.client.get("/admin/cases?due_review=1").text
    review = {"risk": "high", "basis": "The check found a conviction for assault"}
    assert record(officer, case_id, "review", review).status_code == 302
    case = case_row(app, case_id)
    assert case.current_risk == "high" and as_utc(case.risk_raised_at) == clock.now
    assert as_utc(case.review_due_at) == end_of(date(2026, 11, 10))
    queue = officer.client.get("/admin/cases?risk=high").text
    assert case.reference in queue and "Raised" in queue
    page = officer.client.get(f"/admin/cases/{case_id}").text
    assert "no MARAC referral has been recorded" in page
    assert "The risk over time" in page and "Standard" in page and "High" in page
    marac = {"referred_on-day": "3", "referred_on-month": "11", "referred_on-year": "2026"}
    assert record(officer, case_id, "marac", marac).status_code == 302
    assert "no MARAC referral has been recorded" not in (
        officer.client.get(f"/admin/cases/{case_id}").text
    )


def test_a_contact_with_new_information_makes_the_review_due_now(app, officer, clock):
    case_id = started(app, officer, clock)
    later(officer, clock, hours=3)
    record(officer, case_id, "contact", CONTACT | {"new_information": "yes"})
    assert as_utc(case_row(app, case_id).review_due_at) == clock.now


def test_a_case_needs_a_plan_from_day_21_and_the_plan_sets_the_updates(app, officer, clock):
    case_id = started(app, officer, clock)
    record(officer, case_id, "contact", CONTACT)
    reference = case_row(app, case_id).reference
    plans = "/admin/cases?due_plan=1"
    later(officer, clock, days=19)  # Saturday 21 November: day 19
    assert reference not in officer.client.get(plans).text
    later(officer, clock, days=2)  # Monday 23 November: 7 days before the completion date
    page = officer.client.get(plans).text
    assert reference in page and "Communication and safeguarding plan" in page
    plan = {
        "told": "Checks with another force are taking longer; we call every 3 days",
        "every_days": "3",
        "safeguarding": "Marker on the address; safety plan with the IDVA",
    }
    assert record(officer, case_id, "plan", plan).status_code == 302
    case = case_row(app, case_id)
    assert as_utc(case.plan_recorded_at) == clock.now
    assert as_utc(case.update_due_at) == end_of(date(2026, 11, 5))  # 3 days from the last contact
    assert reference not in officer.client.get(plans).text
    assert "Communication and safeguarding plan recorded" in (
        officer.client.get(f"/admin/cases/{case_id}").text
    )


def test_a_plan_asks_for_its_interval_in_days(app, officer, clock):
    case_id = started(app, officer, clock)
    plan = {"told": "Told", "every_days": "sixty", "safeguarding": "Safety plan"}
    response = record(officer, case_id, "plan", plan)
    assert "How often must be a number of days, like 7" in response.text
    response = record(officer, case_id, "plan", plan | {"every_days": "60"})
    assert "How often must be between 1 and 28 days" in response.text
    assert case_row(app, case_id).plan_recorded_at is None
    assert timedelta(0) <= clock.now - MONDAY
