"""Numbers that come from a request (a case or staff id in a path, a page of
the queue, a person in a filter), kept within what the database holds. An id
beyond the largest an id column holds (PostgreSQL's 32-bit integer) matches
no route, so it is a 404, never a database error; a page number beyond the
last is the last page anyone could reach."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # the largest value of an Integer column on PostgreSQL
MAX_PAGE = 100_000


class RowIdConverter(IntegerConverter):
    """`<int:...>` in every route: 0 to MAX_ID, else no match (404)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def row_id(text: str) -> int:
    """For request.args.get(..., type=row_id): a value out of range is no value."""
    value = int(text)
    if not 1 <= value <= MAX_ID:
        raise ValueError(text)
    return value


def page_number(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return min(value, MAX_PAGE)
