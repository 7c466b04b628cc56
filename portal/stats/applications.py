"""Applications counted for the statistics: by month, scheme and route, one
dimension at a time. The month is the month received, except for
"disclosure_made", counted in the month the disclosure was made (as the
yearly return counts disclosures). Each submission adds one to each of its
dimensions; a stage that changes what a case is counted under (triage, a
decision, a disclosure, closure) moves it from one value to another; `flask
--app wsgi stats rebuild` recounts everything from the applications
themselves, through the same `values`. The caller commits."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import delete, func, select

from portal import deadlines
from portal.casework.outcomes import DISCLOSURE_OUTCOMES
from portal.casework.stages import DEADLINES, LATE, STAGES
from portal.clock import as_utc
from portal.database import lift_statement_timeout
from portal.extensions import db
from portal.models import Application, ApplicationStat

KEY = ("month", "scheme", "route", "dimension", "value")
# What a case's counting reads: rebuild selects only these columns.
COLUMNS = (
    "scheme",
    "route",
    "submitted_at",
    "submitted_on",
    "applicant_type",
    "channel",
    "language",
    "outcome",
    "quality_identifies",
    "quality_right_scheme",
    "quality_crime_report",
    "decision_signed_off_at",
    "disclosed_at",
    "closed_at",
    "deviations",
    "support_consent",
    "support_referral",
    *sorted({column for d in DEADLINES.values() for column in (d.due, d.met)}),
)
DAYS = {"decision_days": "decision_signed_off_at", "disclosure_days": "disclosed_at"}
# Days counted exactly (for medians) and in these spans (the counts shown).
DAY_BUCKETS = ((0, 7), (8, 14), (15, 28), (29, 45), (46, 90), (91, None))


def bucket_of(days: int) -> str:
    for low, high in DAY_BUCKETS:
        if days >= low and (high is None or days <= high):
            return bucket_label(low, high)
    return bucket_label(*DAY_BUCKETS[0])


def bucket_label(low: int, high: int | None) -> str:
    return f"{low}+" if high is None else f"{low}-{high}"


def days_between(start, end) -> str:
    return str((as_utc(end) - as_utc(start)).days)


def with_buckets(found: dict[str, str], dimension: str, days: str) -> None:
    found[dimension] = days
    found[f"{dimension}_bucket"] = bucket_of(int(days))


def values(row) -> dict[str, tuple[date, str]]:
    """What a case is counted under, dimension by dimension, and in which month."""
    received = row.submitted_on.replace(day=1)
    found = {
        "all": "1",
        "applicant_type": row.applicant_type,
        "channel": row.channel,
        "language": row.language,
        "outcome": row.outcome or "",
        "quality": row.quality_identifies or "",
        "right_scheme": row.quality_right_scheme or "",
        "crime_report": row.quality_crime_report or "",
    }
    # Support from a specialist service: offered (the question was asked),
    # the answer, and the referral the officer recorded.
    if row.support_consent is not None:
        found["support_consent"] = row.support_consent
    if row.support_referral is not None:
        found["support_referral"] = row.support_referral
    for dimension, column in DAYS.items():
        if getattr(row, column) is not None:
            with_buckets(found, dimension, days_between(row.submitted_at, getattr(row, column)))
    for deadline in DEADLINES.values():
        if kept := deadline.kept(row):
            found[f"deadline_{deadline.name}"] = kept
    for entry in row.deviations or []:
        if entry.get("rule", LATE.rule) != LATE.rule:
            continue
        stage = STAGES.get(entry.get("stage") or "")
        deadline = stage.deadline if stage is not None else entry.get("deadline")
        if deadline in DEADLINES:
            found[f"late_{deadline}"] = entry.get("category") or "not_recorded"
    if row.closed_at is not None:
        with_buckets(found, "closed_days", days_between(row.submitted_at, row.closed_at))
        found["within_target"] = str(int(as_utc(row.closed_at) <= as_utc(row.completion_due_at)))
        found["disclosed"] = str(int(row.outcome in DISCLOSURE_OUTCOMES))
    counted = {dimension: (received, value) for dimension, value in found.items()}
    if row.disclosed_at is not None:
        made = deadlines.local_date(as_utc(row.disclosed_at)).replace(day=1)
        counted["disclosure_made"] = (made, "1")
    return counted


def add(row, amount: int, only: dict[str, tuple[date, str]] | None = None) -> None:
    from .events import upsert_count

    for dimension, (month, value) in (only if only is not None else values(row)).items():
        upsert_count(
            ApplicationStat,
            {
                "month": month,
                "scheme": row.scheme,
                "route": row.route,
                "dimension": dimension,
                "value": value,
            },
            amount,
            KEY,
        )


def moved(row, before: dict[str, tuple[date, str]]) -> None:
    """A case changed what it is counted under (after a stage was recorded)."""
    after = values(row)
    add(row, -1, {d: v for d, v in before.items() if after.get(d) != v})
    add(row, 1, {d: v for d, v in after.items() if before.get(d) != v})


def rebuild(batch: int = 5000) -> int:
    """Recount every application, through `values`, a batch at a time."""
    lift_statement_timeout(db.session)
    db.session.execute(delete(ApplicationStat))
    counts: dict[tuple, int] = defaultdict(int)
    query = select(*(getattr(Application, name) for name in COLUMNS)).execution_options(
        yield_per=batch
    )
    for row in db.session.execute(query):
        for dimension, (month, value) in values(row).items():
            counts[(month, row.scheme, row.route, dimension, value)] += 1
    from .events import insert_cells

    rows = [{**dict(zip(KEY, key, strict=True)), "count": n} for key, n in counts.items()]
    insert_cells(ApplicationStat, KEY, rows, batch)
    return db.session.scalar(select(func.count()).select_from(ApplicationStat))
