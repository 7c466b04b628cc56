"""The clocks that run while a case waits, besides its statutory deadlines
(DESIGN.md section 7), each declared once here: the next update to the
applicant, the next review of the risk, and the communication and
safeguarding plan a case needs before it can miss its completion date, and
the reply awaited from an enquiry to another force (enquiries.py). The
stages set them (stages.py), the queue filters by them (queries.py), and the
case page, the queue and the digest show them from here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_

from portal import deadlines
from portal.clock import as_utc
from portal.force import current_force
from portal.models import Application

from . import facts


@dataclass(frozen=True)
class Clock:
    name: str
    label: object
    # When it is next due for this open case (None: not running).
    due_at: Callable[[Application], datetime | None]
    # The SQL condition "due at or before this moment".
    due_by: Callable[[datetime], object]
    filter_label: object  # the queue's "show only" choice


def plan_due_at(case: Application) -> datetime | None:
    if case.plan_recorded_at is not None or case.completion_due_at is None:
        return None
    lead = timedelta(days=current_force().plan_days_before_completion)
    return as_utc(case.completion_due_at) - lead


def plan_due_by(moment: datetime):
    lead = timedelta(days=current_force().plan_days_before_completion)
    return and_(
        Application.plan_recorded_at.is_(None),
        Application.completion_due_at <= moment + lead,
    )


def column_due_at(name: str) -> Callable[[Application], datetime | None]:
    def due_at(case: Application) -> datetime | None:
        value = getattr(case, name)
        return as_utc(value) if value is not None else None

    return due_at


CLOCKS = {
    clock.name: clock
    for clock in (
        Clock(
            "update",
            _l("Update to the applicant"),
            column_due_at("update_due_at"),
            lambda moment: Application.update_due_at <= moment,
            _l("Update due"),
        ),
        Clock(
            "review",
            _l("Review of the risk"),
            column_due_at("review_due_at"),
            lambda moment: Application.review_due_at <= moment,
            _l("Risk review due"),
        ),
        Clock(
            "enquiry",
            _l("Reply to an enquiry to another force"),
            column_due_at("enquiry_reply_due_at"),
            lambda moment: Application.enquiry_reply_due_at <= moment,
            _l("Enquiry reply due"),
        ),
        Clock(
            "plan",
            _l("Communication and safeguarding plan"),
            plan_due_at,
            plan_due_by,
            _l("Needs a safeguarding plan"),
        ),
    )
}


def end_of_today(now: datetime) -> datetime:
    """Due "today" means due by the end of the force's day."""
    return deadlines.end_of_local_day(deadlines.local_date(now))


def running(case: Application, now: datetime) -> list[tuple[Clock, datetime, bool]]:
    """The clocks of an open case that run, soonest first, as (clock, due,
    overdue); none for a closed case."""
    if case.closed_at is not None:
        return []
    found = [(clock, clock.due_at(case)) for clock in CLOCKS.values()]
    return sorted(
        ((clock, due, due < now) for clock, due in found if due is not None),
        key=lambda entry: entry[1],
    )


def due_today(case: Application, now: datetime) -> list[tuple[Clock, datetime, bool]]:
    """The clocks due by the end of today, or overdue: what the queue flags."""
    today = end_of_today(now)
    return [entry for entry in running(case, now) if entry[1] <= today]


# What the stages change (their effects call these).


def update_interval(case: Application) -> int:
    """Days between updates: the plan's own, where one says, else the force's."""
    plan = facts.latest(case, "plan")
    every = (plan.data or {}).get("every_days") if plan else None
    return int(every) if every else current_force().update_every_days


def day_of(data: dict, field: str, now: datetime) -> date:
    """The day a record says something happened (its date field), else today."""
    try:
        return date.fromisoformat(data.get(field) or "")
    except ValueError:
        return deadlines.local_date(now)


def contacted(case: Application, data: dict, now: datetime) -> None:
    """A contact attempt: one that reached the applicant restarts the update
    clock (an update is a contact of purpose "update"); new information
    brings the risk review forward to now."""
    if data.get("result") == "reached":
        last = day_of(data, "contacted_on", now)
        case.last_contact_on = max(filter(None, (case.last_contact_on, last)))
        case.update_due_at = deadlines.every_days_due(case.last_contact_on, update_interval(case))
    if data.get("new_information") == "yes":
        review_now(case, now)


def review_now(case: Application, now: datetime) -> None:
    """Something new is known: the risk is due for review at once."""
    due = CLOCKS["review"].due_at(case)
    if case.triaged_at is not None and (due is None or now < due):
        case.review_due_at = now


def reviewed(case: Application, now: datetime) -> None:
    """Triage, or a review of the risk: the next review is due in the interval."""
    every = current_force().review_every_days
    case.review_due_at = deadlines.every_days_due(deadlines.local_date(now), every)


def planned(case: Application, now: datetime) -> None:
    """A communication and safeguarding plan: the plan clock stops, and the
    updates follow the plan's interval from the last contact."""
    case.plan_recorded_at = now
    if case.last_contact_on is not None:
        case.update_due_at = deadlines.every_days_due(case.last_contact_on, update_interval(case))
