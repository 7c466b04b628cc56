"""Statutory deadlines, worked out in the force's own time (Europe/London):
triage within 24 hours, first contact within 10 working days (England and
Wales bank holidays excluded), completion by the end of the 28th (or 45th)
day after the application was received."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")
TRIAGE_HOURS = 24
CONTACT_WORKING_DAYS = 10


@cache
def bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def end_of_local_day(day: date) -> datetime:
    """The last moment of a day in London, as an aware datetime."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=LONDON)


def local_date(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


def add_working_days(start: date, days: int) -> date:
    day = start
    while days > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def triage_due(received: datetime) -> datetime:
    return received + timedelta(hours=TRIAGE_HOURS)


def contact_due(received: datetime, working_days: int = CONTACT_WORKING_DAYS) -> datetime:
    return end_of_local_day(add_working_days(local_date(received), working_days))


def completion_due(received: datetime, days: int) -> datetime:
    return end_of_local_day(local_date(received) + timedelta(days=days))
