"""CSV files that are safe to open in a spreadsheet: a cell that starts with
=, +, -, @, a tab or a carriage return would be read as a formula (CSV
injection), so it is written with a leading apostrophe, as OWASP advises. A
plain signed number ("-5", "+12.5%") is left as it is: it is a value, not a
formula, and analysts add them up. Every CSV the service writes goes through
here."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable

from flask import Response, current_app

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SIGNED_NUMBER = re.compile(r"[+-][0-9][0-9,]*(\.[0-9]+)?%?")


def safe_cell(value):
    """Text that a spreadsheet would run is prefixed with an apostrophe;
    numbers and everything else are left as they are."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not SIGNED_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def csv_text(header: Iterable, rows: Iterable[Iterable]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue()


def csv_response(header: Iterable, rows: Iterable[Iterable], filename: str) -> Response:
    return Response(
        csv_text(header, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'},
    )


def csv_stream(header: Iterable, rows_of: Callable[[], Iterable], filename: str) -> Response:
    """As csv_response, written as the rows come, so an export of every case
    never sits whole in memory. `rows_of` is called once the response is being
    sent, in an application context of its own (the request's has ended by
    then), and that context ends with the last row, or when the client goes."""
    app = current_app._get_current_object()

    def lines():
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([safe_cell(cell) for cell in header])
        with app.app_context():
            for row in rows_of():
                writer.writerow([safe_cell(cell) for cell in row])
                if out.tell() > 64 * 1024:
                    yield out.getvalue()
                    out.seek(0)
                    out.truncate()
        yield out.getvalue()

    return Response(
        lines(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'},
    )
