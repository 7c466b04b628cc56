"""The statistics dashboard for analysts and supervisors: a summary against the
previous period, then Usage, Form quality, and Outcomes and timeliness, each
table downloadable as CSV with the same figures; the yearly return; and the
comparison of two versions of a form. Every count comes through
stats/suppression.py (monthly cells randomly rounded to multiples of 5)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask import Response, abort, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal import clock, deadlines, languages, spreadsheet
from portal.casework.outcomes import DISCLOSURE_OUTCOMES, LATE_CATEGORIES, OUTCOME_LABELS
from portal.casework.stages import DEADLINES
from portal.extensions import db
from portal.force import current_force
from portal.journeys.registry import SCHEMES
from portal.models import Application, Role
from portal.stats import compare as comparing
from portal.stats import periods, queries, versions, words
from portal.stats.queries import Scope
from portal.stats.suppression import (
    MINIMUM_CASES,
    RULE,
    SMALL,
    offset_of,
    rounded,
    share,
    share_value,
    shown,
)

from . import bp
from .auth import role_required
from .cases import KEY_IN_CHANNELS

readers = role_required(Role.ANALYST, Role.SUPERVISOR)

ROUTE_LABELS = {"right_to_ask": _l("Right to Ask"), "right_to_know": _l("Right to Know")}
SCHEME_LABELS = {"dvds": _l("Clare’s Law"), "csods": _l("Sarah’s Law")}
# Every scheme and route the yearly return reports, whether or not a form exists for it.
RETURN_ROWS = [
    ("dvds", "right_to_ask"),
    ("dvds", "right_to_know"),
    ("csods", "right_to_ask"),
    ("csods", "right_to_know"),
]
APPLICANT_LABELS = {
    "self": _l("The person at risk, for themselves"),
    "third_party": _l("Someone else, for the person at risk"),
    "professional": _l("A professional"),
}
SECTIONS = [
    ("usage", _l("Usage")),
    ("form-quality", _l("Form quality")),
    ("outcomes", _l("Outcomes and timeliness")),
]
QUALITY = [
    ("quality", _l("Enough to identify the subject"), ("yes", "partly", "no")),
    ("right_scheme", _l("The right scheme"), ("yes", "no")),
    ("crime_report", _l("Should have been a crime report"), ("yes", "no")),
]
TIMELINESS = [
    ("decision_days", _l("Days from receipt to a signed-off decision")),
    ("disclosure_days", _l("Days from receipt to disclosure")),
    ("closed_days", _l("Days from receipt to closure")),
]


def form_label(scheme: str, route: str) -> str:
    return f"{SCHEME_LABELS.get(scheme, scheme)}, {ROUTE_LABELS.get(route, route)}"


def short_name(slug: str) -> str:
    scheme = SCHEMES[slug]
    return form_label(scheme.code, scheme.route)


def forms_in(scope: Scope) -> list[tuple[str, str]]:
    """The (scheme, route) columns a table shows: the chosen form's, or every form's."""
    chosen = [SCHEMES[scope.scheme]] if scope.scheme in SCHEMES else list(SCHEMES.values())
    return [(s.code, s.route) for s in chosen]


@dataclass
class Table:
    name: str
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    chart: list[tuple[str, int | None]] | None = None  # label, published value, for a bar chart
    chart_label: str = ""
    marks: dict[str, str] = field(default_factory=dict)  # chart label -> what changed then
    section: str = "usage"
    note: str = ""


def change(now: int | None, before: int | None) -> str:
    if now is None or before is None:
        return ""
    if now == before:
        return str(_l("no change"))
    return f"{now - before:+,}"


def change_in_points(now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return ""
    points = round(100 * (now - before))
    if points == 0:
        return str(_l("no change"))
    return str(_l("%(points)s points", points=f"{points:+d}"))


# The summary.


def summary_figures(scope: Scope) -> dict[str, tuple[str, float | int | None]]:
    """Each headline measure: its text and its value (for the change)."""
    totals = queries.totals(scope)
    started, sent = totals.get("started", 0), totals.get("submitted", 0)
    closed = queries.breakdown(scope, ("disclosed", "within_target"))
    disclosed = closed.get("disclosed", {})
    on_time = closed.get("within_target", {})
    scores = queries.value_counts(scope, "satisfaction")
    answered = sum(scores.values())
    satisfied = sum(n for score, n in scores.items() if score >= 4)
    times = queries.value_counts(scope, "submitted")
    median = queries.median_from_counts(times) if sum(times.values()) >= MINIMUM_CASES else None
    closed_total = disclosed.get("1", 0) + disclosed.get("0", 0)
    return {
        "started": (shown(started), started),
        "sent": (shown(sent), sent),
        "completion": (share(sent, started), share_value(sent, started)),
        "minutes": (
            str(_l("%(minutes)s minutes or more", minutes=median))
            if median is not None
            else str(_l("not shown")),
            median,
        ),
        "disclosure": (
            share(disclosed.get("1", 0), closed_total),
            share_value(disclosed.get("1", 0), closed_total),
        ),
        "on_time": (
            share(on_time.get("1", 0), on_time.get("1", 0) + on_time.get("0", 0)),
            share_value(on_time.get("1", 0), on_time.get("1", 0) + on_time.get("0", 0)),
        ),
        "satisfaction": (share(satisfied, answered), share_value(satisfied, answered)),
    }


SUMMARY = [
    ("started", _l("Forms started"), "count"),
    ("sent", _l("Forms sent online"), "count"),
    ("completion", _l("Completion (sent ÷ started)"), "share"),
    ("minutes", _l("Median time to complete"), "minutes"),
    ("disclosure", _l("Disclosure rate (of closed cases received in the period)"), "share"),
    ("on_time", _l("Closed within the statutory target"), "share"),
    ("satisfaction", _l("Satisfied or very satisfied"), "share"),
]


def summary(scope: Scope) -> Table:
    now, before = summary_figures(scope), summary_figures(scope.before())
    rows = []
    for key, label, kind in SUMMARY:
        (now_text, now_value), (before_text, before_value) = now[key], before[key]
        if kind == "share":
            difference = change_in_points(now_value, before_value)
        elif kind == "minutes":
            difference = (
                str(_l("%(minutes)s minutes", minutes=f"{now_value - before_value:+d}"))
                if now_value is not None and before_value is not None
                else ""
            )
        else:
            difference = change(now_value, before_value)
        rows.append([str(label), now_text, before_text, difference])
    return Table(
        "summary",
        str(_l("Summary")),
        [
            str(_l("Measure")),
            str(_l("This period")),
            str(_l("Previous period")),
            str(_l("Change")),
        ],
        rows,
        section="summary",
    )


# Usage.


def version_marks(scope: Scope) -> dict[str, str]:
    """Month label -> the form versions first seen that month."""
    marks: dict[str, list[str]] = {}
    slugs = [scope.scheme] if scope.scheme in SCHEMES else list(SCHEMES)
    found = versions.by_scheme()
    for slug in slugs:
        for number, version in enumerate(found.get(slug, []), start=1):
            month = deadlines.local_date(clock.as_utc(version.first_seen)).replace(day=1)
            marks.setdefault(month.strftime("%b %Y"), []).append(
                str(_l("%(form)s version %(n)s", form=short_name(slug), n=number))
            )
    return {label: "; ".join(names) for label, names in marks.items()}


def month_range(period: periods.Period) -> list:
    return [periods.add_months(period.first, n) for n in range(period.months)]


def trend(scope: Scope) -> Table:
    series = queries.monthly(scope, ("started", "submitted"))
    marks = version_marks(scope)
    rows, points = [], []
    for month in month_range(scope.period):
        counts = series.get(month, {"started": 0, "submitted": 0})
        label = month.strftime("%b %Y")
        rows.append(
            [
                label,
                shown(counts["started"]),
                shown(counts["submitted"]),
                share(counts["submitted"], counts["started"]),
                marks.get(label, ""),
            ]
        )
        points.append((label, counts["submitted"]))
    return Table(
        "trend",
        str(_l("Forms started and sent, by month")),
        [
            str(_l("Month")),
            str(_l("Started")),
            str(_l("Sent")),
            str(_l("Completion")),
            str(_l("Changes to the form")),
        ],
        rows,
        chart=points,
        chart_label=str(
            _l("Bar chart of forms sent by month; the table that follows has the figures.")
        ),
        marks={label: text for label, text in marks.items() if any(label == p for p, _ in points)},
    )


def leaving(scope: Scope) -> Table:
    now, before = queries.totals(scope), queries.totals(scope.before())
    rows = [
        [
            str(label),
            shown(now.get(kind, 0)),
            shown(before.get(kind, 0)),
            change(now.get(kind, 0), before.get(kind, 0)),
        ]
        for kind, label in (
            ("exited", _l("Left with Exit this page")),
            ("expired", _l("Answers deleted after the time limit")),
            ("extended", _l("Time limit extended")),
        )
    ]
    return Table(
        "leaving",
        str(_l("Unfinished forms and the time limit")),
        [str(_l("Measure")), str(_l("This period")), str(_l("Previous period")), str(_l("Change"))],
        rows,
    )


def by_dimension(scope: Scope, dimension: str, name: str, title, label, labels=None) -> Table:
    now = queries.breakdown(scope, (dimension,)).get(dimension, {})
    before = queries.breakdown(scope.before(), (dimension,)).get(dimension, {})
    total = sum(now.values())
    rows = [
        [
            str((labels or {}).get(key, key)),
            shown(n),
            share(n, total),
            shown(before.get(key, 0)),
            change(n, before.get(key, 0)),
        ]
        for key, n in sorted(now.items(), key=lambda item: (-item[1], item[0]))
        if n or before.get(key)
    ]
    return Table(
        name,
        str(title),
        [
            str(label),
            str(_l("Applications")),
            str(_l("Share")),
            str(_l("Previous period")),
            str(_l("Change")),
        ],
        rows,
    )


def routes(scope: Scope) -> Table:
    now = queries.applications(scope, "scheme", "route", dimensions=("all",))
    before = queries.applications(scope.before(), "scheme", "route", dimensions=("all",))
    channels = queries.breakdown(scope, ("channel",)).get("channel", {})
    total = sum(now.values())
    rows = [
        [
            form_label(*key),
            shown(n),
            share(n, total),
            shown(before.get(key, 0)),
            change(n, before.get(key, 0)),
        ]
        for key, n in sorted(now.items(), key=lambda item: -item[1])
    ]
    rows.append(
        [
            str(_l("Digital take-up (online ÷ all channels)")),
            share(channels.get("online", 0), sum(channels.values())),
            "",
            "",
            "",
        ]
    )
    return Table(
        "routes",
        str(_l("Applications by scheme and route")),
        [
            str(_l("Scheme and route")),
            str(_l("Applications")),
            str(_l("Share")),
            str(_l("Previous period")),
            str(_l("Change")),
        ],
        rows,
    )


def quarter_label(first) -> str:
    last = periods.add_months(first, 2)
    return f"{first:%b} to {last:%b %Y}"


def satisfaction(scope: Scope) -> Table:
    """By quarter: a month's answers are too few to give a share most months."""
    by_month = queries.monthly_values(scope, "satisfaction")
    quarters: dict = {}
    for month in month_range(scope.period):
        start = periods.add_months(month, -((month.month - 1) % 3))
        scores = quarters.setdefault(start, defaultdict(int))
        for score, n in by_month.get(month, {}).items():
            scores[score] += n
    rows, points = [], []
    for start, scores in quarters.items():
        answered = sum(scores.values())
        satisfied = sum(n for score, n in scores.items() if score >= 4)
        label = quarter_label(start)
        rows.append([label, shown(answered), share(satisfied, answered)])
        value = share_value(satisfied, answered)
        points.append((label, None if value is None else round(100 * value)))
    return Table(
        "satisfaction",
        str(_l("Satisfaction, by quarter")),
        [str(_l("Quarter")), str(_l("Answers")), str(_l("Satisfied or very satisfied"))],
        rows,
        chart=points,
        chart_label=str(
            _l(
                "Bar chart of the share satisfied or very satisfied by quarter; the table that "
                "follows has the figures."
            )
        ),
    )


