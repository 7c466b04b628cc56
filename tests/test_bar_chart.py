"""The bars of a statistics chart (portal/admin/dashboard.py bar_chart), as the
SVG draws them in its 640 by 160 box: side by side with a 2-pixel gap, standing
on the baseline, the largest shown count full height, and no bar for a count
the table suppresses."""

from __future__ import annotations

from portal.admin.dashboard import Table, bar_chart


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
