"""The rule every published figure goes through, declared once.

Counts are kept in monthly cells (a month, a form and its version, one kind
of count). Each cell is rounded to the nearest 5 before anything is added up,
and every figure shown, charted or downloaded is a sum of rounded cells. So
whatever periods are asked for and however their figures are combined
(subtracting one period from another, a form from all forms, a version from
its form), the result is a sum of rounded cells: a count under 5 in a month
can never be recovered. Shares and averages are worked out from the rounded
figures, and only where enough lies behind them.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

BASE = 5  # every cell is rounded to the nearest multiple of this
SMALL = BASE  # a count under this is never recoverable
MINIMUM_WHOLE = 20  # a share is shown only when the (rounded) whole is at least this
MINIMUM_CASES = 10  # a median or 90th percentile needs at least this many (rounded) cases

RULE = _l(
    "Each month’s count is rounded to the nearest 5 before it is added into any figure, so no "
    "combination of periods, forms or versions can reveal a number under 5. A 0 can stand for "
    "1 or 2 in a month, and totals may differ by a few from the sum of their parts. Shares are "
    "shown when at least 20 lie behind them; medians and 90th percentiles when at least 10 do."
)


def rounded(count: int) -> int:
    """A cell's published value."""
    return (count + BASE // 2) // BASE * BASE


def rounded_sql(column):
    """The same rounding, in the database (integer division in both dialects)."""
    return (column + BASE // 2) // BASE * BASE


def shown(count: int | None) -> str:
    """A published count as text."""
    if count is None:
        return str(_l("not shown"))
    return f"{count:,}"


def share(part: int, whole: int) -> str:
    """A share of two published counts (never above 100%, as rounding could make it)."""
    if whole < MINIMUM_WHOLE:
        return str(_l("not shown"))
    return f"{min(100, round(100 * part / whole))}%"


def share_value(part: int, whole: int) -> float | None:
    if whole < MINIMUM_WHOLE:
        return None
    return min(1.0, part / whole)