# Form quality.


def funnel(scope: Scope, slug: str) -> Table:
    scheme = SCHEMES[slug]
    flow = queries.journeys(scope, "kind", "page", kinds=("reached", "answered"), scheme=slug)
    totals = queries.totals(scope, scheme=slug)
    rows = [
        [
            str(_l("Opened the first question")),
            shown(totals.get("opened", 0)),
            shown(totals.get("started", 0)),
            share(totals.get("started", 0), totals.get("opened", 0)),
            shown(max(0, totals.get("opened", 0) - totals.get("started", 0))),
        ]
    ]
    for page in words.pages(scheme):
        reached = flow.get(("reached", page.slug), 0)
        answered = flow.get(("answered", page.slug), 0)
        rows.append(
            [
                words.page_words(slug, page.slug),
                shown(reached),
                shown(answered),
                share(answered, reached),
                shown(max(0, reached - answered)),
            ]
        )
    reached = flow.get(("reached", "check-your-answers"), 0)
    rows.append(
        [
            str(_l("Check your answers and send")),
            shown(reached),
            shown(totals.get("submitted", 0)),
            share(totals.get("submitted", 0), reached),
            shown(max(0, reached - totals.get("submitted", 0))),
        ]
    )
    return Table(
        f"funnel-{slug}",
        str(_l("%(form)s: journeys page by page", form=short_name(slug))),
        [
            str(_l("Page")),
            str(_l("Journeys that reached it")),
            str(_l("Went on")),
            str(_l("Share that went on")),
            str(_l("Dropped off here")),
        ],
        rows,
        section="form-quality",
        note=str(
            _l(
                "Pages in the order the journey meets them; a journey skips pages that do not "
                "apply to it."
            )
        ),
    )


