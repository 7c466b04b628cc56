"""The rule every published figure goes through, declared once.

Counts are kept in monthly cells (a month, a form and its version, one kind
of count). Each cell is rounded to a multiple of 5 before anything is added
up, and every figure shown, charted or downloaded is a sum of rounded cells.
So whatever periods are asked for and however their figures are combined
(subtracting one period from another, a form from all forms, a version from
its form), the result is a sum of rounded cells, a multiple of 5: a count
under 5 can never be recovered.

The rounding is random rounding, as Statistics Canada publishes its census:
a cell of 3 becomes 5 with probability 3/5 and 0 otherwise, so sums of many
small cells are right on average instead of always low. The chance is fixed
for each cell by a keyed hash of the cell's key (its `offset`, 0 to 4, kept
on the row), so asking again, or rebuilding the counts, gives the same
figure: nothing can be averaged away. A published 5 can stand for anything
from 1 to 9. Shares and medians are worked out from the rounded figures, and
only where enough lies behind them.
"""

from __future__ import annotations

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l

BASE = 5  # every cell is rounded to the nearest multiple of this
SMALL = BASE  # a count under this is never recoverable
MINIMUM_WHOLE = 20  # a share is shown only when the (rounded) whole is at least this
MINIMUM_CASES = 10  # a median or 90th percentile needs at least this many (rounded) cases

RULE = _l(
    "Each month’s count is randomly rounded to a multiple of 5 before it is added into any "
    "figure, so no combination of periods, forms or versions can reveal a number under 5: a 5 "
    "can stand for anything from 1 to 9 in a month, and totals are right on average but may "
    "differ by a few from the sum of their parts. Shares are shown when at least 20 lie behind "
    "them; medians and 90th percentiles when at least 10 do."
)


def offset_of(table: str, key: tuple) -> int:
    """A cell's fixed rounding offset, 0 to 4: a keyed hash of its key, so an
    outsider cannot work it out and every reading of the cell agrees."""
    from portal import crypto

    text = "|".join(["statistics", table, *(str(part) for part in key)])
    digest = crypto.blind_index(text).rpartition(":")[2]
    return int(digest[:8], 16) % BASE


def rounded(count: int, offset: int) -> int:
    """A cell's published value: a multiple of 5, count / 5 of the time the
    next one up (over the offsets 0 to 4, each equally likely)."""
    return (count + offset) // BASE * BASE


def rounded_sql(column, offset_column):
    """The same rounding, in the database (integer division in both dialects)."""
    return (column + offset_column) // BASE * BASE


def not_shown() -> str:
    """Said of a figure held back (translated once a request: tables say it often)."""
    if not has_request_context():
        return str(_l("not shown"))
    if "not_shown" not in g:
        g.not_shown = str(_l("not shown"))
    return g.not_shown


def shown(count: int | None) -> str:
    """A published count as text."""
    if count is None:
        return not_shown()
    return f"{count:,}"


def share(part: int, whole: int) -> str:
    """A share of two published counts (never above 100%, as rounding could make it)."""
    if whole < MINIMUM_WHOLE:
        return not_shown()
    return f"{min(100, round(100 * part / whole))}%"


def share_value(part: int, whole: int) -> float | None:
    if whole < MINIMUM_WHOLE:
        return None
    return min(1.0, part / whole)
