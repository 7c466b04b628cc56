"""The rules that keep a disclosure safe, each tried through the pages as
staff would: four eyes on every decision, a sign-off of the decision it
showed, stages forward only, decisions that wait for checks, safe contact in
full, and deadlines from one source."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup

from portal.force import Force
from portal.models import Role

from .casework_support import (
    CONTACT,
    DECISION,
    DISCLOSURE,
    TRIAGE,
    case_row,
    record,
    sign_off,
    submit,
)
from .staff_support import StaffBrowser, audit_after, audit_marker, csrf_from, make_staff
from .support import SELF, SOMEONE_ELSE, Applicant, complete, page_url


def text_of(response) -> str:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return " ".join(soup.get_text(" ").split())


def records_of(app, case_id, kind):
    from portal.extensions import db
    from portal.models import CaseRecord

    with app.app_context():
        return db.session.query(CaseRecord).filter_by(application_id=case_id, kind=kind).count()


@pytest.fixture
def second_supervisor(app, clock):
    browser = StaffBrowser(
        app, make_staff(app, Role.SUPERVISOR, email="sid@example.police.uk", name="Sid Second")
    )
    browser.sign_in(clock.now)
    return browser


def decided(app, officer, case_id=None, **changes) -> int:
    case_id = case_id or submit(app)
    if case_row(app, case_id).triaged_at is None:
        assert record(officer, case_id, "triage", TRIAGE).status_code == 302
    assert record(officer, case_id, "decision", DECISION | changes).status_code == 302
    return case_id


def test_the_person_who_recorded_a_decision_cannot_sign_it_off(app, supervisor, second_supervisor):
    case_id = decided(app, supervisor)  # a supervisor records the decision
    refused = sign_off(supervisor, case_id)
    assert refused.status_code == 409
    assert "You recorded this decision: another supervisor must sign it off." in text_of(refused)
    disclosure = record(supervisor, case_id, "disclosure", DISCLOSURE)
    assert disclosure.status_code == 409
    assert case_row(app, case_id).disclosed_at is None
    assert sign_off(second_supervisor, case_id).status_code == 302
    assert record(supervisor, case_id, "disclosure", DISCLOSURE).status_code == 302


def test_the_sign_off_page_shows_the_whole_decision_and_the_checks(app, officer, supervisor):
    case_id = submit(app)
    record(officer, case_id, "triage", TRIAGE)
    check = {"system": "pnc", "result": "relevant", "findings": "Two assaults, 2019 and 2022"}
    record(officer, case_id, "check", check)
    decided(app, officer, case_id, safeguarding="IDVA referral and a marker on the address")
    page = text_of(supervisor.client.get(f"/admin/cases/{case_id}/record/sign_off"))
    for shown in (
        "Recorded by Olive Officer",
        "Forum date 20 November 2026",
        "Forum DVDS panel",
        "Agencies present Police, probation",
        "Disclose Yes",
        "What Two previous convictions for assault on partners",
        "To whom Applicant",
        "Delivered by DC Smith",
        "Subject told No",
        "Safeguarding IDVA referral and a marker on the address",
        "Rationale Lawful, necessary",
        "Police National Computer (PNC) Relevant information held Two assaults, 2019 and 2022",
        "Approve",
        "Return to the officer",
    ):
        assert shown in page, shown


def test_a_returned_decision_goes_back_to_the_officer_with_the_reason(app, officer, supervisor):
    case_id = decided(app, officer)  # with no extra safeguarding: the page says so
    page = text_of(supervisor.client.get(f"/admin/cases/{case_id}/record/sign_off"))
    assert "Safeguarding None recorded" in page
    missing = sign_off(supervisor, case_id, verdict="return")
    assert "Enter what needs to change before you can approve it" in text_of(missing)
    assert records_of(app, case_id, "sign_off") == 0
    response = sign_off(
        supervisor, case_id, verdict="return", return_reason="Say who delivers it and when"
    )
    assert response.status_code == 302
    case = case_row(app, case_id)
    assert case.stage == "decision_returned" and case.decision_signed_off_at is None
    page = text_of(officer.client.get(f"/admin/cases/{case_id}"))
    assert "Decision returned" in page and "Say who delivers it and when" in page
    officer.post(f"/admin/cases/{case_id}/claim", token_from=f"/admin/cases/{case_id}")
    queue = text_of(officer.client.get("/admin/cases?mine=1"))
    assert case.reference in queue and "Decision returned" in queue
    assert "must approve it before a disclosure" in text_of(
        record(officer, case_id, "disclosure", DISCLOSURE)
    )
    again = sign_off(supervisor, case_id)  # nothing to approve until a new decision
    assert "a new decision is needed first" in text_of(again)
    decided(app, officer, case_id, delivered_by="DC Smith, 3 December")
    assert sign_off(supervisor, case_id).status_code == 302
    assert case_row(app, case_id).stage == "signed_off"


def test_a_sign_off_approves_only_the_decision_it_showed(app, officer, supervisor):
    case_id = decided(app, officer)
    url = f"/admin/cases/{case_id}/record/sign_off"
    opened = BeautifulSoup(supervisor.client.get(url).get_data(as_text=True), "html.parser")
    seen = opened.find("input", attrs={"name": "decision"})["value"]
    token = opened.find("input", attrs={"name": "csrf_token"})["value"]
    decided(app, officer, case_id, what="Changed while the supervisor read the old one")
    stale = supervisor.client.post(
        url, data={"csrf_token": token, "decision": seen, "verdict": "approve"}
    )
    assert stale.status_code == 409
    page = text_of(stale)
    assert "The decision changed while you had this page open. Nothing was saved." in page
    assert "Changed while the supervisor read the old one" in page
    assert records_of(app, case_id, "sign_off") == 0
    assert case_row(app, case_id).decision_signed_off_at is None
    fresh = BeautifulSoup(stale.get_data(as_text=True), "html.parser")
    assert not fresh.select('input[name="verdict"][checked]')  # chosen again, knowingly
    data = {
        "csrf_token": fresh.find("input", attrs={"name": "csrf_token"})["value"],
        "decision": fresh.find("input", attrs={"name": "decision"})["value"],
        "verdict": "approve",
    }
    assert supervisor.client.post(url, data=data).status_code == 302
    assert record(officer, case_id, "disclosure", DISCLOSURE).status_code == 302


def test_a_new_decision_voids_the_sign_off(app, officer, supervisor):
    case_id = decided(app, officer)
    sign_off(supervisor, case_id)
    decided(app, officer, case_id, disclose="no")
    case = case_row(app, case_id)
    assert case.decision_signed_off_at is None and case.stage == "decision_made"
    assert record(officer, case_id, "disclosure", DISCLOSURE).status_code == 409


def test_after_a_disclosure_the_decision_cannot_change(app, officer, supervisor):
    case_id = decided(app, officer)
    sign_off(supervisor, case_id)
    record(officer, case_id, "disclosure", DISCLOSURE)
    refused = record(officer, case_id, "decision", DECISION | {"disclose": "no"})
    assert refused.status_code == 409
    assert "The disclosure has been recorded" in text_of(refused)
    assert records_of(app, case_id, "decision") == 1
    assert case_row(app, case_id).stage == "disclosed"


def test_stages_move_forward_only(app, officer):
    case_id = decided(app, officer)
    record(officer, case_id, "contact", CONTACT)
    record(officer, case_id, "check", {"system": "pnd", "result": "nothing"})
    case = case_row(app, case_id)
    assert case.stage == "decision_made"  # not back to "in contact" or "checks"
    assert case.first_contact_at is not None  # the contact still counts


def test_a_closed_case_takes_only_a_reopen_by_a_supervisor(app, officer, supervisor):
    case_id = decided(app, officer, disclose="no")
    sign_off(supervisor, case_id)
    record(officer, case_id, "closure", {"outcome": "threshold_not_met"})
    for kind, data in (("note", {"note": "After closing"}), ("decision", DECISION)):
        refused = record(officer, case_id, kind, data)
        assert refused.status_code == 409 and "The case is closed." in text_of(refused)
    assert record(officer, case_id, "reopen", {"reason": "New information"}).status_code == 409
    marker = audit_marker(app)
    assert "Enter why the case is being reopened" in text_of(
        record(supervisor, case_id, "reopen", {})
    )
    assert record(supervisor, case_id, "reopen", {"reason": "New information"}).status_code == 302
    case = case_row(app, case_id)
    assert case.closed_at is None and case.outcome is None
    assert case.stage == "signed_off"  # where it was when it closed
    (reopen,) = [e for e in audit_after(app, marker) if e.action == "case_reopen"]
    assert reopen.detail["changes"]["stage"] == ["closed", "signed_off"]
    assert "reason_in" in reopen.detail


def test_a_decision_while_checks_await_a_reply_needs_a_reason(app, officer):
    case_id = submit(app)
    record(officer, case_id, "triage", TRIAGE)
    form = text_of(officer.client.get(f"/admin/cases/{case_id}/record/decision"))
    assert "awaiting a reply" not in form  # nothing awaited: nothing to explain
    record(officer, case_id, "check", {"system": "probation", "result": "awaiting"})
    form = text_of(officer.client.get(f"/admin/cases/{case_id}/record/decision"))
    assert "Probation Awaiting a reply" in form  # the checks, beside the decision
    refused = record(officer, case_id, "decision", DECISION)
    assert "Enter why the decision cannot wait for the replies awaited (Probation)" in text_of(
        refused
    )
    assert records_of(app, case_id, "decision") == 0
    reason = {"checks_override_reason": "Risk is high: probation will not reply for weeks"}
    assert record(officer, case_id, "decision", DECISION | reason).status_code == 302
    case = case_row(app, case_id)
    assert [(d["rule"], d["stage"]) for d in case.deviations] == [("checks_awaiting", "decision")]
    page = text_of(officer.client.get(f"/admin/cases/{case_id}"))
    assert "Decided while checks awaited a reply: Decision" in page
    record(officer, case_id, "check", {"system": "probation", "result": "nothing"})
    assert record(officer, case_id, "decision", DECISION).status_code == 302  # replied now


UNSAFE_ATTEMPTS = [
    ({"result": "message_left"}, "they said not to leave messages"),
    ({"police_named": "yes"}, "they said not to say it is the police"),
    (  # Saturday 7 November 2026: the applicant chose weekdays
        {"contacted_on-day": "7"},
        "they did not choose Saturday",
    ),
    ({"contacted_time": "7:30pm"}, "19:30 is not in a time of day they chose"),
    ({"channel": "email"}, "email is not a way they chose"),
]


@pytest.mark.parametrize(("change", "why"), UNSAFE_ATTEMPTS, ids=[w for _c, w in UNSAFE_ATTEMPTS])
def test_contact_outside_the_applicants_answers_needs_a_reason(app, officer, change, why):
    case_id = submit(app)  # phone or in person, weekday mornings, no messages, not the police
    record(officer, case_id, "triage", TRIAGE)
    refused = record(officer, case_id, "contact", CONTACT | change)
    assert why in text_of(refused)
    assert records_of(app, case_id, "contact") == 0
    reason = {"override_reason": "Immediate risk: he was on his way to the address"}
    assert record(officer, case_id, "contact", CONTACT | change | reason).status_code == 302
    case = case_row(app, case_id)
    assert [(d["rule"], d["stage"]) for d in case.deviations] == [("safe_contact", "contact")]
    page = text_of(officer.client.get(f"/admin/cases/{case_id}"))
    assert "Contact outside what the applicant said is safe: Contact attempt" in page
    assert "Immediate risk: he was on his way" in page


def test_a_safe_contact_attempt_keeps_its_time_and_whether_the_police_were_named(app, officer):
    case_id = submit(app)
    record(officer, case_id, "triage", TRIAGE)
    contact = text_of(officer.client.get(f"/admin/cases/{case_id}/record/contact"))
    assert "Contact the applicant only in these ways" in contact  # beside the form
    assert "Monday Tuesday Wednesday Thursday Friday" in contact
    assert record(officer, case_id, "contact", CONTACT).status_code == 302
    assert case_row(app, case_id).deviations == []
    page = text_of(officer.client.get(f"/admin/cases/{case_id}"))
    assert "Time 10:15" in page and "Said it was the police No" in page
    bad = record(officer, case_id, "contact", CONTACT | {"contacted_time": "half nine"})
    assert "Enter the time of the attempt like 9:30am or 14:30" in text_of(bad)


def test_the_triage_deadline_is_the_forces_own(app, officer, clock, monkeypatch):
    monkeypatch.setitem(app.extensions, "force", Force(triage_hours=48))
    case_id = submit(app)
    case = case_row(app, case_id)
    assert case.triage_due_at - case.submitted_at == timedelta(hours=48)
    clock.advance(hours=30)
    officer.sign_in(clock.now)
    assert case.reference not in text_of(officer.client.get("/admin/cases?overdue=1"))
    form = text_of(officer.client.get(f"/admin/cases/{case_id}/record/triage"))
    assert "Why was the deadline missed?" not in form
    clock.advance(hours=19)
    officer.sign_in(clock.now)
    assert case.reference in text_of(officer.client.get("/admin/cases?overdue=1"))
    assert "Enter why the deadline was missed" in text_of(
        record(officer, case_id, "triage", TRIAGE)
    )


def test_the_public_pages_print_the_same_triage_hours(app, monkeypatch):
    monkeypatch.setitem(app.extensions, "force", Force(triage_hours=48))
    applicant = Applicant(app)
    complete(applicant, SELF)
    applicant.post(page_url("check-your-answers"))
    assert "within 48 hours" in " ".join(applicant.page.soup.get_text().split())


def test_a_closed_case_found_by_reference_shows_as_closed(app, officer):
    case_id = submit(app)
    record(officer, case_id, "triage", TRIAGE | {"decision": "withdrawn", "reason": "Asked to"})
    reference = case_row(app, case_id).reference
    found = text_of(officer.client.get(f"/admin/cases?reference={reference}"))
    assert "1 case found" in found and "open case" not in found
    assert f"{reference} " in found and "Closed" in found
    assert "Completion:" not in found and "First contact:" not in found
    page = text_of(officer.client.get(f"/admin/cases/{case_id}"))
    assert "Next due Nothing: the case is closed" in page
    assert "First contact: not reached: the case is closed" in page
    assert "Overdue" not in page and "Due soon" not in page


AT_RISK_SAFE = {  # SOMEONE_ELSE: the person at risk by text, Saturday afternoons
    **CONTACT,
    "person": "at_risk",
    "contacted_on-day": "7",
    "contacted_time": "2:30pm",
    "channel": "text",
}


def test_a_contact_to_the_person_at_risk_keeps_to_what_the_applicant_said_of_them(app, officer):
    case_id = submit(app, SOMEONE_ELSE)  # Pat applied for Jo: Jo by text, Saturday afternoons
    record(officer, case_id, "triage", TRIAGE)
    page = text_of(officer.client.get(f"/admin/cases/{case_id}/record/contact"))
    assert "Who did you try to contact?" in page
    assert "Contact the person at risk only in these ways" in page
    assert "Select who you tried to contact" in text_of(
        record(officer, case_id, "contact", CONTACT)
    )
    refused = text_of(record(officer, case_id, "contact", CONTACT | {"person": "at_risk"}))
    for why in ("phone call is not a way they chose", "they did not choose Monday"):
        assert why in refused, why
    assert records_of(app, case_id, "contact") == 0
    assert record(officer, case_id, "contact", AT_RISK_SAFE).status_code == 302
    case = case_row(app, case_id)
    assert case.deviations == [] and case.first_contact_at is None  # Jo reached, not Pat
    pat = CONTACT | {"person": "applicant", "channel": "email", "police_named": "yes"}
    assert record(officer, case_id, "contact", pat).status_code == 302
    case = case_row(app, case_id)
    assert case.deviations == [] and case.first_contact_at is not None


def test_a_person_at_risk_to_be_reached_through_the_applicant_is_not_contacted_directly(
    app, officer
):
    answers = {
        slug: data for slug, data in SOMEONE_ELSE.items() if not slug.startswith("at-risk-")
    } | {"contact-at-risk": {"contact": "through_applicant"}}
    case_id = submit(app, answers)
    record(officer, case_id, "triage", TRIAGE)
    refused = text_of(record(officer, case_id, "contact", AT_RISK_SAFE))
    assert "the applicant said to contact the person at risk through them" in refused
    reason = {"override_reason": "Jo called us herself from a refuge"}
    assert record(officer, case_id, "contact", AT_RISK_SAFE | reason).status_code == 302
    assert [d["rule"] for d in case_row(app, case_id).deviations] == ["safe_contact"]


def test_an_applicant_applying_for_themselves_is_not_asked_whom_they_contacted(app, officer):
    case_id = submit(app)
    record(officer, case_id, "triage", TRIAGE)
    page = text_of(officer.client.get(f"/admin/cases/{case_id}/record/contact"))
    assert "Who did you try to contact?" not in page


def refusal_on(browser, case_id, kind) -> str:
    """The stage's page, refused (409): the sentence that says why, as shown."""
    response = browser.client.get(f"/admin/cases/{case_id}/record/{kind}")
    assert response.status_code == 409, (kind, response.status_code)
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.h1.get_text(strip=True) == "This cannot be done now"
    return " ".join(soup.h1.find_next("p").get_text(" ").split())