def problems(scope: Scope) -> Table:
    rows = []
    for problem in queries.problem_questions(scope):
        slug = problem_scheme(scope, problem)
        rows.append(
            [
                words.question_words(slug, problem.page, problem.question),
                words.page_words(slug, problem.page),
                shown(problem.journeys),
                share(problem.journeys, problem.reached),
                shown(problem.errors),
                problem.message,
            ]
        )
    return Table(
        "problem-questions",
        str(_l("Problem questions")),
        [
            str(_l("Question")),
            str(_l("Page")),
            str(_l("Journeys that met an error")),
            str(_l("Share of journeys reaching the page")),
            str(_l("Errors shown")),
            str(_l("Most common message")),
        ],
        rows,
        section="form-quality",
        note=str(
            _l(
                "A journey that gets a question wrong several times counts once in the first "
                "figure; every error shown counts in the second."
            )
        ),
    )


def by_language(scope: Scope) -> Table:
    """Each language's journeys (every language offered, a row each): how many
    started and were sent, how many left unfinished, and the questions they got
    wrong (once per journey and question)."""
    kinds = ("started", "submitted", "exited", "expired", "met_error")
    counts = queries.journeys(scope, "language", "kind", kinds=kinds)
    rows = []
    for code, language in languages.LANGUAGES.items():
        n = {kind: counts.get((code, kind), 0) for kind in kinds}
        rows.append(
            [
                language.english,
                shown(n["started"]),
                shown(n["submitted"]),
                share(n["submitted"], n["started"]),
                shown(n["exited"] + n["expired"]),
                shown(n["met_error"]),
            ]
        )
    return Table(
        "languages",
        str(_l("Forms by the language of their pages")),
        [
            str(_l("Language")),
            str(_l("Started")),
            str(_l("Sent online")),
            str(_l("Completion")),
            str(_l("Left unfinished")),
            str(_l("Questions got wrong")),
        ],
        rows,
        section="form-quality",
        note=str(
            _l(
                "A journey counts in the language its pages were in at each step: one that "
                "changes language part-way counts in both. Questions got wrong count once per "
                "journey and question."
            )
        ),
    )


