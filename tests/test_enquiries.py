"""Enquiries to other forces (portal/casework/enquiries.py): suggested from the
subject's addresses outside the force's area, recorded as sent, chased,
replied or dismissed, with a reply clock of their own, and the same recorded
override as a check awaiting a reply when a decision cannot wait."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from bs4 import BeautifulSoup

from portal.clock import as_utc
from portal.deadlines import LONDON
from portal.models import Role

from .casework_support import DECISION, TRIAGE, case_row, record, submit
from .staff_support import StaffBrowser, make_staff
from .support import SELF

MONDAY = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
# The subject lives in Leeds now and lived in Cardiff and in Coventry (the
# force's own area) before.
MOVED_AROUND = SELF | {
    "subject-address": {"known": "yes", "address": "12 Park Street\nLeeds", "postcode": "LS1 4AP"},
    "previous-addresses": {
        "more": "no",
        "items": [
            {"address": "4 Castle Street, Cardiff", "postcode": "CF10 1BH", "when": "2022"},
            {"address": "9 Far Gosford Street", "postcode": "CV1 5DZ", "when": "2020"},
        ],
    },
}


def end_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=LONDON)


@pytest.fixture
def officer(app, clock):
    clock.now = MONDAY
    browser = StaffBrowser(app, make_staff(app, Role.OFFICER, name="Olive Officer"))
    browser.sign_in(clock.now)
    return browser


def submitted(app, clock, answers=MOVED_AROUND) -> int:
    """A case made with the previous addresses already in its answers (the
    public form's add-another pages are tested on their own)."""
    from portal.extensions import db

    clock.now = MONDAY
    case_id = submit(app, answers | {"previous-addresses": {"more": "no"}})
    with app.app_context():
        case = case_row(app, case_id)
        case = db.session.merge(case)
        case.answers = {**case.answers, "previous-addresses": answers["previous-addresses"]}
        db.session.commit()
    return case_id


def suggestions(officer, case_id) -> list[str]:
    soup = BeautifulSoup(officer.client.get(f"/admin/cases/{case_id}").text, "html.parser")
    listed = soup.find(id="enquiries-suggested")
    return [" ".join(li.get_text().split()) for li in listed.find_all("li")] if listed else []


def sent(force: str, day: date) -> dict:
    return {
        "force": force,
        "action": "sent",
        "sent_on-day": str(day.day),
        "sent_on-month": str(day.month),
        "sent_on-year": str(day.year),
        "about": "Domestic abuse history at the Leeds address",
    }


def test_addresses_outside_the_force_suggest_enquiries_to_the_forces_that_cover_them(
    app, officer, clock
):
    case_id = submitted(app, clock)
    assert record(officer, case_id, "triage", TRIAGE).status_code == 302
    found = suggestions(officer, case_id)
    assert len(found) == 2  # Coventry is the force's own: its own checks cover it
    assert "Leeds" in found[0] and "Enquiry to West Yorkshire Police" in found[0]
    assert "Cardiff" in found[1] and "Enquiry to South Wales Police" in found[1]
    # The suggestion's link fills in the force.
    page = officer.client.get(f"/admin/cases/{case_id}/record/enquiry?force=South+Wales+Police")
    soup = BeautifulSoup(page.text, "html.parser")
    chosen = soup.find("input", attrs={"name": "force", "checked": True})
    assert chosen["value"] == "South Wales Police"
    # A value that is not one of the choices fills in nothing.
    page = officer.client.get(f"/admin/cases/{case_id}/record/enquiry?force=Nowhere+Police")
    assert BeautifulSoup(page.text, "html.parser").find("input", attrs={"checked": True}) is None


def test_an_enquiry_runs_its_reply_clock_and_a_relevant_reply_brings_the_review_forward(
    app, officer, clock
):
    case_id = submitted(app, clock)
    record(officer, case_id, "triage", TRIAGE)
    response = record(officer, case_id, "enquiry", sent("West Yorkshire Police", MONDAY.date()))
    assert response.status_code == 302
    # Ten working days from Monday 2 November.
    case = case_row(app, case_id)
    assert as_utc(case.enquiry_reply_due_at) == end_of(date(2026, 11, 16))
    assert [s for s in suggestions(officer, case_id) if "West Yorkshire" in s] == []
    # A second enquiry to the same force while one waits is refused; a chase restarts the clock.
    again = record(officer, case_id, "enquiry", sent("West Yorkshire Police", MONDAY.date()))
    assert "An enquiry to this force is awaiting a reply" in again.text
    chase = {
        "force": "West Yorkshire Police",
        "action": "chased",
        "chased_on-day": "17",
        "chased_on-month": "11",
        "chased_on-year": "2026",
    }
    clock.now = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)
    officer.sign_in(clock.now)
    queue = officer.client.get("/admin/cases?due_enquiry=1").text
    assert case.reference in queue  # overdue since the 16th
    assert record(officer, case_id, "enquiry", chase).status_code == 302
    assert as_utc(case_row(app, case_id).enquiry_reply_due_at) == end_of(date(2026, 11, 24))
    assert case.reference not in officer.client.get("/admin/cases?due_enquiry=1").text
    review = {"risk": "standard", "basis": "Nothing new"}
    assert record(officer, case_id, "review", review).status_code == 302
    assert as_utc(case_row(app, case_id).review_due_at) > clock.now
    reply = {
        "force": "West Yorkshire Police",
        "action": "replied",
        "replied_on-day": "17",
        "replied_on-month": "11",
        "replied_on-year": "2026",
        "result": "relevant",
        "findings": "Two call-outs to the Leeds address in 2024",
    }
    assert record(officer, case_id, "enquiry", reply).status_code == 302
    case = case_row(app, case_id)
    assert case.enquiry_reply_due_at is None
    assert as_utc(case.review_due_at) == clock.now
    # A reply with none awaited is refused.
    again = record(officer, case_id, "enquiry", reply)
    assert "No enquiry to this force is awaiting a reply" in again.text


