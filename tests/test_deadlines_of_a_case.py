"""The deadlines a new case is given, as stored when an application is sent:
triage after the force's hours, first contact by the end of its tenth working
day, completion by the end of the scheme's last day, each deadline lasting
until the last second of its day in London, whatever time zone the server's
own clock is set to."""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime

import pytest

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


@pytest.fixture(params=["UTC", "Europe/London", "America/New_York"])
def server_time_zone(request):
    """The time zone of the server's own clock (the process's local time)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    yield request.param
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def test_a_server_on_local_time_stores_the_same_deadlines_in_summer(app, clock, server_time_zone):
    # Monday 1 June 2026, 11:00 in London (British Summer Time); no bank holiday until August.
    clock.now = datetime(2026, 6, 1, 10, tzinfo=UTC)
    case_id = send_application(app)
    with app.app_context():
        case = db.session.get(Application, case_id)
        due = {
            "triage": as_utc(case.triage_due_at),
            "first contact": as_utc(case.first_contact_due_at),
            "completion": as_utc(case.completion_due_at),
        }
    # The end of Monday 15 and of Monday 29 June in London is 22:59:59 in UTC.
    assert due == {
        "triage": datetime(2026, 6, 2, 10, tzinfo=UTC),
        "first contact": datetime(2026, 6, 15, 22, 59, 59, tzinfo=UTC),
        "completion": datetime(2026, 6, 29, 22, 59, 59, tzinfo=UTC),
    }