def problem_scheme(scope: Scope, problem) -> str:
    if scope.scheme in SCHEMES:
        return scope.scheme
    for slug, scheme in SCHEMES.items():
        if scheme.page(problem.page) is not None:
            return slug
    return ""


def changed(scope: Scope) -> Table:
    counts = queries.journeys(scope, "scheme", "page", kinds=("changed",))
    rows = [
        [words.page_words(slug, page), short_name(slug) if slug in SCHEMES else slug, shown(n)]
        for (slug, page), n in sorted(counts.items(), key=lambda item: -item[1])
        if n
    ]
    return Table(
        "changed",
        str(_l("Answers changed from check your answers")),
        [str(_l("Page")), str(_l("Form")), str(_l("Changes"))],
        rows,
        section="form-quality",
    )


def used_appropriately(scope: Scope) -> Table:
    counts = queries.breakdown(scope, tuple(d for d, _l2, _v in QUALITY))
    rows = []
    for dimension, label, values in QUALITY:
        found = counts.get(dimension, {})
        rated = sum(found.get(v, 0) for v in values)
        rows.append(
            [str(label), shown(rated)]
            + [share(found.get(v, 0), rated) for v in ("yes", "partly", "no")]
        )
    return Table(
        "used-appropriately",
        str(_l("Used appropriately: triage’s ratings of the applications")),
        [str(_l("Rating")), str(_l("Rated")), str(_l("Yes")), str(_l("Partly")), str(_l("No"))],
        rows,
        section="form-quality",
    )


