"""Applications counted for the statistics: by day received, scheme and
route, one dimension at a time. Each submission adds one to each of its
dimensions; a triage or a closure moves the case from one value to another;
`flask --app wsgi stats rebuild` recounts everything from the applications
themselves. The caller commits."""

from __future__ import annotations

from sqlalchemy import Integer, String, case, cast, delete, extract, func, insert, literal, select

from portal.casework.outcomes import DISCLOSURE_OUTCOMES
from portal.clock import as_utc
from portal.database import lift_statement_timeout
from portal.extensions import db
from portal.models import Application, ApplicationStat

KEY = ("day", "scheme", "route", "dimension", "value")


def values(row: Application) -> dict[str, str]:
    """What a case is counted under, dimension by dimension."""
    found = {
        "all": "1",
        "applicant_type": row.applicant_type,
        "channel": row.channel,
        "outcome": row.outcome or "",
        "quality": row.quality_identifies or "",
    }
    if row.closed_at is not None:
        closed, submitted = as_utc(row.closed_at), as_utc(row.submitted_at)
        found["closed_days"] = str((closed - submitted).days)
        found["within_target"] = str(int(closed <= as_utc(row.completion_due_at)))
        found["disclosed"] = str(int(row.outcome in DISCLOSURE_OUTCOMES))
    return found


def add(row: Application, amount: int, only: dict[str, str] | None = None) -> None:
    from portal.analytics import upsert_count

    base = {"day": row.submitted_on, "scheme": row.scheme, "route": row.route}
    for dimension, value in (only if only is not None else values(row)).items():
        upsert_count(ApplicationStat, {**base, "dimension": dimension, "value": value}, amount, KEY)


def moved(row: Application, before: dict[str, str]) -> None:
    """A case changed what it is counted under (after a triage or a closure)."""
    after = values(row)
    add(row, -1, {d: v for d, v in before.items() if after.get(d) != v})
    add(row, 1, {d: v for d, v in after.items() if before.get(d) != v})


def expressions() -> dict[str, object]:
    if db.session.get_bind().dialect.name == "postgresql":
        seconds = extract("epoch", Application.closed_at - Application.submitted_at)
        days = cast(func.floor(seconds / 86400), Integer)
    else:
        days = cast(
            func.julianday(Application.closed_at) - func.julianday(Application.submitted_at),
            Integer,
        )
    within = case((Application.closed_at <= Application.completion_due_at, "1"), else_="0")
    disclosed = case((Application.outcome.in_(DISCLOSURE_OUTCOMES), "1"), else_="0")
    return {
        "all": literal("1"),
        "applicant_type": Application.applicant_type,
        "channel": Application.channel,
        "outcome": func.coalesce(Application.outcome, literal("")),
        "quality": func.coalesce(Application.quality_identifies, literal("")),
        "closed_days": cast(days, String),
        "within_target": within,
        "disclosed": disclosed,
    }


CLOSED_ONLY = {"closed_days", "within_target", "disclosed"}


def rebuild() -> int:
    lift_statement_timeout(db.session)
    db.session.execute(delete(ApplicationStat))
    for dimension, value in expressions().items():
        columns = [
            Application.submitted_on,
            Application.scheme,
            Application.route,
            literal(dimension),
            value,
        ]
        query = select(*columns, func.count()).group_by(*columns)
        if dimension in CLOSED_ONLY:
            query = query.where(Application.closed_at.is_not(None))
        db.session.execute(insert(ApplicationStat).from_select([*KEY, "count"], query))
    # Counted afterwards: a driver may report -1 rows for INSERT … SELECT.
    return db.session.scalar(select(func.count()).select_from(ApplicationStat))