def test_every_refusal_says_why_in_the_rules_own_words(app, officer, supervisor, second_supervisor):
    fresh = submit(app)
    assert refusal_on(officer, fresh, "contact") == "Triage the case first."
    assert refusal_on(supervisor, fresh, "reopen") == "The case is open."
    record(officer, fresh, "triage", TRIAGE)
    assert refusal_on(supervisor, fresh, "sign_off") == "Record a decision first."

    own = decided(app, supervisor)
    assert refusal_on(supervisor, own, "sign_off") == (
        "You recorded this decision: another supervisor must sign it off."
    )

    returned = decided(app, officer)
    assert sign_off(supervisor, returned, "return", return_reason="Say more").status_code == 302
    assert refusal_on(second_supervisor, returned, "sign_off") == (
        "The decision was returned: a new decision is needed first."
    )

    unapproved = decided(app, officer)
    assert refusal_on(officer, unapproved, "disclosure") == (
        "A supervisor other than the person who recorded the decision must approve it "
        "before a disclosure."
    )
    assert sign_off(supervisor, unapproved).status_code == 302
    assert refusal_on(second_supervisor, unapproved, "sign_off") == (
        "The decision in force is approved."
    )

    withheld = decided(app, officer, disclose="no")
    assert sign_off(supervisor, withheld).status_code == 302
    assert refusal_on(officer, withheld, "disclosure") == "The decision was not to disclose."

    assert record(officer, unapproved, "disclosure", DISCLOSURE).status_code == 302
    assert refusal_on(officer, unapproved, "decision") == (
        "The disclosure has been recorded: the decision can no longer change."
    )
    assert record(officer, fresh, "closure", {"outcome": "no_information"}).status_code == 302
    assert refusal_on(officer, fresh, "contact") == "The case is closed."