# Outcomes and timeliness.


def outcomes(scope: Scope) -> Table:
    columns = forms_in(scope)
    counted = queries.by_form(scope, ("outcome",)).get("outcome", {})
    labels = {"": str(_l("Still open")), **{k: str(v) for k, v in OUTCOME_LABELS.items()}}
    rows = []
    for key in [*OUTCOME_LABELS, ""]:
        cells = [counted.get(key, {}).get(form, 0) for form in columns]
        if any(cells):
            rows.append([labels[key], *(shown(n) for n in cells)])
    disclosed = [
        sum(counted.get(k, {}).get(form, 0) for k in DISCLOSURE_OUTCOMES) for form in columns
    ]
    closed = [sum(n.get(form, 0) for k, n in counted.items() if k) for form in columns]
    rows.append(
        [str(_l("Disclosure rate (of closed cases)"))]
        + [share(d, c) for d, c in zip(disclosed, closed, strict=True)]
    )
    return Table(
        "outcomes",
        str(_l("Outcomes, and the reasons for no disclosure")),
        [str(_l("Outcome")), *(form_label(*form) for form in columns)],
        rows,
        section="outcomes",
    )


def timeliness(scope: Scope) -> Table:
    columns = forms_in(scope)
    rows = []
    for dimension, label in TIMELINESS:
        spreads = queries.timeliness(scope, dimension)
        for form in columns:
            found = spreads.get(form)
            if found is None:
                continue
            rows.append(
                [
                    str(label),
                    form_label(*form),
                    shown(found.cases),
                    shown(found.median),
                    shown(found.ninetieth),
                ]
            )
    return Table(
        "timeliness",
        str(_l("Time taken")),
        [
            str(_l("Measure")),
            str(_l("Scheme and route")),
            str(_l("Cases")),
            str(_l("Median days")),
            str(_l("90th percentile, days")),
        ],
        rows,
        section="outcomes",
        note=str(
            _l(
                "Medians and 90th percentiles are shown where at least %(n)s cases lie behind "
                "them.",
                n=MINIMUM_CASES,
            )
        ),
    )


def closure_spread(scope: Scope) -> Table:
    spread = queries.timeliness(scope, "closed_days")["all"]
    spans = [(str(_l("%(span)s days", span=span)), n) for span, n in spread.buckets.items()]
    return Table(
        "closure-days",
        str(_l("Days from receipt to closure")),
        [str(_l("Days")), str(_l("Cases"))],
        [[label, shown(n)] for label, n in spans],
        chart=spans,
        chart_label=str(
            _l(
                "Bar chart of closed cases by days from receipt to closure; the table that "
                "follows has the figures."
            )
        ),
        section="outcomes",
    )


