"""Applications counted for the statistics, by day and by what the dashboard
groups them by. Each submission adds one; a triage or a closure moves the
case from one count to another; `flask --app wsgi stats rebuild` recounts
everything from the applications themselves. The caller commits."""

from __future__ import annotations

from sqlalchemy import Integer, case, cast, delete, extract, func, insert, literal, select

from portal.admin.case_forms import DISCLOSURE_OUTCOMES
from portal.clock import as_utc
from portal.extensions import db
from portal.models import Application, ApplicationStat

KEY = (
    "day",
    "scheme",
    "route",
    "applicant_type",
    "channel",
    "outcome",
    "quality",
    "closed_days",
    "within_target",
    "disclosed",
)


def key(case_row: Application) -> dict:
    closed = case_row.closed_at is not None
    days = (as_utc(case_row.closed_at) - as_utc(case_row.submitted_at)).days if closed else -1
    return {
        "day": case_row.submitted_on,
        "scheme": case_row.scheme,
        "route": case_row.route,
        "applicant_type": case_row.applicant_type,
        "channel": case_row.channel,
        "outcome": case_row.outcome or "",
        "quality": case_row.quality_identifies or "",
        "closed_days": days,
        "within_target": int(
            closed and as_utc(case_row.closed_at) <= as_utc(case_row.completion_due_at)
        ),
        "disclosed": int(closed and case_row.outcome in DISCLOSURE_OUTCOMES),
    }


def add(row: dict, amount: int) -> None:
    from portal.analytics import upsert_count

    upsert_count(ApplicationStat, row, amount, KEY)


def moved(before: dict, after: dict) -> None:
    """A case changed what it is counted under."""
    if before != after:
        add(before, -1)
        add(after, 1)


def rebuild() -> int:
    if db.session.get_bind().dialect.name == "postgresql":
        seconds = extract("epoch", Application.closed_at - Application.submitted_at)
        days = cast(func.floor(seconds / 86400), Integer)
    else:
        days = cast(
            func.julianday(Application.closed_at) - func.julianday(Application.submitted_at),
            Integer,
        )
    closed = Application.closed_at.is_not(None)
    columns = [
        Application.submitted_on,
        Application.scheme,
        Application.route,
        Application.applicant_type,
        Application.channel,
        func.coalesce(Application.outcome, literal("")),
        func.coalesce(Application.quality_identifies, literal("")),
        case((closed, days), else_=-1),
        case((closed & (Application.closed_at <= Application.completion_due_at), 1), else_=0),
        case((closed & Application.outcome.in_(DISCLOSURE_OUTCOMES), 1), else_=0),
    ]
    db.session.execute(delete(ApplicationStat))
    grouped = select(*columns, func.count()).group_by(*columns)
    result = db.session.execute(insert(ApplicationStat).from_select([*KEY, "count"], grouped))
    return result.rowcount or 0
