"""The communications analyst's ordinary questions, each answered on one page
in at most two choices, on the demo history (two versions of Right to Ask),
and each answer checked against a count made directly in the database
(through the same published rounding, stats/suppression.py)."""

from __future__ import annotations

from collections import defaultdict

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from portal import deadlines
from portal.extensions import db
from portal.models import Application, JourneyEvent, Role
from portal.stats import periods, versions, words
from portal.stats.suppression import offset_of, rounded

from .staff_support import StaffBrowser, make_staff


@pytest.fixture(scope="module")
def seeded(app):
    with app.app_context():
        from portal.demo import seed

        seed(1200, seed_value=7)
    yield
    from .conftest import empty_tables

    empty_tables(app)


@pytest.fixture
def analyst(app, seeded):
    browser = StaffBrowser(app, make_staff(app, Role.ANALYST))
    browser.sign_in(browser_now())
    yield browser
    from portal.models import Staff, StaffSession

    with app.app_context():
        db.session.execute(StaffSession.__table__.delete())
        # Only the analyst: the seeded history's records name the demo caseworkers.
        db.session.execute(Staff.__table__.delete().where(Staff.id == browser.staff.id))
        db.session.commit()


@pytest.fixture(autouse=True)
def clean_tables():
    """The module's seeded history stays for all its questions."""
    yield


def browser_now():
    from portal import clock

    return clock.utcnow()


def table(html: str, name: str) -> list[list[str]]:
    soup = BeautifulSoup(html, "html.parser")
    section = soup.find(id=f"table-{name}").find_parent("section")
    return [
        [" ".join(cell.get_text().split()) for cell in row.find_all(["th", "td"])]
        for row in section.select("tbody tr")
    ]


def number(text: str) -> int:
    return int(text.replace(",", ""))


CELL = ("month", "scheme", "version", "page", "question", "message", "value", "language")


def published_events(app, kind: str, scope_months, **where) -> dict[tuple, int]:
    """(page, question) -> the published count of events of a kind, counted
    in the database cell by cell (month, form, version, page, question,
    message, value), each cell then rounded."""
    columns = [getattr(JourneyEvent, name) for name in CELL]
    with app.app_context():
        query = (
            select(*columns, func.count())
            .where(JourneyEvent.kind == kind, JourneyEvent.month.in_(scope_months))
            .group_by(*columns)
        )
        for column, value in where.items():
            query = query.where(getattr(JourneyEvent, column) == value)
        found: dict[tuple, int] = defaultdict(int)
        for row in db.session.execute(query):
            cell = dict(zip(CELL, row[:-1], strict=True)) | {"kind": kind}
            found[(cell["page"], cell["question"])] += journey_cell(cell, row[-1])
        return found


def journey_cell(cell: dict, n: int) -> int:
    """A journey cell's published value, by the rule (with its own offset)."""
    from portal.stats.events import KEY

    return rounded(n, offset_of("journey_stat", tuple(cell[name] for name in KEY)))


def application_cell(month, scheme, route, dimension, value, n: int) -> int:
    return rounded(n, offset_of("application_stat", (month, scheme, route, dimension, value)))


def months_of(period) -> list:
    return [periods.add_months(period.first, n) for n in range(period.months)]


def last_twelve(app):
    with app.app_context():
        from portal import clock

        return periods.of_kind("12-months", deadlines.local_date(clock.utcnow()))


def test_which_page_loses_most_people(app, analyst):
    html = analyst.client.get(
        "/admin/statistics?scheme=right-to-ask&section=form-quality"
    ).get_data(as_text=True)
    rows = table(html, "funnel-right-to-ask")
    months = months_of(last_twelve(app))
    reached = published_events(app, "reached", months, scheme="right-to-ask")
    answered = published_events(app, "answered", months, scheme="right-to-ask")
    with app.test_request_context():
        from portal.journeys.registry import SCHEMES

        expected = [
            [
                words.page_words("right-to-ask", page.slug),
                reached.get((page.slug, ""), 0),
                max(0, reached.get((page.slug, ""), 0) - answered.get((page.slug, ""), 0)),
            ]
            for page in words.pages(SCHEMES["right-to-ask"])
        ]
    shown = [[row[0], number(row[1]), number(row[4])] for row in rows[1:-1]]
    assert shown == expected
    worst = max(shown, key=lambda row: row[2])
    assert worst[2] > 0 and not worst[0].islower()  # the question's words, not a slug


def test_which_questions_people_get_wrong(app, analyst):
    html = analyst.client.get("/admin/statistics?section=form-quality").get_data(as_text=True)
    rows = table(html, "problem-questions")
    met = published_events(app, "met_error", months_of(last_twelve(app)))
    top = max(met.values())
    assert number(rows[0][2]) == top
    with app.test_request_context():
        named = {
            words.question_words(slug, page, question)
            for (page, question), n in met.items()
            for slug in ("right-to-ask", "right-to-know", "child-protection")
            if n == top and words.question_words(slug, page, question) != question
        }
    assert rows[0][0] in named