def deadlines_kept(scope: Scope) -> Table:
    dimensions = tuple(f"deadline_{name}" for name in DEADLINES)
    counted = queries.breakdown(scope, dimensions)
    terms = deadline_terms()
    rows = []
    for name, deadline in DEADLINES.items():
        found = counted.get(f"deadline_{name}", {})
        met, missed = found.get("met", 0), found.get("missed", 0)
        rows.append(
            [
                str(deadline.label),
                terms[name],
                shown(met),
                shown(missed),
                share(missed, met + missed),
            ]
        )
    return Table(
        "deadlines",
        str(_l("Statutory deadlines met and missed")),
        [
            str(_l("Deadline")),
            str(_l("Target")),
            str(_l("Met")),
            str(_l("Missed")),
            str(_l("Share missed")),
        ],
        rows,
        section="outcomes",
        note=str(
            _l(
                "Cases received in the period whose stage has been recorded. Open now and past "
                "the completion deadline: %(n)s.",
                n=shown(overdue_now(scope)),
            )
        ),
    )


def missed_by_reason(scope: Scope) -> Table:
    dimensions = tuple(f"late_{name}" for name in DEADLINES)
    counted = queries.breakdown(scope, dimensions)
    kept = queries.breakdown(scope, tuple(f"deadline_{name}" for name in DEADLINES))
    labels = {
        **{key: str(label) for key, label in LATE_CATEGORIES},
        "not_recorded": str(_l("Recorded before reasons were chosen from a list")),
    }
    rows = []
    for key in [*labels]:
        cells = [counted.get(f"late_{name}", {}).get(key, 0) for name in DEADLINES]
        if any(cells):
            rows.append([labels[key], *(shown(n) for n in cells)])
    unexplained = [
        max(
            0,
            kept.get(f"deadline_{name}", {}).get("missed", 0)
            - sum(counted.get(f"late_{name}", {}).values()),
        )
        for name in DEADLINES
    ]
    if any(unexplained):
        rows.append([str(_l("No reason recorded")), *(shown(n) for n in unexplained)])
    return Table(
        "missed-by-reason",
        str(_l("Missed deadlines by the reason recorded")),
        [str(_l("Reason")), *(str(d.label) for d in DEADLINES.values())],
        rows,
        section="outcomes",
        note=str(
            _l(
                "The reason the officer chose when recording the stage late. A stage still "
                "open past its deadline is counted once it is recorded."
            )
        ),
    )


def support(scope: Scope) -> Table:
    """Support from a specialist service: how many were offered it, said yes,
    and were referred (the question came in with form versions that ask it)."""
    names = ("support_consent", "support_referral")
    now, before = queries.breakdown(scope, names), queries.breakdown(scope.before(), names)

    def figures(counted) -> list[int]:
        consent, referral = counted.get(names[0], {}), counted.get(names[1], {})
        return [
            sum(consent.values()),
            consent.get("yes", 0),
            consent.get("already", 0),
            referral.get("referred", 0),
            referral.get("not_referred", 0),
        ]

    labels = [
        _l("Offered support"),
        _l("Said yes (consent given)"),
        _l("Already supported"),
        _l("Referred to a service"),
        _l("Not referred (reason recorded)"),
    ]
    rows = [
        [str(label), shown(n), share(n, figures(now)[0]), shown(b), change(n, b)]
        for label, n, b in zip(labels, figures(now), figures(before), strict=True)
    ]
    return Table(
        "support",
        str(_l("Support from specialist services")),
        [
            str(_l("Applications")),
            str(_l("Number")),
            str(_l("Share of those offered")),
            str(_l("Previous period")),
            str(_l("Change")),
        ],
        rows if figures(now)[0] or figures(before)[0] else [],
        section="outcomes",
        note=str(
            _l(
                "Offered: the form asked whether the applicant (or, for a referral, the person "
                "at risk) would like to be put in touch with a local specialist service. "
                "Referrals are counted once an officer records them."
            )
        ),
    )


def deadline_terms() -> dict[str, str]:
    """Each deadline's term, from where the rules live: the force's
    configuration and each scheme's definition."""
    force = current_force()
    completion = {}
    for scheme in SCHEMES.values():
        label = form_label(scheme.code, scheme.route)
        completion.setdefault(scheme.deadline_days, []).append(label)
    return {
        "triage": str(_l("%(n)s hours", n=force.triage_hours)),
        "first_contact": str(_l("%(n)s working days", n=force.contact_working_days)),
        "completion": "; ".join(
            str(_l("%(n)s days (%(forms)s)", n=days, forms=", ".join(forms)))
            for days, forms in sorted(completion.items())
        ),
    }