def test_a_reply_clock_passes_over_bank_holidays(app, officer, clock):
    case_id = submitted(app, clock)
    record(officer, case_id, "triage", TRIAGE)
    # Friday 18 December: Christmas, Boxing Day (Monday 28) and New Year's Day are not working days.
    clock.now = datetime(2026, 12, 18, 12, 0, tzinfo=UTC)
    officer.sign_in(clock.now)
    response = record(officer, case_id, "enquiry", sent("South Wales Police", clock.now.date()))
    assert response.status_code == 302
    assert as_utc(case_row(app, case_id).enquiry_reply_due_at) == end_of(date(2027, 1, 6))


def test_a_decision_while_an_enquiry_awaits_a_reply_needs_a_recorded_reason(app, officer, clock):
    case_id = submitted(app, clock)
    record(officer, case_id, "triage", TRIAGE)
    record(officer, case_id, "enquiry", sent("West Yorkshire Police", MONDAY.date()))
    decision = DECISION | {"forum_on-day": "2", "forum_on-month": "11"}
    refused = record(officer, case_id, "decision", decision)
    assert refused.status_code == 200
    assert "Enquiry to West Yorkshire Police" in refused.text
    assert case_row(app, case_id).stage != "decision_made"
    why = decision | {"checks_override_reason": "Risk is high: the disclosure cannot wait"}
    assert record(officer, case_id, "decision", why).status_code == 302
    case = case_row(app, case_id)
    assert case.stage == "decision_made"
    assert [d["rule"] for d in case.deviations] == ["checks_awaiting"]


def test_a_suggestion_dismissed_with_a_reason_goes(app, officer, clock):
    case_id = submitted(app, clock)
    record(officer, case_id, "triage", TRIAGE)
    dismiss = {"force": "South Wales Police", "action": "dismissed"}
    assert "Enter why no enquiry to this force is needed" in (
        record(officer, case_id, "enquiry", dismiss).text
    )
    dismiss["reason"] = "Lived there as a student; already on the national database"
    assert record(officer, case_id, "enquiry", dismiss).status_code == 302
    assert [s for s in suggestions(officer, case_id) if "Cardiff" in s] == []
    assert case_row(app, case_id).enquiry_reply_due_at is None


def test_an_address_in_the_force_area_or_unknown_suggests_nothing(app, officer, clock):
    case_id = submitted(
        app,
        clock,
        SELF
        | {
            "previous-addresses": {
                "more": "no",
                "items": [{"address": "Somewhere by the sea", "postcode": "", "when": ""}],
            }
        },
    )
    record(officer, case_id, "triage", TRIAGE)
    assert suggestions(officer, case_id) == []
