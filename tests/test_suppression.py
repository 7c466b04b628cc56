"""The suppression boundaries (portal/statistics.py): a count of exactly 5 is
shown and a rate needs at least 5 behind it, both its whole and its part."""

from __future__ import annotations

import pytest

from portal.statistics import rate, suppress


@pytest.mark.parametrize(("count", "shown"), [(5, "5"), (6, "6"), (4, "fewer than 5")])
def test_a_count_of_five_is_shown(app, count, shown):
    with app.test_request_context():
        assert suppress(count) == shown


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [
        (5, 5, "100.0%"),
        (0, 5, "0.0%"),
        (5, 6, "83.3%"),
        (4, 5, "not shown"),
        (3, 4, "not shown"),
        (1, 10, "not shown"),
        (7, 9, "77.8%"),
    ],
)
def test_a_rate_needs_five_behind_it(app, part, whole, shown):
    with app.test_request_context():
        assert rate(part, whole) == shown