def overdue_now(scope: Scope) -> int:
    query = (
        select(func.count())
        .select_from(Application)
        .where(Application.closed_at.is_(None), Application.completion_due_at < clock.utcnow())
    )
    if scope.scheme in SCHEMES:
        query = query.where(
            Application.scheme == SCHEMES[scope.scheme].code,
            Application.route == SCHEMES[scope.scheme].route,
        )
    return rounded(db.session.scalar(query) or 0, offset_of("overdue", (scope.scheme,)))


def usage_tables(scope: Scope) -> list[Table]:
    return [
        trend(scope),
        routes(scope),
        by_dimension(
            scope,
            "applicant_type",
            "applicants",
            _l("Applications by applicant type"),
            _l("Applicant type"),
            {key: str(label) for key, label in APPLICANT_LABELS.items()},
        ),
        by_dimension(
            scope,
            "channel",
            "channels",
            _l("Applications by channel"),
            _l("Channel"),
            {"online": str(_l("Online")), **{key: str(label) for key, label in KEY_IN_CHANNELS}},
        ),
        by_dimension(
            scope,
            "language",
            "application-languages",
            _l("Applications by the language they were sent in"),
            _l("Language"),
            {code: language.english for code, language in languages.LANGUAGES.items()},
        ),
        leaving(scope),
        satisfaction(scope),
    ]


def quality_tables(scope: Scope) -> list[Table]:
    slugs = [scope.scheme] if scope.scheme in SCHEMES else list(SCHEMES)
    return [
        *(funnel(scope, slug) for slug in slugs),
        problems(scope),
        by_language(scope),
        changed(scope),
        used_appropriately(scope),
    ]


def outcome_tables(scope: Scope) -> list[Table]:
    return [
        outcomes(scope),
        timeliness(scope),
        closure_spread(scope),
        deadlines_kept(scope),
        missed_by_reason(scope),
        support(scope),
    ]


# Each section is a page of its own under the summary: a page is a few reads.
SECTION_TABLES = {
    "usage": usage_tables,
    "form-quality": quality_tables,
    "outcomes": outcome_tables,
}
DEFAULT_SECTION = "usage"


def all_tables(scope: Scope) -> list[Table]:
    return [summary(scope), *(t for tables in SECTION_TABLES.values() for t in tables(scope))]


def find_table(scope: Scope, name: str) -> Table | None:
    if name == "summary":
        return summary(scope)
    for tables in SECTION_TABLES.values():
        for table in tables(scope):
            if table.name == name:
                return table
    return None


def chosen_section() -> str:
    section = request.args.get("section", DEFAULT_SECTION)
    return section if section in SECTION_TABLES else DEFAULT_SECTION


