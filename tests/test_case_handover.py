"""Handing a case back to the unassigned queue: by the officer working it or
a supervisor, with a reason the next officer reads, audited."""

from __future__ import annotations

from portal.models import Role

from .casework_support import TRIAGE, case_row, record, submit
from .staff_support import StaffBrowser, audit_after, audit_marker, make_staff


def take(browser, case_id):
    browser.post(f"/admin/cases/{case_id}/claim", token_from=f"/admin/cases/{case_id}")


def test_an_officer_hands_their_case_back_with_a_reason(app, officer, supervisor):
    case_id = submit(app)
    take(officer, case_id)
    url = f"/admin/cases/{case_id}/hand-back"
    assert "Hand back to the unassigned queue" in officer.client.get(
        f"/admin/cases/{case_id}"
    ).get_data(as_text=True)
    missing = officer.post(url, {"reason": ""})
    assert "Enter why you are handing the case back" in missing.get_data(as_text=True)
    assert case_row(app, case_id).assigned_to_id == officer.staff.id
    marker = audit_marker(app)
    response = officer.post(url, {"reason": "On leave from Monday"})
    assert response.status_code == 302
    assert case_row(app, case_id).assigned_to_id is None
    (event,) = [e for e in audit_after(app, marker) if e.action == "case_handed_back"]
    assert event.detail["changes"]["assigned_to_id"] == [officer.staff.id, None]
    page = supervisor.client.get(f"/admin/cases/{case_id}").get_data(as_text=True)
    assert "On leave from Monday" in page and "Unassigned" in page
    trail = supervisor.client.get(f"/admin/cases/{case_id}/audit").get_data(as_text=True)
    assert "On leave from Monday" in trail
    unassigned = officer.client.get("/admin/cases?unassigned=1").get_data(as_text=True)
    assert case_row(app, case_id).reference in unassigned


def test_only_the_officer_working_it_or_a_supervisor_hands_a_case_back(
    app, officer, supervisor, clock
):
    case_id = submit(app)
    url = f"/admin/cases/{case_id}/hand-back"
    assert officer.client.get(url).status_code == 409  # nobody has it
    take(officer, case_id)
    other = StaffBrowser(app, make_staff(app, Role.OFFICER, email="other@example.police.uk"))
    other.sign_in(clock.now)
    refused = other.post(url, {"reason": "Not mine"})
    assert refused.status_code == 409
    assert "Only the officer working the case" in refused.get_data(as_text=True)
    assert case_row(app, case_id).assigned_to_id == officer.staff.id
    assert supervisor.post(url, {"reason": "Rebalancing"}).status_code == 302
    assert case_row(app, case_id).assigned_to_id is None


def test_a_closed_case_is_not_handed_back(app, officer):
    case_id = submit(app)
    take(officer, case_id)
    record(officer, case_id, "triage", TRIAGE | {"decision": "withdrawn", "reason": "Asked to"})
    refused = officer.post(f"/admin/cases/{case_id}/hand-back", {"reason": "Done"})
    assert refused.status_code == 409 and "The case is closed." in refused.get_data(as_text=True)
