"""The figures the dashboard, the yearly return and their CSV files read.

Every count here is a sum of monthly cells, each rounded first (see
suppression.py): the rounding happens in the one grouped query each figure
comes from, so no caller can reach a raw cell. The exceptions are the
quantiles of days (a median is a number of days, not a count of people),
which are worked out from the exact distribution but shown only where the
rounded number of cases behind them is large enough.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field

from flask import g, has_request_context
from sqlalchemy import func, select

from portal.extensions import db
from portal.journeys.registry import SCHEMES
from portal.models import ApplicationStat, JourneyStat

from .applications import DAY_BUCKETS, bucket_label
from .periods import Period
from .suppression import MINIMUM_CASES, rounded_sql


@dataclass(frozen=True)
class Scope:
    """What a figure is about: a period (or all time), a form (or all), a version (or all)."""

    period: Period | None = None
    scheme: str | None = None  # a scheme's URL slug
    version: str | None = None

    def journey_filters(self) -> list:
        filters = []
        if self.period is not None:
            filters += [
                JourneyStat.month >= self.period.first,
                JourneyStat.month <= self.period.last,
            ]
        if self.scheme:
            filters.append(JourneyStat.scheme == self.scheme)
        if self.version:
            filters.append(JourneyStat.version == self.version)
        return filters

    def application_filters(self) -> list:
        filters = []
        if self.period is not None:
            filters += [
                ApplicationStat.month >= self.period.first,
                ApplicationStat.month <= self.period.last,
            ]
        if self.scheme in SCHEMES:
            definition = SCHEMES[self.scheme]
            filters += [
                ApplicationStat.scheme == definition.code,
                ApplicationStat.route == definition.route,
            ]
        return filters

    def before(self) -> Scope:
        """The same scope over the previous period."""
        previous = self.period.previous() if self.period is not None else None
        return Scope(previous, self.scheme, self.version)


def published(model):
    return func.sum(rounded_sql(model.count, model.offset))


def per_request(function):
    """The same figures asked for twice in one page (a summary and a table
    share them) are read once. Callers must not change what they get."""

    @functools.wraps(function)
    def once(*args, **kwargs):
        if not has_request_context():
            return function(*args, **kwargs)
        cache = g.setdefault("statistics_read", {})
        key = (function.__name__, args, tuple(sorted(kwargs.items())))
        if key not in cache:
            cache[key] = function(*args, **kwargs)
        return cache[key]

    return once


# Journey figures.


# The cells of the kinds a page asks for are read in one grouped query (months
# added up, each cell rounded first), and each figure is a sum over those: a
# page of tables costs a few queries, not one each, and reads only the kinds it
# shows (the page-by-page kinds hold most of the cells). Months are kept apart
# only for the kinds the trends draw.
JOURNEY_CELL = ("scheme", "version", "kind", "page", "question", "message", "value", "language")
MONTHLY_KINDS = ("started", "submitted", "satisfaction")
MONTHLY_CELL = ("month", "kind", "value")
# The kinds counted once a journey (not once a page): the totals.
JOURNEY_TOTALS = ("opened", "started", "submitted", "exited", "expired", "extended")


def cells_of(key: tuple, wanted, read) -> dict[str, list[tuple]]:
    """The cells of each of `wanted` (kinds or dimensions), read by `read(missing)`
    only for those not read before in this request (`key` names the scope)."""
    if has_request_context():
        cache = g.setdefault("statistics_cells", {}).setdefault(key, {})
    else:
        cache = {}
    missing = [name for name in dict.fromkeys(wanted) if name not in cache]
    if missing:
        found = read(missing)
        for name in missing:
            cache[name] = found.get(name, [])
    return {name: cache[name] for name in wanted}


def journey_cells(scope: Scope, monthly: bool, kinds: tuple[str, ...]) -> dict[str, list[tuple]]:
    """kind -> its cells (the columns of JOURNEY_CELL or MONTHLY_CELL, then the
    count), for these kinds."""
    names = MONTHLY_CELL if monthly else JOURNEY_CELL
    columns = [getattr(JourneyStat, name) for name in names]
    where = names.index("kind")

    def read(missing: list[str]) -> dict[str, list[tuple]]:
        query = (
            select(*columns, published(JourneyStat))
            .where(*scope.journey_filters(), JourneyStat.kind.in_(missing))
            .group_by(*columns)
        )
        found: dict[str, list[tuple]] = defaultdict(list)
        for row in db.session.execute(query):
            found[row[where]].append((*row[:-1], int(row[-1] or 0)))
        return found

    return cells_of(("journeys", scope, monthly), kinds, read)


def journeys(
    scope: Scope, *by: str, kinds: tuple[str, ...], scheme: str | None = None
) -> dict[tuple, int]:
    """Journey counts of these kinds grouped by these columns (kind, page,
    question, message, value, version, scheme, language; or month, with kind
    and value, for MONTHLY_KINDS), of one form if `scheme` is given."""
    monthly = "month" in by
    names = MONTHLY_CELL if monthly else JOURNEY_CELL
    if monthly and not (set(by) <= set(MONTHLY_CELL) and set(kinds) <= set(MONTHLY_KINDS)):
        raise ValueError("Months are kept for the trends' kinds only")
    which = None
    if scheme and monthly:  # the monthly cells do not keep the form apart
        scope = Scope(scope.period, scheme, scope.version)
    elif scheme:
        which = names.index("scheme")
    picks = [names.index(name) for name in by]
    cells = journey_cells(scope, monthly, kinds)
    found: dict[tuple, int] = defaultdict(int)
    for kind in cells:
        for cell in cells[kind]:
            if which is None or cell[which] == scheme:
                found[tuple(cell[i] for i in picks)] += cell[-1]
    return dict(found)


def totals(scope: Scope, scheme: str | None = None) -> dict[str, int]:
    """kind -> count, for the kinds counted once a journey (JOURNEY_TOTALS)."""
    counted = journeys(scope, "kind", kinds=JOURNEY_TOTALS, scheme=scheme)
    return {kind: n for (kind,), n in counted.items()}


def by_page(scope: Scope, kinds: tuple[str, ...]) -> dict[tuple[str, str], int]:
    """(kind, page) -> count."""
    return journeys(scope, "kind", "page", kinds=kinds)


def value_counts(scope: Scope, kind: str) -> dict[int, int]:
    return {int(value): n for (value,), n in journeys(scope, "value", kinds=(kind,)).items()}


def monthly(scope: Scope, kinds: tuple[str, ...]) -> dict:
    """month -> kind -> count."""
    found: dict = defaultdict(lambda: dict.fromkeys(kinds, 0))
    for (month, kind), n in journeys(scope, "month", "kind", kinds=kinds).items():
        found[month][kind] = n
    return dict(sorted(found.items()))


def monthly_values(scope: Scope, kind: str) -> dict:
    """month -> value -> count (satisfaction scores by month)."""
    found: dict = defaultdict(dict)
    for (month, value), n in journeys(scope, "month", "value", kinds=(kind,)).items():
        found[month][int(value)] = n
    return dict(sorted(found.items()))


def median_from_counts(counts: dict[int, int]) -> int | None:
    return quantile_from_counts(counts, 0.5)


def quantile_from_counts(counts: dict[int, int], share: float) -> int | None:
    """The smallest value with at least this share of the counts at or below it."""
    total = sum(counts.values())
    if total <= 0:
        return None
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if seen >= share * total:
            return value
    return None


@dataclass
class Problem:
    page: str
    question: str
    journeys: int  # journeys that met an error on it
    errors: int  # every error shown on it
    reached: int  # journeys that reached its page
    message: str  # the most common message


def problem_questions(scope: Scope) -> list[Problem]:
    """Questions by the journeys that met an error on them, the most first."""
    met = journeys(scope, "page", "question", kinds=("met_error",))
    shown = journeys(scope, "page", "question", "message", kinds=("error",))
    reached = {page: n for (_kind, page), n in by_page(scope, ("reached",)).items()}
    messages: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for (page, question, message), n in shown.items():
        messages[(page, question)][message] = n
    found = []
    for key in set(met) | set(messages):
        page, question = key
        texts = messages.get(key, {})
        found.append(
            Problem(
                page,
                question,
                met.get(key, 0),
                sum(texts.values()),
                reached.get(page, 0),
                max(texts, key=texts.get) if texts else "",
            )
        )
    return sorted(found, key=lambda p: (-p.journeys, -p.errors, p.page, p.question))


# Application figures.


APPLICATION_CELL = ("dimension", "value", "scheme", "route")


def application_cells(
    scope: Scope, exact: bool = False, dimensions: tuple[str, ...] = ()
) -> dict[str, list[tuple]]:
    """dimension -> its cells (the columns of APPLICATION_CELL, then the count),
    for these dimensions."""
    columns = [getattr(ApplicationStat, name) for name in APPLICATION_CELL]
    counted = func.sum(ApplicationStat.count) if exact else published(ApplicationStat)

    def read(missing: list[str]) -> dict[str, list[tuple]]:
        query = (
            select(*columns, counted)
            .where(*scope.application_filters(), ApplicationStat.dimension.in_(missing))
            .group_by(*columns)
        )
        found: dict[str, list[tuple]] = defaultdict(list)
        for row in db.session.execute(query):
            found[row[0]].append((*row[:-1], int(row[-1] or 0)))
        return found

    return cells_of(("applications", scope, exact), dimensions, read)


def applications(
    scope: Scope, *by: str, dimensions: tuple[str, ...], exact: bool = False
) -> dict[tuple, int]:
    """Application counts grouped by these columns (dimension, value, scheme,
    route). Exact counts only for the staff's own yearly return and for the
    quantiles of days, never for a count that is published."""
    picks = [APPLICATION_CELL.index(name) for name in by]
    cells = application_cells(scope, exact, dimensions)
    found: dict[tuple, int] = defaultdict(int)
    for dimension in dimensions:
        for cell in cells[dimension]:
            found[tuple(cell[i] for i in picks)] += cell[-1]
    return dict(found)


def breakdown(scope: Scope, dimensions: tuple[str, ...]) -> dict[str, dict[str, int]]:
    """dimension -> value -> count."""
    found: dict[str, dict[str, int]] = defaultdict(dict)
    for (dimension, value), n in applications(
        scope, "dimension", "value", dimensions=dimensions
    ).items():
        found[dimension][value] = n
    return found


def by_form(scope: Scope, dimensions: tuple[str, ...]) -> dict:
    """dimension -> value -> (scheme, route) -> count."""
    found: dict = defaultdict(lambda: defaultdict(dict))
    for (dimension, value, scheme, route), n in applications(
        scope, "dimension", "value", "scheme", "route", dimensions=dimensions
    ).items():
        found[dimension][value][(scheme, route)] = n
    return found


def exact_days(scope: Scope, dimension: str) -> dict[tuple[str, str], dict[int, int]]:
    """(scheme, route) -> days -> exact count, for the quantiles only (never shown as counts)."""
    found: dict = defaultdict(dict)
    for (scheme, route, value), n in applications(
        scope, "scheme", "route", "value", dimensions=(dimension,), exact=True
    ).items():
        if n > 0:
            found[(scheme, route)][int(value)] = n
    return found


@dataclass
class Spread:
    cases: int  # rounded
    median: int | None
    ninetieth: int | None
    buckets: dict[str, int] = field(default_factory=dict)  # span of days -> rounded count


SPANS = [bucket_label(*bucket) for bucket in DAY_BUCKETS]


def spread(exact: dict[int, int], buckets: dict[str, int]) -> Spread:
    cases = sum(buckets.values())
    enough = cases >= MINIMUM_CASES
    return Spread(
        cases,
        quantile_from_counts(exact, 0.5) if enough else None,
        quantile_from_counts(exact, 0.9) if enough else None,
        {span: buckets.get(span, 0) for span in SPANS},
    )


def timeliness(scope: Scope, dimension: str) -> dict:
    """(scheme, route), and "all" -> the spread of days, for decision_days,
    disclosure_days or closed_days."""
    exact = exact_days(scope, dimension)
    spans: dict = defaultdict(dict)
    for (span, scheme, route), n in applications(
        scope, "value", "scheme", "route", dimensions=(f"{dimension}_bucket",)
    ).items():
        spans[(scheme, route)][span] = n
    everything: dict[int, int] = defaultdict(int)
    all_spans: dict[str, int] = defaultdict(int)
    result = {}
    for route in sorted(set(exact) | set(spans)):
        for days, n in exact.get(route, {}).items():
            everything[days] += n
        for span, n in spans.get(route, {}).items():
            all_spans[span] += n
        result[route] = spread(exact.get(route, {}), spans.get(route, {}))
    result["all"] = spread(dict(everything), dict(all_spans))
    return result
