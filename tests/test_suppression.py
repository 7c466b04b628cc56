"""Suppression that holds (portal/stats/suppression.py): each monthly cell is
randomly rounded to a multiple of 5, with an offset fixed for the cell,
before it is added into anything, so every count the dashboard publishes is
a multiple of 5 and no combination of its outputs, whatever periods are
asked for, gives a count under 5. Tried as an attacker would: by
differencing periods, and by reading every count on every page and file."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import UTC, datetime
from itertools import combinations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from portal.extensions import db
from portal.models import JourneyStat, Role
from portal.stats import events as analytics
from portal.stats.suppression import BASE, offset_of, rounded, share

from .staff_support import StaffBrowser, make_staff


@pytest.mark.parametrize(
    ("count", "offset", "published"),
    [(0, 4, 0), (1, 3, 0), (1, 4, 5), (3, 1, 0), (3, 2, 5), (5, 0, 5), (9, 0, 5), (9, 1, 10)],
)
def test_a_cell_is_rounded_to_a_multiple_of_five_by_its_offset(count, offset, published):
    assert rounded(count, offset) == published


def test_random_rounding_is_right_on_average_and_hides_the_count():
    for count in range(40):
        outcomes = [rounded(count, offset) for offset in range(BASE)]
        assert sum(outcomes) == BASE * count  # unbiased over the offsets
        assert all(value % BASE == 0 for value in outcomes)
    # A published figure stands for several counts: 0 for 0 to 4, 5 for 1 to 9.
    could_be = {
        published: sorted({c for c in range(20) for o in range(BASE) if rounded(c, o) == published})
        for published in (0, 5)
    }
    assert could_be == {0: [0, 1, 2, 3, 4], 5: list(range(1, 10))}


def test_a_cells_offset_is_fixed_by_its_key_and_spread_evenly(app):
    with app.app_context():
        key = ("2026-10-01", "right-to-ask", "v1", "started", "", "", "", 0)
        assert offset_of("journey_stat", key) == offset_of("journey_stat", key)
        spread = Counter(offset_of("journey_stat", (n,)) for n in range(1000))
    assert set(spread) == set(range(BASE))
    assert all(150 < n < 250 for n in spread.values())


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
    """The dashboard's sections (as one text) and every table's CSV for one
    period, as an analyst gets them."""
    from portal.admin.dashboard import all_tables, chosen_scope

    pages = [
        analyst.client.get(f"/admin/statistics?{query}&section={section}").get_data(as_text=True)
        for section in ("usage", "form-quality", "outcomes")
    ]
    with analyst.app.test_request_context(f"/admin/statistics?{query}"):
        names = [table.name for table in all_tables(chosen_scope()[0])]
    files = [
        analyst.client.get(f"/admin/statistics/{name}.csv?{query}").get_data(as_text=True)
        for name in names
    ]
    return ["".join(page.split("<main")[1] for page in pages), *files]


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
    assert three_months - two_months == alone  # the rounded cell, not the 3 behind it
    assert alone in (0, 5)
    # Every period that can be asked for, subtracted from every other: never 3.
    figures = {query: started(analyst, query) for query in QUERIES}
    differences = {abs(a - b) for a, b in combinations(figures.values(), 2)}
    assert all(difference % BASE == 0 for difference in differences)


NOT_COUNTS = re.compile(r"Median|percentile|Month|Quarter|Days|Page|Question|Measure|Scheme")


def counts_in(text: str, kind: str) -> list[int]:
    """Every whole number in a column of counts, in a page's tables or a CSV file."""
    if kind == "csv":
        rows = list(csv.reader(io.StringIO(text)))
        header, body = rows[0], rows[1:]
    else:
        body, header = [], []
        for table in BeautifulSoup(text, "html.parser").select("table"):
            header = [th.get_text(" ", strip=True) for th in table.select("thead th")]
            body += [
                [c.get_text(" ", strip=True) for c in row.find_all(["th", "td"])]
                for row in table.select("tbody tr")
            ]
    found = []
    for row in body:
        for column, cell in zip(header, row, strict=False):
            value = cell.replace(",", "").lstrip("+-")
            if value.isdigit() and not NOT_COUNTS.search(column):
                found.append(int(value))
    return found


@pytest.mark.parametrize("small", [1, 2, 3, 4])
def test_every_count_anywhere_is_a_multiple_of_five(app, analyst, small):
    """So no sum or difference of them can be a count from 1 to 4."""
    seed(app, small=small)
    seen = 0
    for query in QUERIES:
        page, *files = outputs(analyst, query)
        for text, kind in [(page, "html"), *((f, "csv") for f in files)]:
            numbers = counts_in(text, kind)
            seen += len(numbers)
            assert all(n % BASE == 0 for n in numbers), (query, numbers)
    assert seen > 100


