"""The bars of a statistics chart (portal/admin/dashboard.py bar_chart), as the
SVG draws them in its 640 by 160 box: side by side with a 2-pixel gap, standing
on the baseline, the largest shown count full height, no bar for a count the
table suppresses, and a triangle under the month a new version of a form was
first seen."""

from __future__ import annotations

from datetime import UTC, datetime

from bs4 import BeautifulSoup

from portal.admin.dashboard import Table, bar_chart
from portal.extensions import db
from portal.models import Role
from portal.stats import events as analytics
from portal.stats import versions

from .staff_support import StaffBrowser, make_staff


def bars(points) -> list[dict]:
    return bar_chart(Table("trend", "Trend", ["Starting", "Sent"], chart=points))


def test_bars_stand_side_by_side_scaled_to_the_largest_shown_count():
    drawn = bars([("a", 3), ("b", 5), ("c", 10), ("d", 0)])
    assert drawn == [
        {"x": 0, "y": 160, "width": 158, "height": 0, "label": "a"},
        {"x": 160, "y": 80, "width": 158, "height": 80, "label": "b"},
        {"x": 320, "y": 0, "width": 158, "height": 160, "label": "c"},
        {"x": 480, "y": 160, "width": 158, "height": 0, "label": "d"},
    ]


def test_bars_are_whole_pixels_wide_and_five_can_be_the_tallest():
    drawn = bars([("a", 5), ("b", 4), ("c", 5)])
    assert [(bar["x"], bar["width"], bar["height"]) for bar in drawn] == [
        (0, 211, 160),
        (213, 211, 0),
        (426, 211, 160),
    ]


def test_a_single_bar_takes_the_whole_width():
    assert bars([("a", 7)]) == [{"x": 0, "y": 0, "width": 638, "height": 160, "label": "a"}]


def test_only_small_counts_draw_no_bars_and_no_points_draw_nothing():
    assert [bar["height"] for bar in bars([("a", 4), ("b", 1), ("c", 0)])] == [0, 0, 0]
    assert bars([]) == []


def test_many_bars_are_still_two_pixels_wide():
    drawn = bars([(str(day), 50) for day in range(400)])
    assert {bar["width"] for bar in drawn} == {2}
    assert drawn[1]["x"] - drawn[0]["x"] == 4


def test_a_triangle_under_a_months_bar_names_the_version_first_seen_then(app, clock):
    clock.now = datetime(2026, 11, 20, 12, tzinfo=UTC)
    with app.app_context():
        versions.register("right-to-ask", "0000earlier", datetime(2026, 7, 3, 9, tzinfo=UTC))
        august = datetime(2026, 8, 10, 12, tzinfo=UTC)  # the form as it is now, first seen then
        for _n in range(10):
            analytics.record("started", "right-to-ask", page="immediate-danger", at=august)
            analytics.record("submitted", "right-to-ask", value=10, at=august)
        db.session.commit()
    analyst = StaffBrowser(app, make_staff(app, Role.ANALYST))
    analyst.sign_in(clock.now)
    html = analyst.client.get("/admin/statistics?period=custom&from=6 2026&to=10 2026").text
    section = BeautifulSoup(html, "html.parser").select_one('[aria-labelledby="table-trend"]')
    under = {
        int(rect["x"]) + int(rect["width"]) // 2: rect.title.get_text()
        for rect in section.select("svg rect")
    }
    triangles = {
        under[int(mark["d"].split()[0].removeprefix("M"))]: mark.title.get_text()
        for mark in section.select("svg path.portal-chart__mark")
    }
    changes = {}
    for row in section.select("tbody tr"):
        cells = [cell.get_text(strip=True) for cell in row.find_all(["th", "td"])]
        if cells[-1]:
            changes[cells[0]] = cells[-1]
    assert triangles == changes
    assert list(triangles) == ["Jul 2026", "Aug 2026"]
