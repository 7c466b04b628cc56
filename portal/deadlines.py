"""Statutory deadlines, worked out in the force's own time (Europe/London):
triage within the force's `triage_hours`, first contact within its
`contact_working_days` (England and Wales bank holidays excluded), completion
by the end of the scheme's `deadline_days` (28 or 45) after the application
was received. The force configuration and the scheme definition are the only
sources of these numbers: the public pages print the same ones."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")


@cache
def bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def end_of_local_day(day: date) -> datetime:
    """The last moment of a day in London, in UTC (as every stored time is:
    SQLite keeps no offset, so a London time in summer would be read back an
    hour late)."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=LONDON).astimezone(UTC)


def local_date(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


def add_working_days(start: date, days: int) -> date:
    day = start
    while days > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def triage_due(received: datetime, hours: int) -> datetime:
    return received + timedelta(hours=hours)


def contact_due(received: datetime, working_days: int) -> datetime:
    return end_of_local_day(add_working_days(local_date(received), working_days))


def completion_due(received: datetime, days: int) -> datetime:
    return end_of_local_day(local_date(received) + timedelta(days=days))


def next_working_day(day: date) -> date:
    """The day itself if it is a working day, else the next one that is."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def every_days_due(since: date, days: int) -> datetime:
    """A clock that runs every `days` calendar days from a day (an update to
    the applicant, a review of the risk): due by the end of that day, or of
    the next working day where it falls on a weekend or bank holiday."""
    return end_of_local_day(next_working_day(since + timedelta(days=days)))


def for_application(received: datetime, *, force, deadline_days: int) -> dict[str, datetime]:
    """Every deadline of a new case, as the columns that keep them."""
    return {
        "triage_due_at": triage_due(received, force.triage_hours),
        "first_contact_due_at": contact_due(received, force.contact_working_days),
        "completion_due_at": completion_due(received, deadline_days),
    }
