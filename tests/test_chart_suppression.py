"""No chart on the statistics dashboard shows a figure that its table does
not: read from the page as an analyst sees it, every chart is drawn from one
column of the table after it (the published, rounded figures), and a row
that column shows as "not shown" has no bar."""

from __future__ import annotations

from datetime import timedelta

from bs4 import BeautifulSoup

from portal.extensions import db
from portal.models import Role
from portal.stats import events as analytics

from .staff_support import StaffBrowser, make_staff

SUPPRESSED = "not shown"
# Forms started, sent and rated, some months apart: small and large counts.
SEEDED = [(100, 9, 3, 12), (70, 30, 12, 30), (40, 40, 25, 60), (10, 2, 1, 3)]


def seed(app, now) -> None:
    with app.app_context():
        for days_ago, started, sent, rated in SEEDED:
            at = now - timedelta(days=days_ago)
            for _ in range(started):
                analytics.record("started", "right-to-ask", page="immediate-danger", at=at)
            for _ in range(sent):
                analytics.record("submitted", "right-to-ask", value=10, at=at)
            for n in range(rated):
                analytics.record("satisfaction", "right-to-ask", value=5 if n % 3 else 2, at=at)
        db.session.commit()


def number(cell: str) -> int | None:
    """A shown figure (a count or a share), 0 for one not shown, None for anything else."""
    if cell == SUPPRESSED:
        return 0
    digits = cell.replace(",", "").removesuffix("%")
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
    drawn = []
    for section in ("usage", "form-quality", "outcomes"):
        response = analyst.client.get(f"/admin/statistics?section={section}")
        assert response.status_code == 200
        drawn += charts(response.get_data(as_text=True))
    assert len(drawn) >= 3  # sent by month, satisfaction by month, days to closure
    withheld = 0

    for bars, rows in drawn:
        assert set(bars) == set(rows), "every bar stands for a row of the table"
        if not any(bars.values()):
            continue  # nothing to draw (no closed cases seeded)
        column = charted_column(bars, rows)
        assert column is not None, f"bars drawn to no column of the table: {bars} {rows}"
        small = [label for label in bars if rows[label][column] == SUPPRESSED]
        withheld += len(small)
        assert all(bars[label] == 0 for label in small), {label: bars[label] for label in small}
    assert withheld, "the seeded figures give a chart a figure that is not shown"
