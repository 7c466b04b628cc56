"""Deadline arithmetic in London time: working days skip weekends and England
and Wales bank holidays, and the clocks changing does not move a deadline."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from portal import deadlines


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Monday 2 November 2026: ten working days later is Monday 16 November.
        (utc(2026, 11, 2, 10), date(2026, 11, 16)),
        # Friday 18 December 2026: Christmas, Boxing Day (observed 28th) and New Year skipped.
        (utc(2026, 12, 18, 10), date(2027, 1, 6)),
        # Thursday 26 March 2026: Good Friday and Easter Monday skipped.
        (utc(2026, 3, 26, 10), date(2026, 4, 13)),
        # 22:30 UTC on Sunday 7 June is 23:30 in London, still Sunday: counting starts Monday.
        (utc(2026, 6, 7, 22, 30), date(2026, 6, 19)),
    ],
)
def test_first_contact_within_10_working_days(received, due):
    result = deadlines.contact_due(received, 10)
    assert result.astimezone(deadlines.LONDON).date() == due
    assert (result.astimezone(deadlines.LONDON).hour, result.minute) == (23, 59)


def test_a_day_in_london_is_not_the_utc_day():
    # 23:30 UTC on 7 June is 00:30 on 8 June in London (summer time).
    assert deadlines.local_date(utc(2026, 6, 7, 23, 30)) == date(2026, 6, 8)


def test_completion_ends_at_the_end_of_the_28th_day_across_the_clocks_changing():
    received = utc(2026, 3, 20, 12)  # before the clocks go forward on 29 March
    due = deadlines.completion_due(received, 28)
    local = due.astimezone(deadlines.LONDON)
    assert (local.date(), local.hour, local.minute) == (date(2026, 4, 17), 23, 59)
    assert local.utcoffset().total_seconds() == 3600  # British Summer Time by then


def test_completion_for_sarahs_law_is_45_days():
    due = deadlines.completion_due(utc(2026, 11, 26, 9), 45)
    assert due.astimezone(deadlines.LONDON).date() == date(2027, 1, 10)


def test_triage_is_the_forces_hours_exactly():
    received = utc(2026, 10, 24, 23, 30)  # the clocks go back the next night
    assert deadlines.triage_due(received, 24) == utc(2026, 10, 25, 23, 30)
    assert deadlines.triage_due(received, 48) == utc(2026, 10, 26, 23, 30)
