"""The supervisor's workload page: each officer's open, overdue and soon-due
cases, and moving several of an officer's cases at once with a reason."""

from __future__ import annotations

from bs4 import BeautifulSoup

from portal.models import Role

from .casework_support import TRIAGE, case_row, record, submit
from .staff_support import StaffBrowser, audit_after, audit_marker, make_staff


def rows_of(html: str) -> dict[str, list[str]]:
    soup = BeautifulSoup(html, "html.parser")
    return {
        row.th.get_text(strip=True): [td.get_text(strip=True) for td in row.select("td")][:3]
        for row in soup.select("#main-content tbody tr")
    }


def test_the_workload_counts_open_overdue_and_soon_due_cases(app, officer, supervisor, clock):
    ids = [submit(app) for _ in range(3)]
    for case_id in ids:
        officer.post(f"/admin/cases/{case_id}/claim", token_from=f"/admin/cases/{case_id}")
    record(officer, ids[0], "triage", TRIAGE | {"decision": "withdrawn", "reason": "Asked to"})
    clock.advance(hours=25)  # the other two have missed their triage deadline
    supervisor.sign_in(clock.now)
    rows = rows_of(supervisor.client.get("/admin/workload").get_data(as_text=True))
    assert rows["Olive Officer"] == ["2", "2", "0"]
    assert rows["Sue Supervisor"] == ["0", "0", "0"]


def test_a_supervisor_moves_several_cases_at_once_with_a_reason(app, officer, supervisor, clock):
    ids = [submit(app) for _ in range(4)]
    for case_id in ids:
        officer.post(f"/admin/cases/{case_id}/claim", token_from=f"/admin/cases/{case_id}")
    other = make_staff(app, Role.OFFICER, email="otto@example.police.uk", name="Otto Other")
    url = f"/admin/workload/{officer.staff.id}"
    missing = supervisor.post(url, {"case": [str(ids[0])]}).get_data(as_text=True)
    assert "Select who to move them to" in missing and "Enter why you are moving them" in missing
    assert case_row(app, ids[0]).assigned_to_id == officer.staff.id
    marker = audit_marker(app)
    response = supervisor.post(
        url,
        {
            "case": [str(i) for i in ids[:3]],
            "assign_to": str(other.id),
            "reason": "Olive is on leave",
        },
    )
    assert response.status_code == 302
    assert [case_row(app, i).assigned_to_id for i in ids] == [other.id] * 3 + [officer.staff.id]
    moved = [e for e in audit_after(app, marker) if e.action == "case_assigned"]
    assert sorted(e.application_id for e in moved) == ids[:3]
    page = supervisor.client.get(f"/admin/cases/{ids[0]}").get_data(as_text=True)
    assert "Olive is on leave" in page
    browser = StaffBrowser(app, other)
    browser.sign_in(clock.now)
    assert browser.client.get("/admin/workload").status_code == 403