def test_the_rule_is_stated_on_the_page(analyst):
    html = analyst.client.get("/admin/statistics").get_data(as_text=True)
    assert "randomly rounded to a multiple of 5 before it is added into any figure" in html


def test_a_period_is_the_sum_of_its_months(app, analyst):
    """Published figures are sums of rounded cells: a period's figure is the
    sum of its months' figures, exactly, whichever way it is cut."""
    seed(app, small=4)
    whole = started(analyst, "period=custom&from=8 2026&to=10 2026")
    parts = [
        started(analyst, f"period=custom&from={m}&to={m}") for m in ("8 2026", "9 2026", "10 2026")
    ]
    assert whole == sum(parts)
    assert abs(whole - (18 + 15 + 4)) <= 3 * (BASE - 1)


def table_on_page(analyst, query: str, name: str) -> tuple[dict[str, float], dict[str, list[str]]]:
    """One table of the dashboard as an analyst sees it: its chart's bars
    (label -> height) and its rows (label -> the other cells)."""
    html = analyst.client.get(f"/admin/statistics?{query}").get_data(as_text=True)
    section = BeautifulSoup(html, "html.parser").select_one(f'[aria-labelledby="table-{name}"]')
    bars = {rect.title.get_text(): float(rect["height"]) for rect in section.select("svg rect")}
    rows = {}
    for row in section.select("tbody tr"):
        cells = [" ".join(cell.get_text().split()) for cell in row.find_all(["th", "td"])]
        rows[cells[0]] = cells[1:]
    return bars, rows


def record_many(app, kind: str, at: datetime, n: int, **extra) -> None:
    with app.app_context():
        for _n in range(n):
            analytics.record(kind, "right-to-ask", at=at, **extra)
        db.session.commit()


def test_each_month_is_published_as_its_cell_rounded_by_its_own_offset(app, analyst):
    """The database rounds as the rule says: a month of 3 forms started shows
    5 where its cell's offset is 2 to 4 and 0 where it is 0 or 1, never a
    figure the offset does not give."""
    months = [datetime(2025, 11, 10, 12, tzinfo=UTC), datetime(2025, 12, 10, 12, tzinfo=UTC)] + [
        datetime(2026, month, 10, 12, tzinfo=UTC) for month in range(1, 11)
    ]
    for at in months:
        record_many(app, "started", at, 3, page="immediate-danger")
    with app.app_context():
        offsets = dict(
            db.session.execute(
                select(JourneyStat.month, JourneyStat.offset).where(JourneyStat.kind == "started")
            ).all()
        )
    _bars, rows = table_on_page(analyst, "period=custom&from=11 2025&to=10 2026", "trend")
    shown = {label: int(cells[0]) for label, cells in rows.items()}
    assert shown == {f"{at:%b %Y}": rounded(3, offsets[at.date().replace(day=1)]) for at in months}


def test_a_share_with_twenty_behind_it_is_charted_as_its_table_shows_it(app, analyst):
    # Counts that are multiples of 5 are published exactly, whatever their offsets.
    for at, satisfied in (
        (datetime(2026, 5, 10, 12, tzinfo=UTC), 10),
        (datetime(2026, 8, 10, 12, tzinfo=UTC), 15),
    ):
        record_many(app, "satisfaction", at, satisfied, value=5)
        record_many(app, "satisfaction", at, 20 - satisfied, value=2)
    bars, rows = table_on_page(analyst, "period=custom&from=4 2026&to=9 2026", "satisfaction")
    assert rows == {"Apr to Jun 2026": ["20", "50%"], "Jul to Sep 2026": ["20", "75%"]}
    assert bars == {"Apr to Jun 2026": 107, "Jul to Sep 2026": 160}  # 50% is two thirds of 75%


def test_more_sent_than_started_counts_as_all_of_them_in_the_change(app, analyst):
    """Sent and started are rounded apart (and a form started in one period
    can be sent in the next): a completion over 100% is shown, and compared,
    as 100%."""
    for at, sent in (
        (datetime(2026, 9, 10, 12, tzinfo=UTC), 10),
        (datetime(2026, 10, 10, 12, tzinfo=UTC), 25),
    ):
        record_many(app, "started", at, 20, page="immediate-danger")
        record_many(app, "submitted", at, sent, value=10)
    _bars, rows = table_on_page(analyst, "period=custom&from=10 2026&to=10 2026", "summary")
    assert rows["Completion (sent ÷ started)"] == ["100%", "50%", "+50 points"]
