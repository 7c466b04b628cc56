"""Statistics on how the forms are used and how applications turn out.

Aggregates only: the journey figures come from the daily rollups, the
application figures from the applications' own columns, grouped in the
database. Every count under 5 is shown as "fewer than 5" and no rate is
shown when it rests on fewer than 5, in pages and CSV files alike.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.extensions import db
from portal.journeys.registry import SCHEMES
from portal.models import ApplicationStat, DailyStat

SMALL = 5


def suppress(count: int) -> str:
    if 0 < count < SMALL:
        return str(_l("fewer than 5"))
    return f"{count:,}"


def rate(part: int, whole: int) -> str:
    if whole < SMALL or (0 < part < SMALL):
        return str(_l("not shown"))
    return f"{100 * part / whole:.1f}%"


@dataclass
class Period:
    start: date
    end: date  # inclusive
    scheme: str | None = None  # a scheme's URL slug

    def rollup_filters(self):
        filters = [ApplicationStat.day >= self.start, ApplicationStat.day <= self.end]
        if self.scheme in SCHEMES:
            definition = SCHEMES[self.scheme]
            filters += [
                ApplicationStat.scheme == definition.code,
                ApplicationStat.route == definition.route,
            ]
        return filters

    def stat_filters(self):
        filters = [DailyStat.day >= self.start, DailyStat.day <= self.end]
        if self.scheme:
            filters.append(DailyStat.scheme == self.scheme)
        return filters


@dataclass
class Table:
    name: str
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    chart: list[tuple[str, int]] | None = None  # label, raw count, for a bar chart


# Journey figures, from the rollups.


def totals(period: Period) -> dict[str, int]:
    query = (
        select(DailyStat.kind, func.sum(DailyStat.count))
        .where(*period.stat_filters())
        .group_by(DailyStat.kind)
    )
    return {kind: int(total) for kind, total in db.session.execute(query)}


def by_page(period: Period, kinds: tuple[str, ...]) -> dict[str, int]:
    query = (
        select(DailyStat.page, func.sum(DailyStat.count))
        .where(*period.stat_filters(), DailyStat.kind.in_(kinds))
        .group_by(DailyStat.page)
    )
    return {page: int(total) for page, total in db.session.execute(query)}


def value_counts(period: Period, kind: str) -> dict[int, int]:
    query = (
        select(DailyStat.value, func.sum(DailyStat.count))
        .where(*period.stat_filters(), DailyStat.kind == kind)
        .group_by(DailyStat.value)
    )
    return {int(value): int(total) for value, total in db.session.execute(query)}


def median_from_counts(counts: dict[int, int]) -> int | None:
    total = sum(counts.values())
    if total == 0:
        return None
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if seen * 2 >= total:
            return value
    return None


def problem_questions(period: Period) -> list[dict]:
    """Errors per 100 attempts to save each page, by question, with the most
    common message."""
    attempts = by_page(period, ("attempt",))
    query = (
        select(DailyStat.page, DailyStat.question, DailyStat.message, func.sum(DailyStat.count))
        .where(*period.stat_filters(), DailyStat.kind == "error")
        .group_by(DailyStat.page, DailyStat.question, DailyStat.message)
    )
    grouped: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for page, question, message, total in db.session.execute(query):
        grouped[(page, question)][message] = int(total)
    found = []
    for (page, question), messages in grouped.items():
        errors = sum(messages.values())
        tried = attempts.get(page, 0)
        top = max(messages, key=messages.get)
        found.append(
            {
                "page": page,
                "question": question,
                "errors": errors,
                "attempts": tried,
                "per_100": 100 * errors / tried if tried else 0,
                "message": top,
            }
        )
    return sorted(found, key=lambda row: (-row["per_100"], row["page"], row["question"]))


def trend(period: Period, kinds: tuple[str, ...], grain: str) -> list[tuple[date, dict]]:
    query = (
        select(DailyStat.day, DailyStat.kind, func.sum(DailyStat.count))
        .where(*period.stat_filters(), DailyStat.kind.in_(kinds))
        .group_by(DailyStat.day, DailyStat.kind)
    )
    buckets: dict[date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(kinds, 0))
    for day, kind, total in db.session.execute(query):
        buckets[bucket_start(day, grain)][kind] += int(total)
    return sorted(buckets.items())


def bucket_start(day: date, grain: str) -> date:
    if grain == "month":
        return day.replace(day=1)
    return day - timedelta(days=day.weekday())


# Application figures, from the applications' own columns: one grouped pass
# for the breakdowns and one for closed cases, read through covering indexes.


def breakdown(period: Period) -> dict[str, dict[str, int]]:
    """Applications in the period, counted along each dimension."""
    query = (
        select(ApplicationStat.dimension, ApplicationStat.value, func.sum(ApplicationStat.count))
        .where(*period.rollup_filters())
        .group_by(ApplicationStat.dimension, ApplicationStat.value)
    )
    found: dict[str, dict[str, int]] = defaultdict(dict)
    for dimension, value, total in db.session.execute(query):
        if int(total):
            found[dimension][value or "None"] = int(total)
    return found


def by_route(period: Period) -> dict[str, int]:
    query = (
        select(ApplicationStat.route, func.sum(ApplicationStat.count))
        .where(*period.rollup_filters(), ApplicationStat.dimension == "all")
        .group_by(ApplicationStat.route)
    )
    return {route: int(total) for route, total in db.session.execute(query) if int(total)}


def closed_figures(applications: dict[str, dict[str, int]]) -> dict:
    """Closed cases: how many, how many in time, how many disclosed, and the
    median days to closure."""
    days = {int(d): n for d, n in applications.get("closed_days", {}).items()}
    return {
        "closed": sum(days.values()),
        "within_target": applications.get("within_target", {}).get("1", 0),
        "disclosed": applications.get("disclosed", {}).get("1", 0),
        "median_days": median_from_counts(days),
    }
