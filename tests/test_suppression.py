"""Suppression that holds (portal/stats/suppression.py): each monthly cell is
rounded to the nearest 5 before it is added into anything, so no
combination of the dashboard's outputs, whatever periods are asked for,
reveals a count under 5. Tried as an attacker would: by differencing
periods, and by checking that two histories differing only in a small count
give exactly the same pages and files."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from itertools import combinations

import pytest

from portal.extensions import db
from portal.models import Role
from portal.stats import events as analytics
from portal.stats.suppression import rounded, share

from .staff_support import StaffBrowser, make_staff


@pytest.mark.parametrize(
    ("count", "published"),
    [(0, 0), (1, 0), (2, 0), (3, 5), (4, 5), (5, 5), (7, 5), (8, 10), (33, 35), (36, 35)],
)
def test_a_cell_is_rounded_to_the_nearest_five(count, published):
    assert rounded(count) == published


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [(5, 20, "25%"), (0, 20, "0%"), (5, 15, "not shown"), (25, 20, "100%"), (10, 30, "33%")],
)
def test_a_share_needs_twenty_behind_it_and_never_passes_all(app, part, whole, shown):
    with app.test_request_context():
        assert share(part, whole) == shown


# Three months of Right to Ask journeys; the last month's started count is small.
MONTHS = [datetime(2026, month, 10, 12, tzinfo=UTC) for month in (8, 9, 10)]


def seed(app, small: int) -> None:
    with app.app_context():
        for at, started in zip(MONTHS, (18, 15, small), strict=True):
            for _n in range(started):
                analytics.record("started", "right-to-ask", page="immediate-danger", at=at)
            for _n in range(started // 2):
                analytics.record("submitted", "right-to-ask", value=10, at=at)
        db.session.commit()


QUERIES = [
    f"period=custom&from={a}&to={b}"
    for a, b in combinations(["8 2026", "9 2026", "10 2026", "11 2026"], 2)
] + [f"period=custom&from={m}&to={m}" for m in ("8 2026", "9 2026", "10 2026")]


def started(analyst, query: str) -> int:
    html = analyst.client.get(f"/admin/statistics?{query}").get_data(as_text=True)
    cell = html.split("Forms started</th>")[1].split("</td>")[0].split(">")[-1]
    return int(cell.replace(",", ""))


def outputs(analyst, query: str) -> list[str]:
    """The dashboard and every table's CSV for one period, as an analyst gets them."""
    from portal.admin.dashboard import all_tables, chosen_scope

    html = analyst.client.get(f"/admin/statistics?{query}").get_data(as_text=True)
    with analyst.app.test_request_context(f"/admin/statistics?{query}"):
        names = [table.name for table in all_tables(chosen_scope()[0])]
    files = [
        analyst.client.get(f"/admin/statistics/{name}.csv?{query}").get_data(as_text=True)
        for name in names
    ]
    main = html.split("<main")[1]
    return [re.sub(r'(csrf[-_]token"?[^"]*")[^"]*"', r"\1", main), *files]  # tokens differ


@pytest.fixture
def analyst(app, clock):
    clock.now = datetime(2026, 11, 20, 12, tzinfo=UTC)
    browser = StaffBrowser(app, make_staff(app, Role.ANALYST))
    browser.sign_in(clock.now)
    browser.app = app
    return browser


def test_differencing_two_periods_does_not_recover_a_small_month(app, analyst):
    seed(app, small=3)
    three_months = started(analyst, "period=custom&from=8 2026&to=10 2026")
    two_months = started(analyst, "period=custom&from=8 2026&to=9 2026")
    alone = started(analyst, "period=custom&from=10 2026&to=10 2026")
    assert three_months - two_months == alone == 5  # the rounded cell, not the 3 behind it
    # Every period that can be asked for, subtracted from every other: no difference is 3.
    figures = {query: started(analyst, query) for query in QUERIES}
    differences = {abs(a - b) for a, b in combinations(figures.values(), 2)}
    assert 3 not in differences


@pytest.mark.parametrize(("low", "high"), [(1, 2), (3, 4)])
def test_histories_differing_by_a_small_count_look_the_same(app, analyst, low, high):
    """Whatever is combined, nothing tells these two histories apart."""
    seed(app, small=low)
    first = {query: outputs(analyst, query) for query in QUERIES}
    with app.app_context():  # the other history: the small month a little bigger
        for _n in range(high - low):
            analytics.record("started", "right-to-ask", page="immediate-danger", at=MONTHS[-1])
        for _n in range(high // 2 - low // 2):
            analytics.record("submitted", "right-to-ask", value=10, at=MONTHS[-1])
        db.session.commit()
    second = {query: outputs(analyst, query) for query in QUERIES}
    assert started(analyst, QUERIES[-1]) == rounded(high)
    assert first == second


def test_the_rule_is_stated_on_the_page(analyst):
    html = analyst.client.get("/admin/statistics").get_data(as_text=True)
    assert "count is rounded to the nearest 5 before it is added into any figure" in html


def test_the_months_around_a_change_of_period_add_up(app, analyst):
    """Published figures are sums of rounded cells: a period's figure is the
    sum of its months' figures, exactly, whichever way it is cut."""
    seed(app, small=4)
    whole = started(analyst, "period=custom&from=8 2026&to=10 2026")
    parts = sum(
        started(analyst, f"period=custom&from={m}&to={m}") for m in ("8 2026", "9 2026", "10 2026")
    )
    assert whole == parts == rounded(18) + rounded(15) + rounded(4)
