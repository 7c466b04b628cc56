"""No chart on the statistics dashboard shows a count that its table
suppresses: read from the page as an analyst sees it, every chart is drawn
from one column of the table after it, and a row that column shows as "fewer
than 5" has no bar."""

from __future__ import annotations

from datetime import timedelta

from bs4 import BeautifulSoup

from portal import analytics
from portal.extensions import db
from portal.models import Role

from .staff_support import StaffBrowser, make_staff

SUPPRESSED = "fewer than 5"
# Forms started and sent, some weeks and months apart: small and large counts.
SEEDED = [(100, 9, 3), (55, 30, 12), (10, 40, 25), (3, 2, 1)]


def seed(app, now) -> None:
    with app.app_context():
        for days_ago, started, sent in SEEDED:
            at = now - timedelta(days=days_ago)
            for _ in range(started):
                analytics.record("started", "right-to-ask", page="immediate-danger", at=at)
            for _ in range(sent):
                analytics.record("submitted", "right-to-ask", value=10, at=at)
        db.session.commit()


def number(cell: str) -> int | None:
    """A shown count, 0 for a suppressed one, None for anything else."""
    if cell == SUPPRESSED:
        return 0
    digits = cell.replace(",", "")
    return int(digits) if digits.isdigit() else None


def charted_column(bars: dict[str, float], rows: dict[str, list[str]]) -> int | None:
    """The column whose shown figures the bars are drawn to (within a pixel of
    scale, the tallest bar standing for the largest figure)."""
    width = min(len(cells) for cells in rows.values())
    for column in range(width):
        shown = {label: number(rows[label][column]) for label in bars}
        if None in shown.values() or not any(shown.values()):
            continue
        scale = max(bars.values()) / max(shown.values())
        if all(abs(bars[label] - scale * shown[label]) <= 1 for label in bars):
            return column
    return None


def charts(html: str) -> list[tuple[dict[str, float], dict[str, list[str]]]]:
    """Each chart's bars (label -> height) and the table after it (label -> cells)."""
    found = []
    for svg in BeautifulSoup(html, "html.parser").select("svg.portal-chart"):
        bars = {rect.title.get_text(): float(rect["height"]) for rect in svg.select("rect")}
        table = svg.find_next("table")
        rows = {}
        for row in table.select("tbody tr"):
            cells = [" ".join(c.get_text().split()) for c in row.find_all(["th", "td"])]
            rows[cells[0]] = cells[1:]
        found.append((bars, rows))
    return found


def test_no_chart_draws_a_count_its_table_suppresses(app, clock):
    seed(app, clock.now)
    analyst = StaffBrowser(app, make_staff(app, Role.ANALYST))
    analyst.sign_in(clock.now)
    response = analyst.client.get("/admin/statistics")
    assert response.status_code == 200
    drawn = charts(response.get_data(as_text=True))
    assert len(drawn) >= 2  # by week and by month
    for bars, rows in drawn:
        assert set(bars) == set(rows), "every bar stands for a row of the table"
        column = charted_column(bars, rows)
        assert column is not None, f"bars drawn to no column of the table: {bars} {rows}"
        small = [label for label in bars if rows[label][column] == SUPPRESSED]
        assert small, "the seeded figures give each chart a suppressed count"
        assert all(bars[label] == 0 for label in small), {label: bars[label] for label in small}
        assert any(height > 0 for height in bars.values())
