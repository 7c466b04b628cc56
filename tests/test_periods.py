"""The periods people ask about (portal/stats/periods.py): whole months, the
financial year April to March, and the period before each."""

from __future__ import annotations

from datetime import date

import pytest

from portal.stats.periods import (
    financial_year_label,
    financial_year_of,
    of_kind,
    parse_month,
)

TODAY = date(2026, 2, 14)  # in the financial year 2025/26 and the quarter January to March


@pytest.mark.parametrize(
    ("kind", "first", "last", "previous"),
    [
        ("this-month", date(2026, 2, 1), date(2026, 2, 1), (date(2026, 1, 1), date(2026, 1, 1))),
        ("last-month", date(2026, 1, 1), date(2026, 1, 1), (date(2025, 12, 1), date(2025, 12, 1))),
        (
            "this-quarter",
            date(2026, 1, 1),
            date(2026, 2, 1),
            (date(2025, 10, 1), date(2025, 11, 1)),
        ),
        (
            "last-quarter",
            date(2025, 10, 1),
            date(2025, 12, 1),
            (date(2025, 7, 1), date(2025, 9, 1)),
        ),
        ("this-year", date(2025, 4, 1), date(2026, 2, 1), (date(2024, 4, 1), date(2025, 2, 1))),
        ("last-year", date(2024, 4, 1), date(2025, 3, 1), (date(2023, 4, 1), date(2024, 3, 1))),
        ("12-months", date(2025, 2, 1), date(2026, 1, 1), (date(2024, 2, 1), date(2025, 1, 1))),
    ],
)
def test_each_period_and_the_one_before_it(kind, first, last, previous):
    period = of_kind(kind, TODAY)
    assert (period.first, period.last) == (first, last)
    assert (period.previous().first, period.previous().last) == previous
    assert period.to_date == kind.startswith("this-")


@pytest.mark.parametrize(
    ("day", "year", "label"),
    [(date(2026, 3, 31), 2025, "2025/26"), (date(2026, 4, 1), 2026, "2026/27")],
)
def test_the_financial_year_turns_on_the_first_of_april(day, year, label):
    assert financial_year_of(day) == year
    assert financial_year_label(year) == label


@pytest.mark.parametrize(
    ("typed", "month"),
    [
        ("4 2026", date(2026, 4, 1)),
        ("04/2026", date(2026, 4, 1)),
        ("2026-04", date(2026, 4, 1)),
        (" 2026 4 ", date(2026, 4, 1)),
        ("2026-04-17", date(2026, 4, 1)),
        ("13 2026", None),
        ("April 2026", None),
        ("", None),
        ("4", None),
        ("4 1999", None),
    ],
)
def test_a_month_is_read_as_people_type_it(typed, month):
    assert parse_month(typed) == month