def test_this_quarter_against_last(app, analyst):
    html = analyst.client.get("/admin/statistics?period=last-quarter").get_data(as_text=True)
    summary = {row[0]: row[1:] for row in table(html, "summary")}
    with app.app_context():
        from portal import clock

        quarter = periods.of_kind("last-quarter", deadlines.local_date(clock.utcnow()))
    now = sum(published_events(app, "started", months_of(quarter)).values())
    before = sum(published_events(app, "started", months_of(quarter.previous())).values())
    change = f"{now - before:+,}" if now != before else "no change"
    assert summary["Forms started"][:3] == [f"{now:,}", f"{before:,}", change]


def test_the_yearly_return_matches_the_applications(app, analyst):
    with app.app_context():
        from portal import clock

        year = periods.financial_year_of(deadlines.local_date(clock.utcnow())) - 1
        first, last = periods.financial_year(year).first, periods.financial_year(year).last
        apps = db.session.execute(
            select(
                Application.scheme,
                Application.route,
                Application.submitted_on,
                Application.disclosed_at,
            )
        ).all()
    received, disclosed = defaultdict(int), defaultdict(int)
    for scheme, route, on, when in apps:
        if first <= on.replace(day=1) <= last:
            received[(scheme, route)] += 1
        if when is not None:
            made = deadlines.local_date(clock.as_utc(when))
            if first <= made.replace(day=1) <= last:
                disclosed[(scheme, route)] += 1
    html = analyst.client.get(f"/admin/statistics/yearly-return?year={year}").get_data(as_text=True)
    assert "not for publication" in html
    rows = table(html, "yearly-return")
    assert rows[0][0] == "Clare’s Law, Right to Ask"
    assert [number(rows[0][1]), number(rows[0][2])] == [
        received[("dvds", "right_to_ask")],
        disclosed[("dvds", "right_to_ask")],
    ]
    assert [number(rows[1][1]), number(rows[1][2])] == [
        received[("dvds", "right_to_know")],
        disclosed[("dvds", "right_to_know")],
    ]
    public = analyst.client.get(
        f"/admin/statistics/yearly-return?year={year}&version=publication"
    ).get_data(as_text=True)
    assert all(number(row[1]) % 5 == 0 for row in table(public, "yearly-return"))
    csv = analyst.client.get(f"/admin/statistics/yearly-return.csv?year={year}")
    assert "exact-not-for-publication" in csv.headers["Content-Disposition"]


def test_missed_deadlines_are_counted(app, analyst):
    html = analyst.client.get("/admin/statistics?section=outcomes").get_data(as_text=True)
    rows = {row[0]: row for row in table(html, "deadlines")}
    months = set(months_of(last_twelve(app)))
    with app.app_context():
        cases = db.session.execute(
            select(
                Application.submitted_on,
                Application.scheme,
                Application.route,
                Application.closed_at,
                Application.completion_due_at,
            ).where(Application.closed_at.is_not(None))
        ).all()
    cells: dict[tuple, int] = defaultdict(int)
    for on, scheme, route, closed, due in cases:
        if on.replace(day=1) in months and closed > due:
            cells[(on.replace(day=1), scheme, route)] += 1
    with app.app_context():
        expected = sum(
            application_cell(*key, "deadline_completion", "missed", n) for key, n in cells.items()
        )
    assert number(rows["Completion"][3]) == expected


def test_missed_deadlines_by_the_reason_recorded(app, analyst):
    html = analyst.client.get("/admin/statistics?section=outcomes").get_data(as_text=True)
    rows = {row[0]: row[1:] for row in table(html, "missed-by-reason")}
    months = set(months_of(last_twelve(app)))
    with app.app_context():
        cases = db.session.execute(
            select(
                Application.submitted_on,
                Application.scheme,
                Application.route,
                Application.deviations,
            )
        ).all()
    cells: dict[tuple, int] = defaultdict(int)
    for on, scheme, route, deviations in cases:
        for entry in deviations:
            if entry["stage"] == "closure" and on.replace(day=1) in months:
                cells[(on.replace(day=1), scheme, route, entry["category"])] += 1
    with app.app_context():
        waiting = sum(
            application_cell(*key[:3], "late_completion", key[3], n)
            for key, n in cells.items()
            if key[3] == "waiting_for_others"
        )
    label = "Waiting for information from another agency or force"
    assert number(rows[label][2]) == waiting > 0  # the third deadline: completion


