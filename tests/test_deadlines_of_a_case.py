"""The deadlines a new case is given, as stored when an application is sent:
triage after the force's hours, first contact by the end of its tenth working
day, completion by the end of the scheme's last day, each deadline lasting
until the last second of its day in London."""

from __future__ import annotations

from datetime import UTC, date, datetime

from portal.clock import as_utc
from portal.deadlines import LONDON, end_of_local_day
from portal.extensions import db
from portal.models import Application

from .staff_walk import send_application


def test_a_sent_application_is_given_all_three_deadlines(app, clock):
    clock.now = datetime(2026, 11, 2, 10, tzinfo=UTC)  # a Monday, Greenwich time
    case_id = send_application(app)
    with app.app_context():
        case = db.session.get(Application, case_id)
        due = {
            "triage": as_utc(case.triage_due_at),
            "first contact": as_utc(case.first_contact_due_at),
            "completion": as_utc(case.completion_due_at),
        }
    assert due == {
        "triage": datetime(2026, 11, 3, 10, tzinfo=UTC),
        "first contact": datetime(2026, 11, 16, 23, 59, 59, tzinfo=UTC),
        "completion": datetime(2026, 11, 30, 23, 59, 59, tzinfo=UTC),
    }


def test_a_deadline_lasts_until_the_last_second_of_its_day_in_london():
    summer = end_of_local_day(date(2026, 6, 19))
    assert summer == datetime(2026, 6, 19, 23, 59, 59, tzinfo=LONDON)
    assert summer.astimezone(UTC) == datetime(2026, 6, 19, 22, 59, 59, tzinfo=UTC)
