"""CSV exports are safe to open in a spreadsheet: a cell that would be read
as a formula is written as text, in every column and every export."""

from __future__ import annotations

import csv
import io

import pytest

from portal.extensions import db
from portal.models import Application, Role
from portal.spreadsheet import FORMULA_STARTS, csv_text, safe_cell

from .casework_support import submit
from .staff_support import audit_after, audit_marker, make_staff


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_a_cell_that_a_spreadsheet_would_run_is_written_as_text(start):
    assert safe_cell(f"{start}HYPERLINK(1)") == f"'{start}HYPERLINK(1)"


@pytest.mark.parametrize(
    "value", ["Coventry", "a=b", "", 12, 0.5, -3, None, "-5", "+1,200", "-12.5%"]
)
def test_other_cells_are_left_as_they_are(value):
    assert safe_cell(value) == value


def test_headers_and_rows_alike():
    table = csv_text(["=head"], [["@row", "ok"], [-1, "+1", "-1+HYPERLINK(2)"]])
    rows = list(csv.reader(io.StringIO(table)))
    assert rows == [["'=head"], ["'@row", "ok"], ["-1", "+1", "'-1+HYPERLINK(2)"]]


def test_the_queue_export_neutralises_a_staff_email_address(app, supervisor, clock):
    hostile = make_staff(app, Role.OFFICER, email="=cmd@example.police.uk", name="Eve")
    case_id = submit(app)
    with app.app_context():
        db.session.get(Application, case_id).assigned_to_id = hostile.id
        db.session.commit()
    text = supervisor.client.get("/admin/cases/export.csv").get_data(as_text=True)
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'=cmd@example.police.uk" in cells
    assert not any(cell.startswith(FORMULA_STARTS) for cell in cells)


def test_the_queue_export_holds_every_case_the_filters_select(app, supervisor):
    from sqlalchemy import func, select, update

    from portal.casework.queries import PER_PAGE
    from portal.demo import seed

    with app.app_context():
        seed(PER_PAGE * 2 + 7, journeys=0)
        db.session.execute(update(Application).values(closed_at=None))  # all still open
        db.session.commit()
        open_cases = db.session.scalar(select(func.count()).select_from(Application))
    assert open_cases > 2 * PER_PAGE
    marker = audit_marker(app)
    response = supervisor.client.get("/admin/cases/export.csv")
    assert response.is_streamed
    body = response.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body)))
    assert len(rows) - 1 == open_cases, body[:500]
    references = [row[0] for row in rows[1:]]
    assert len(set(references)) == len(references)
    unassigned = supervisor.client.get("/admin/cases/export.csv?unassigned=1&sort=newest")
    some = list(csv.reader(io.StringIO(unassigned.get_data(as_text=True))))[1:]
    assert all(row[-1] == "" for row in some)
    audited = [e for e in audit_after(app, marker) if e.action == "queue_exported"]
    assert audited[0].detail["rows"] == open_cases
    assert audited[1].detail["filters"] == ["unassigned"]