def test_time_to_a_decision(app, analyst):
    html = analyst.client.get("/admin/statistics?section=outcomes").get_data(as_text=True)
    rows = table(html, "timeliness")
    months = set(months_of(last_twelve(app)))
    with app.app_context():
        cases = db.session.execute(
            select(
                Application.submitted_on,
                Application.submitted_at,
                Application.decision_signed_off_at,
            ).where(
                Application.scheme == "dvds",
                Application.route == "right_to_ask",
                Application.decision_signed_off_at.is_not(None),
            )
        ).all()
    days = sorted((decided - at).days for on, at, decided in cases if on.replace(day=1) in months)
    median = days[(len(days) + 1) // 2 - 1]
    row = next(
        r
        for r in rows
        if r[0].startswith("Days from receipt to a signed-off decision")
        and r[1] == "Clare’s Law, Right to Ask"
    )
    assert number(row[3]) == median


def test_satisfaction_as_a_trend(app, analyst):
    html = analyst.client.get("/admin/statistics?period=last-year").get_data(as_text=True)
    rows = table(html, "satisfaction")
    with app.app_context():
        from portal import clock

        year = periods.of_kind("last-year", deadlines.local_date(clock.utcnow()))
        query = (
            select(
                JourneyEvent.month,
                JourneyEvent.version,
                JourneyEvent.scheme,
                JourneyEvent.value,
                func.count(),
            )
            .where(JourneyEvent.kind == "satisfaction")
            .group_by(
                JourneyEvent.month, JourneyEvent.version, JourneyEvent.scheme, JourneyEvent.value
            )
        )
        cells = [
            (month, score, rounded_satisfaction(month, version, scheme, score, n))
            for month, version, scheme, score, n in db.session.execute(query)
        ]
    expected = []
    for quarter in range(4):
        first = periods.add_months(year.first, 3 * quarter)
        months = {periods.add_months(first, n) for n in range(3)}
        answered = sum(n for month, _score, n in cells if month in months)
        satisfied = sum(n for month, score, n in cells if month in months and score >= 4)
        expected.append(f"{round(100 * satisfied / answered)}%" if answered >= 20 else "not shown")
    assert [row[2] for row in rows] == expected
    assert [row[0] for row in rows][0].startswith("Apr to Jun")


def rounded_satisfaction(month, version, scheme, score, n) -> int:
    cell = {"month": month, "scheme": scheme, "version": version, "kind": "satisfaction"}
    empty = {"page": "", "question": "", "message": "", "value": score, "language": "en"}
    return journey_cell(cell | empty, n)


def test_what_the_change_to_right_to_ask_did(app, analyst):
    html = analyst.client.get("/admin/statistics/compare?scheme=right-to-ask").get_data(
        as_text=True
    )
    with app.app_context():
        found = versions.of_scheme("right-to-ask")
    assert len(found) == 2
    soup = BeautifulSoup(html, "html.parser")
    completion = [
        " ".join(c.get_text().split()) for c in soup.select("tbody tr")[0].find_all(["th", "td"])
    ]
    started = published_events(app, "started", months_of_all(app), version=found[0].version)
    sent = published_events(app, "submitted", months_of_all(app), version=found[0].version)
    assert f"({sum(sent.values()):,} of {sum(started.values()):,})" in completion[1]
    assert "Larger than chance" in html  # the page the earlier wording made harder


def test_the_comparison_gives_each_versions_median_time_to_complete(app, analyst):
    html = analyst.client.get("/admin/statistics/compare?scheme=right-to-ask").get_data(
        as_text=True
    )
    with app.app_context():
        earlier, current = (found.version for found in versions.of_scheme("right-to-ask"))
    medians = [published_median_minutes(app, version) for version in (earlier, current)]
    soup = BeautifulSoup(html, "html.parser")
    row = next(r for r in soup.select("tbody tr") if "Median time to complete" in r.th.get_text())
    cells = [" ".join(c.get_text().split()) for c in row.find_all("td")]
    assert cells[:3] == [
        f"{medians[0]} minutes or more",
        f"{medians[1]} minutes or more",
        f"{medians[1] - medians[0]:+d} minutes",
    ]


def published_median_minutes(app, version: str) -> int:
    """The median of a version's sent journeys' times (each time band's count
    published cell by cell, as the statistics count it): the smallest band with
    at least half of them at or below it."""
    columns = [getattr(JourneyEvent, name) for name in CELL]
    with app.app_context():
        query = (
            select(*columns, func.count())
            .where(JourneyEvent.kind == "submitted", JourneyEvent.version == version)
            .group_by(*columns)
        )
        bands: dict[int, int] = defaultdict(int)
        for row in db.session.execute(query):
            cell = dict(zip(CELL, row[:-1], strict=True)) | {"kind": "submitted"}
            bands[int(cell["value"])] += journey_cell(cell, row[-1])
    total, seen = sum(bands.values()), 0
    for band in sorted(bands):
        seen += bands[band]
        if 2 * seen >= total:
            return band
    raise AssertionError("no sent journeys")


def months_of_all(app) -> list:
    with app.app_context():
        return list(db.session.scalars(select(JourneyEvent.month).distinct()))


def test_disclosure_rates_by_route(app, analyst):
    html = analyst.client.get("/admin/statistics?section=outcomes").get_data(as_text=True)
    rows = table(html, "outcomes")
    assert rows[-1][0] == "Disclosure rate (of closed cases)"
    assert all(cell.endswith("%") for cell in rows[-1][1:])