def test_only_a_triage_counts_as_the_case_being_triaged(app, officer):
    case_id = submit(app)
    assert record(officer, case_id, "note", {"note": "Applicant rang to ask"}).status_code == 302
    for kind in ("contact", "check", "decision", "closure"):
        assert refusal_on(officer, case_id, kind) == "Triage the case first."
    record(officer, case_id, "triage", TRIAGE)
    assert officer.client.get(f"/admin/cases/{case_id}/record/decision").status_code == 200


def test_a_decision_names_every_reply_it_would_not_wait_for(app, officer):
    case_id = submit(app)
    record(officer, case_id, "triage", TRIAGE)
    record(officer, case_id, "check", {"system": "probation", "result": "awaiting"})
    enquiry = {
        "force": "West Yorkshire Police",
        "action": "sent",
        "sent_on-day": "2",
        "sent_on-month": "11",
        "sent_on-year": "2026",
    }
    assert record(officer, case_id, "enquiry", enquiry).status_code == 302
    refused = text_of(record(officer, case_id, "decision", DECISION))
    assert (
        "Enter why the decision cannot wait for the replies awaited "
        "(Probation; Enquiry to West Yorkshire Police)"
    ) in refused
    assert records_of(app, case_id, "decision") == 0


def test_a_sign_off_of_a_decision_since_replaced_is_refused_with_why(app, officer, supervisor):
    case_id = decided(app, officer)
    url = f"/admin/cases/{case_id}/record/sign_off"
    page = supervisor.client.get(url)
    shown = BeautifulSoup(page.text, "html.parser").find("input", attrs={"name": "decision"})
    decided(app, officer, case_id, disclose="no")  # meanwhile, a new decision
    data = {"csrf_token": csrf_from(page), "decision": shown["value"], "verdict": "approve"}
    refused = supervisor.client.post(url, data=data)
    assert refused.status_code == 409
    assert "The decision changed while you had this page open. Nothing was saved." in (
        text_of(refused)
    )
    assert "Disclose No" in text_of(refused)  # the decision now in force, to read first
    assert case_row(app, case_id).decision_signed_off_at is None