def bar_chart(table: Table) -> list[dict]:
    """Bars for a chart drawn on the server as SVG (templates/admin/_chart.html);
    the table beside it carries the same figures. A figure not shown draws no bar."""
    points = table.chart or []
    width, height, gap = 640, 160, 2
    bar = max(2, (width - gap * len(points)) // max(1, len(points)))
    top = max((n for _label, n in points if n is not None and n >= SMALL), default=0) or 1
    bars = []
    for index, (label, n) in enumerate(points):
        h = round(height * (n if n is not None and n >= SMALL else 0) / top)
        bars.append(
            {
                "x": index * (bar + gap),
                "y": height - h,
                "width": bar,
                "height": h,
                "label": label,
                **({"mark": table.marks[label]} if label in table.marks else {}),
            }
        )
    return bars


def chosen_scope() -> tuple[Scope, str | None]:
    today = deadlines.local_date(clock.utcnow())
    period, error = periods.chosen(request.args, today)
    scheme = request.args.get("scheme") if request.args.get("scheme") in SCHEMES else None
    return Scope(period, scheme), error


@bp.get("/statistics")
@readers
def statistics():
    scope, error = chosen_scope()
    section = chosen_section()
    return render_template(
        "admin/statistics.html",
        summary=summary(scope),
        tables=SECTION_TABLES[section](scope),
        section=section,
        scope=scope,
        previous=scope.before().period,
        kinds=periods.KINDS,
        kind=scope.period.kind if not error else "custom",
        schemes=SCHEMES,
        sections=SECTIONS,
        rule=RULE,
        error=error,
        errors=[{"text": error, "href": "#from"}] if error else [],
        chart=bar_chart,
        args=request.args,
    )


def csv_response(table: Table, filename: str) -> Response:
    return spreadsheet.csv_response(table.columns, table.rows, filename)


@bp.get("/statistics/<name>.csv")
@readers
def statistics_csv(name: str):
    scope, _error = chosen_scope()
    table = find_table(scope, name)
    if table is None:
        abort(404)
    period = scope.period
    return csv_response(table, f"{name}-{period.first:%Y-%m}-to-{period.last:%Y-%m}")


# The yearly return.


def yearly_return(start_year: int, *, publication: bool) -> Table:
    """Applications received and disclosures made in a financial year, by
    scheme and route, as the national tables lay them out. Exact for staff;
    for publication, through the same rounding as every other figure."""
    year = periods.financial_year(start_year)
    scope = Scope(year)
    if publication:
        counted = queries.applications(
            scope, "scheme", "route", "dimension", dimensions=("all", "disclosure_made")
        )
    else:
        counted = queries.applications(
            scope, "scheme", "route", "dimension", dimensions=("all", "disclosure_made"), exact=True
        )
    rows = [
        [
            form_label(scheme, route),
            shown(counted.get((scheme, route, "all"), 0)),
            shown(counted.get((scheme, route, "disclosure_made"), 0)),
        ]
        for scheme, route in RETURN_ROWS
    ]
    return Table(
        "yearly-return",
        str(_l("Yearly return, %(year)s", year=periods.financial_year_label(start_year))),
        [
            str(_l("Scheme and route")),
            str(_l("Applications received")),
            str(_l("Disclosures made")),
        ],
        rows,
        section="yearly",
    )


def chosen_year() -> int:
    today = deadlines.local_date(clock.utcnow())
    this = periods.financial_year_of(today)
    try:
        year = int(request.args.get("year", this - 1))
    except ValueError:
        year = this - 1
    return min(max(year, 2000), this)


@bp.get("/statistics/yearly-return")
@readers
def yearly_return_page():
    year = chosen_year()
    publication = request.args.get("version") == "publication"
    today = deadlines.local_date(clock.utcnow())
    this = periods.financial_year_of(today)
    return render_template(
        "admin/statistics_yearly.html",
        table=yearly_return(year, publication=publication),
        year=year,
        years=[(y, periods.financial_year_label(y)) for y in range(this, this - 6, -1)],
        publication=publication,
        rule=RULE,
    )


@bp.get("/statistics/yearly-return.csv")
@readers
def yearly_return_csv():
    year = chosen_year()
    publication = request.args.get("version") == "publication"
    table = yearly_return(year, publication=publication)
    kind = "for-publication" if publication else "exact-not-for-publication"
    return csv_response(
        table, f"yearly-return-{periods.financial_year_label(year).replace('/', '-')}-{kind}"
    )


# Two versions of a form.


@bp.get("/statistics/compare")
@readers
def compare_versions():
    slug = request.args.get("scheme")
    slug = slug if slug in SCHEMES else next(iter(SCHEMES))
    found = versions.of_scheme(slug)
    names = {v.version: f"{n}: {versions.name_of(v)}" for n, v in enumerate(found, start=1)}
    a, b = request.args.get("a"), request.args.get("b")
    if a not in names or b not in names:
        a, b = (found[-2].version, found[-1].version) if len(found) >= 2 else (None, None)
    result = comparing.compare(slug, a, b) if a and b and a != b else None
    return render_template(
        "admin/statistics_compare.html",
        schemes=SCHEMES,
        slug=slug,
        names=names,
        a=a,
        b=b,
        result=result,
        minimum=comparing.MINIMUM,
        rule=RULE,
    )
