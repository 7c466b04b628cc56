"""The statistics dashboard for analysts and supervisors: tables with a chart
beside the trends, each table downloadable as CSV with the same suppression."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from flask import Response, abort, render_template, request
from flask_babel import lazy_gettext as _l

from portal import clock, deadlines
from portal import statistics as stats
from portal.casework.outcomes import OUTCOME_LABELS
from portal.journeys.registry import SCHEMES
from portal.models import Role
from portal.statistics import Period, Table, rate, suppress

from . import bp
from .auth import role_required

readers = role_required(Role.ANALYST, Role.SUPERVISOR)

PERIODS = {"4w": _l("Last 4 weeks"), "12m": _l("Last 12 months"), "custom": _l("Custom dates")}


def chosen_period() -> tuple[Period, str, str | None]:
    """The period from the query string, and an error message if the dates are wrong."""
    args = request.args
    today = deadlines.local_date(clock.utcnow())
    scheme = args.get("scheme") if args.get("scheme") in SCHEMES else None
    kind = args.get("period", "12m")
    if kind == "4w":
        return Period(today - timedelta(days=27), today, scheme), kind, None
    if kind == "custom":
        try:
            start, end = date.fromisoformat(args["from"]), date.fromisoformat(args["to"])
        except (KeyError, ValueError):
            return (
                Period(today - timedelta(days=364), today, scheme),
                kind,
                str(_l("Enter the dates in the format 2026-01-31")),
            )
        if start > end:
            return (
                Period(end, start, scheme),
                kind,
                str(_l("The start date must be before the end date")),
            )
        return Period(start, end, scheme), kind, None
    return Period(today - timedelta(days=364), today, scheme), "12m", None


def headline(period: Period, applications: dict) -> Table:
    totals = stats.totals(period)
    started, submitted = totals.get("started", 0), totals.get("submitted", 0)
    channels = applications.get("channel", {})
    all_channels = sum(channels.values())
    scores = stats.value_counts(period, "satisfaction")
    answered = sum(scores.values())
    median = stats.median_from_counts(stats.value_counts(period, "submitted"))
    satisfied = sum(n for score, n in scores.items() if score >= 4)
    rows = [
        [str(_l("Forms started")), suppress(started)],
        [str(_l("Forms sent")), suppress(submitted)],
        [str(_l("Completion rate (sent ÷ started)")), rate(submitted, started)],
        [
            str(_l("Median time to complete")),
            str(_l("%(minutes)s minutes or more", minutes=median))
            if median is not None and submitted >= stats.SMALL
            else str(_l("not shown")),
        ],
        [str(_l("Left with Exit this page")), suppress(totals.get("exited", 0))],
        [str(_l("Answers deleted after the time limit")), suppress(totals.get("expired", 0))],
        [str(_l("Time limit extended")), suppress(totals.get("extended", 0))],
        [str(_l("Satisfied or very satisfied")), rate(satisfied, answered)],
        [
            str(_l("Digital take-up (online ÷ all channels)")),
            rate(channels.get("online", 0), all_channels),
        ],
    ]
    return Table(
        "headline", str(_l("Headline figures")), [str(_l("Measure")), str(_l("Value"))], rows
    )


def per_page(period: Period, kinds: tuple[str, ...], key: str, title, counted) -> Table:
    """Events of these kinds counted by page, the most first."""
    counts = stats.by_page(period, kinds)
    rows = [[page, suppress(n)] for page, n in sorted(counts.items(), key=lambda i: -i[1])]
    return Table(key, str(title), [str(_l("Page")), str(counted)], rows)


def drop_off(period: Period) -> Table:
    return per_page(
        period,
        ("exited", "expired"),
        "drop-off",
        _l("Where unfinished forms stopped"),
        _l("Forms that stopped there"),
    )


def problems(period: Period) -> Table:
    rows = []
    for row in stats.problem_questions(period):
        per_100 = (
            f"{row['per_100']:.1f}"
            if row["attempts"] >= stats.SMALL and row["errors"] >= stats.SMALL
            else str(_l("not shown"))
        )
        rows.append(
            [
                row["page"],
                row["question"],
                suppress(row["errors"]),
                suppress(row["attempts"]),
                per_100,
                row["message"],
            ]
        )
    return Table(
        "problem-questions",
        str(_l("Problem questions")),
        [
            str(_l("Page")),
            str(_l("Question")),
            str(_l("Errors")),
            str(_l("Attempts to save the page")),
            str(_l("Errors per 100 attempts")),
            str(_l("Most common message")),
        ],
        rows,
    )


def changed(period: Period) -> Table:
    return per_page(
        period,
        ("changed",),
        "changed",
        _l("Answers changed from check your answers"),
        _l("Changes"),
    )


def grouped(name: str, title, column: str, label, applications, labels=None) -> Table:
    counts = applications.get(column, {})
    total = sum(counts.values())
    rows = [
        [str((labels or {}).get(key, key)), suppress(n), rate(n, total)]
        for key, n in sorted(counts.items(), key=lambda i: -i[1])
    ]
    return Table(name, str(title), [str(label), str(_l("Applications")), str(_l("Share"))], rows)


def outcomes(period: Period, applications: dict) -> Table:
    table = grouped(
        "outcomes",
        _l("Outcomes"),
        "outcome",
        _l("Outcome"),
        applications,
        labels={
            "None": str(_l("Still open")),
            **{k: str(v) for k, v in OUTCOME_LABELS.items()},
        },
    )
    figures = stats.closed_figures(applications)
    median = figures["median_days"]
    table.rows += [
        [
            str(_l("Disclosure rate (of closed cases)")),
            "",
            rate(figures["disclosed"], figures["closed"]),
        ],
        [
            str(_l("Completed within the statutory target")),
            "",
            rate(figures["within_target"], figures["closed"]),
        ],
        [
            str(_l("Median days to a decision")),
            "",
            str(median)
            if median is not None and figures["closed"] >= stats.SMALL
            else str(_l("not shown")),
        ],
    ]
    return table


def trends(period: Period, grain: str) -> Table:
    series = stats.trend(period, ("started", "submitted"), grain)
    title = (
        _l("Forms started and sent, by week")
        if grain == "week"
        else _l("Forms started and sent, by month")
    )
    rows = [
        [start.isoformat(), suppress(c["started"]), suppress(c["submitted"])] for start, c in series
    ]
    table = Table(
        f"trend-{grain}",
        str(title),
        [str(_l("Starting")), str(_l("Started")), str(_l("Sent"))],
        rows,
    )
    table.chart = [(start.isoformat(), c["submitted"]) for start, c in series]
    return table


def all_tables(period: Period) -> list[Table]:
    applications = stats.breakdown(period)
    return [
        headline(period, applications),
        drop_off(period),
        problems(period),
        changed(period),
        grouped(
            "quality",
            _l("Triage: enough to identify the subject"),
            "quality",
            _l("Rating"),
            applications,
            labels={"None": str(_l("Not triaged yet"))},
        ),
        grouped(
            "schemes",
            _l("Applications by route"),
            "route",
            _l("Route"),
            {"route": stats.by_route(period)},
        ),
        grouped(
            "applicants",
            _l("Applications by applicant type"),
            "applicant_type",
            _l("Applicant type"),
            applications,
        ),
        grouped("channels", _l("Applications by channel"), "channel", _l("Channel"), applications),
        outcomes(period, applications),
        trends(period, "week"),
        trends(period, "month"),
    ]


def bar_chart(table: Table) -> list[dict]:
    """Bars for a chart drawn on the server as SVG (templates/admin/_chart.html);
    the table beside it carries the same figures. Small counts draw no bar."""
    points = table.chart or []
    width, height, gap = 640, 160, 2
    bar = max(2, (width - gap * len(points)) // max(1, len(points)))
    top = max((n for _label, n in points if n >= stats.SMALL), default=0) or 1
    bars = []
    for index, (label, n) in enumerate(points):
        h = round(height * (n if n >= stats.SMALL else 0) / top)
        bars.append(
            {"x": index * (bar + gap), "y": height - h, "width": bar, "height": h, "label": label}
        )
    return bars


@bp.get("/statistics")
@readers
def statistics():
    period, kind, error = chosen_period()
    return render_template(
        "admin/statistics.html",
        tables=all_tables(period),
        period=period,
        kind=kind,
        periods=PERIODS,
        schemes=SCHEMES,
        error=error,
        errors=[{"text": error, "href": "#from"}] if error else [],
        chart=bar_chart,
        args=request.args,
    )


@bp.get("/statistics/<name>.csv")
@readers
def statistics_csv(name: str):
    period, _kind, _error = chosen_period()
    table = next((t for t in all_tables(period) if t.name == name), None)
    if table is None:
        abort(404)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.columns)
    writer.writerows(table.rows)
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}-{period.start}-{period.end}.csv"'
        },
    )
