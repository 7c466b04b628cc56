"""Casework: the queue, stages in order, sign-off before disclosure, one
outcome to close, late stages justified, concurrent claims, duplicates, the
audit trail with old and new values, exports, escaping, and applications
keyed in by phone."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

from bs4 import BeautifulSoup
from sqlalchemy import select, text

from portal.extensions import db
from portal.models import Application, AuditEvent, Role

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
from .staff_support import StaffBrowser, audit_after, audit_marker, make_staff
from .support import SELF, Applicant, complete, page_url


def test_a_case_is_worked_from_triage_to_closure(app, officer, supervisor):
    case_id = submit(app)
    marker = audit_marker(app)
    assert record(officer, case_id, "triage", TRIAGE).status_code == 302
    assert record(officer, case_id, "contact", CONTACT).status_code == 302
    assert record(officer, case_id, "decision", DECISION).status_code == 302
    refused = record(officer, case_id, "disclosure", DISCLOSURE)
    assert refused.status_code == 409
    assert "must approve it before a disclosure" in refused.get_data(as_text=True)
    assert record(officer, case_id, "sign_off", {}).status_code == 409  # not a supervisor
    assert sign_off(supervisor, case_id, comment="Agreed").status_code == 302
    assert record(officer, case_id, "disclosure", DISCLOSURE).status_code == 302
    response = record(officer, case_id, "closure", {"outcome": "disclosed_to_person_at_risk"})
    assert response.status_code == 302
    case = case_row(app, case_id)
    assert case.outcome == "disclosed_to_person_at_risk" and case.closed_at is not None
    assert case.first_contact_at is not None and case.decision_signed_off_at is not None
    actions = [e.action for e in audit_after(app, marker) if e.action != "case_viewed"]
    assert actions == [
        "case_triage",
        "case_contact",
        "case_decision",
        "case_sign_off",
        "case_disclosure",
        "case_closure",
    ]


def test_stages_wait_for_triage(app, officer):
    case_id = submit(app)
    for kind, data in (("contact", CONTACT), ("decision", DECISION), ("closure", {})):
        response = record(officer, case_id, kind, data)
        assert response.status_code == 409
        assert "Triage the case first" in response.get_data(as_text=True)


def test_a_new_decision_needs_a_new_sign_off(app, officer, supervisor):
    case_id = submit(app)
    record(officer, case_id, "triage", TRIAGE)
    record(officer, case_id, "decision", DECISION)
    assert sign_off(supervisor, case_id).status_code == 302
    record(officer, case_id, "decision", DECISION | {"what": "Changed"})
    assert record(officer, case_id, "disclosure", DISCLOSURE).status_code == 409


def test_closing_needs_one_outcome_and_a_disclosure_for_a_disclosure_outcome(app, officer):
    case_id = submit(app)
    record(officer, case_id, "triage", TRIAGE)
    assert "Select an outcome" in record(officer, case_id, "closure", {}).get_data(as_text=True)
    response = record(officer, case_id, "closure", {"outcome": "disclosed_to_third_party"})
    assert "Record the disclosure before closing" in response.get_data(as_text=True)
    assert record(officer, case_id, "closure", {"outcome": "no_information"}).status_code == 302
    for kind, data in (("note", {"note": "Closed after checks"}), ("contact", CONTACT)):
        refused = record(officer, case_id, kind, data)  # a closed case takes only a reopen
        assert refused.status_code == 409
        assert "The case is closed." in refused.get_data(as_text=True)


def test_a_triage_decision_not_to_proceed_closes_the_case(app, officer):
    case_id = submit(app)
    response = record(officer, case_id, "triage", TRIAGE | {"decision": "withdrawn"})
    assert "Enter the reason for the decision" in response.get_data(as_text=True)
    record(
        officer,
        case_id,
        "triage",
        TRIAGE | {"decision": "withdrawn", "reason": "Applicant asked to stop"},
    )
    assert case_row(app, case_id).outcome == "withdrawn"


def test_a_duplicate_is_linked_both_ways(app, officer):
    first, second = submit(app), submit(app)
    reference = case_row(app, first).reference
    response = record(
        officer,
        second,
        "triage",
        TRIAGE | {"decision": "duplicate", "duplicate_reference": "ZZ2ZZ2ZZ", "reason": "Same"},
    )
    assert "Enter the reference of another case" in response.get_data(as_text=True)
    record(
        officer,
        second,
        "triage",
        TRIAGE
        | {
            "decision": "duplicate",
            "duplicate_reference": reference.lower(),
            "reason": "Same application twice",
        },
    )
    assert case_row(app, second).duplicate_of_id == first
    page = officer.client.get(f"/admin/cases/{first}").get_data(as_text=True)
    assert "Marked as a duplicate of this case" in page
    assert case_row(app, second).reference in page


def test_possible_duplicates_are_found_and_can_be_dismissed(app, officer):
    first = submit(app)
    again = SELF | {"subject-name": {"full_name": "  sam   SUBJECT ", "other_names": ""}}
    second = submit(app, again)
    page = officer.client.get(f"/admin/cases/{second}").get_data(as_text=True)
    assert case_row(app, first).reference in page and "same subject" in page
    assert "same applicant" in page
    assert officer.client.get("/admin/cases").text.count(">Possible duplicate<") == 2
    officer.post(
        f"/admin/cases/{second}/not-duplicate/{first}", token_from=f"/admin/cases/{second}"
    )
    page = officer.client.get(f"/admin/cases/{second}").get_data(as_text=True)
    assert "Possible duplicates" not in page
    # Not the same people, seen from either case: no flag left on the queue.
    assert "Possible duplicates" not in officer.client.get(f"/admin/cases/{first}").text
    assert ">Possible duplicate<" not in officer.client.get("/admin/cases").text
    third = submit(app)  # the same again: flagged, with both
    flagged = officer.client.get("/admin/cases").text.count(">Possible duplicate<")
    assert (
        flagged == 3
        and case_row(app, third).reference in officer.client.get(f"/admin/cases/{first}").text
    )


def test_a_late_triage_needs_a_justification_which_is_reported(app, officer, clock):
    case_id = submit(app)
    clock.advance(hours=25)
    officer.sign_in(clock.now)  # a day later: signed out for idleness in between
    response = record(officer, case_id, "triage", TRIAGE)
    assert "Enter why the deadline was missed" in response.get_data(as_text=True)
    assert "Select which best describes why the deadline was missed" in response.get_data(
        as_text=True
    )
    late = {"late_category": "waiting_for_others", "late_reason": "Weekend cover"}
    record(officer, case_id, "triage", TRIAGE | late)
    case = case_row(app, case_id)
    assert [(d["rule"], d["stage"], d["category"]) for d in case.deviations] == [
        ("deadline", "triage", "waiting_for_others")
    ]
    page = officer.client.get(f"/admin/cases/{case_id}").get_data(as_text=True)
    assert "1 departure from the guidance" in page and "Deadline missed: Triage" in page
    assert "Weekend cover" in page  # in the triage record, with its question
    supervisor = StaffBrowser(app, make_staff(app, Role.SUPERVISOR, email="s@example.police.uk"))
    supervisor.sign_in(clock.now)
    trail = supervisor.client.get(f"/admin/cases/{case_id}/audit").get_data(as_text=True)
    assert "Weekend cover" in trail  # the audit trail's reason, opened from the record
    exported = json.loads(supervisor.client.get(f"/admin/cases/{case_id}/export.json").data)
    (triage,) = [r for r in exported["records"] if r["kind"] == "triage"]
    assert triage["data"]["late_reason"] == "Weekend cover"


def test_a_reason_for_reassigning_is_kept_with_the_case(app, officer, supervisor):
    case_id = submit(app)
    page = supervisor.client.get(f"/admin/cases/{case_id}/assign").get_data(as_text=True)
    assert "Reason (optional)" in page
    supervisor.post(
        f"/admin/cases/{case_id}/assign",
        {"assign_to": str(officer.staff.id), "reason": "Olive knows the family's area"},
        token_from=f"/admin/cases/{case_id}/assign",
    )
    assert case_row(app, case_id).assigned_to_id == officer.staff.id
    page = supervisor.client.get(f"/admin/cases/{case_id}").get_data(as_text=True)
    assert "Case assigned" in page and "Olive knows the family" in page
    trail = supervisor.client.get(f"/admin/cases/{case_id}/audit").get_data(as_text=True)
    assert "Olive knows the family" in trail


def test_an_unsafe_contact_channel_needs_a_reason(app, officer):
    case_id = submit(app)  # the applicant said phone and in person are safe
    record(officer, case_id, "triage", TRIAGE)
    response = record(officer, case_id, "contact", CONTACT | {"channel": "letter"})
    assert "letter is not a way they chose" in response.get_data(as_text=True)
    record(
        officer,
        case_id,
        "contact",
        CONTACT | {"channel": "letter", "override_reason": "Phone disconnected"},
    )
    assert case_row(app, case_id).first_contact_at is not None


def test_the_queue_tags_a_deadline_due_soon_then_overdue(app, officer, clock):
    """Triage is due 24 hours after receipt: within 2 days it is "Due soon";
    once passed, "Overdue", in the case's own row."""
    reference = case_row(app, submit(app)).reference

    def tags():
        html = officer.client.get("/admin/cases").get_data(as_text=True)
        row = next(
            tr
            for tr in BeautifulSoup(html, "html.parser").select("tbody tr")
            if reference in tr.text
        )
        return [tag.get_text(strip=True) for tag in row.select("td:last-child .govuk-tag")]

    assert tags() == ["Due soon"]
    clock.advance(hours=25)
    officer.sign_in(clock.now)
    assert tags() == ["Overdue"]


def test_the_queue_puts_triage_first_and_shows_no_names(app, officer, clock):
    older = submit(app)
    clock.advance(minutes=10)
    newer = submit(app)
    record(officer, older, "triage", TRIAGE)
    html = officer.client.get("/admin/cases").get_data(as_text=True)
    references = [case_row(app, newer).reference, case_row(app, older).reference]
    assert html.index(references[0]) < html.index(references[1])
    assert "Alex Example" not in html and "Sam Subject" not in html
    found = officer.client.get(f"/admin/cases?reference={references[1].lower()}")
    assert references[0] not in found.get_data(as_text=True)
    clock.advance(hours=30)
    officer.sign_in(clock.now)
    overdue = officer.client.get("/admin/cases?overdue=1").get_data(as_text=True)
    assert references[0] in overdue and "Overdue" in overdue


def test_two_officers_claiming_at_once_one_wins(app, clock):
    case_id = submit(app)
    browsers = [
        StaffBrowser(app, make_staff(app, Role.OFFICER, email=f"o{n}@example.police.uk"))
        for n in range(2)
    ]
    tokens = []
    for browser in browsers:
        browser.sign_in(clock.now)
        tokens.append(browser.token(f"/admin/cases/{case_id}"))
    results = []

    def claim(browser, token):
        response = browser.client.post(f"/admin/cases/{case_id}/claim", data={"csrf_token": token})
        results.append(response.status_code)

    threads = [
        threading.Thread(target=claim, args=pair) for pair in zip(browsers, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [302, 409]
    assert case_row(app, case_id).assigned_to_id in {b.staff.id for b in browsers}


def test_views_and_changes_are_audited_with_old_and_new_values(app, officer, supervisor):
    case_id = submit(app)
    marker = audit_marker(app)
    officer.client.get(f"/admin/cases/{case_id}")
    record(officer, case_id, "triage", TRIAGE)
    events = audit_after(app, marker)
    assert events[0].action == "case_viewed" and events[0].application_id == case_id
    triage = next(e for e in events if e.action == "case_triage")
    assert triage.detail["changes"]["stage"] == ["received", "triaged"]
    assert "decision" in triage.detail["recorded"]  # which fields, not their values
    trail = supervisor.client.get(f"/admin/cases/{case_id}/audit").get_data(as_text=True)
    assert "case triage" in trail and "stage: received → triaged" in trail
    assert officer.client.get(f"/admin/cases/{case_id}/audit").status_code == 403
    staff_trail = supervisor.client.get(f"/admin/staff/{officer.staff.id}/audit")
    assert "case triage" in staff_trail.get_data(as_text=True)
    assert f'href="/admin/staff/{officer.staff.id}/audit"' in trail


def test_supervisors_export_a_case_and_the_queue_and_it_is_audited(app, officer, supervisor):
    case_id = submit(app)
    marker = audit_marker(app)
    response = supervisor.client.get(f"/admin/cases/{case_id}/export.json")
    exported = json.loads(response.get_data(as_text=True))
    assert exported["reference"] == case_row(app, case_id).reference
    assert exported["answers"]["your-name"]["full_name"] == "Alex Example"
    assert exported["support_consent"] == "yes" and exported["support_referral"] is None
    csv = supervisor.client.get("/admin/cases/export.csv").get_data(as_text=True)
    assert exported["reference"] in csv and "Alex Example" not in csv
    actions = [e.action for e in audit_after(app, marker)]
    assert actions == ["case_exported", "queue_exported"]
    assert officer.client.get(f"/admin/cases/{case_id}/export.json").status_code == 403


HOSTILE = '<script>alert("x")</script>" onmouseover="alert(1)'


def test_hostile_answers_are_shown_as_text(app, officer, supervisor):
    answers = SELF | {
        "concern-details": {"details": HOSTILE},
        "subject-name": {"full_name": 'Sam" onmouseover="x', "other_names": ""},
    }
    case_id = submit(app, answers)
    record(officer, case_id, "triage", TRIAGE | {"risk_action": HOSTILE, "immediate_risk": "yes"})
    for browser, url in (
        (officer, f"/admin/cases/{case_id}"),
        (supervisor, f"/admin/cases/{case_id}/audit"),
        (officer, "/admin/cases"),
    ):
        html = browser.client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html
        assert '" onmouseover="' not in html
    assert "&lt;script&gt;" in officer.client.get(f"/admin/cases/{case_id}").get_data(as_text=True)


def test_an_unknown_case_is_not_found(app, officer):
    assert officer.client.get("/admin/cases/999999").status_code == 404
    assert officer.client.get("/admin/cases/1/record/nothing").status_code == 404


def test_an_application_taken_by_phone_records_its_channel(app, officer):
    marker = audit_marker(app)
    response = officer.post("/admin/cases/key-in", {"scheme": "right-to-ask", "channel": "phone"})
    assert response.location == page_url("immediate-danger")
    applicant = Applicant(app)
    applicant.client = officer.client
    complete(applicant, SELF)
    applicant.post(page_url("check-your-answers"))
    with app.app_context():
        case = db.session.scalars(select(Application)).one()
        assert case.channel == "phone"
    assert "application_keyed_in" in [e.action for e in audit_after(app, marker)]
    assert officer.client.get("/admin/").status_code == 200  # still signed in


def test_keying_in_needs_a_scheme_and_a_channel(app, officer):
    response = officer.post("/admin/cases/key-in", {"scheme": "right-to-ask"})
    assert "Select the scheme and how the application was received" in response.get_data(
        as_text=True
    )


def test_a_case_is_never_shown_to_an_analyst_or_administrator(app, clock):
    case_id = submit(app)
    for role in (Role.ANALYST, Role.ADMINISTRATOR):
        browser = StaffBrowser(app, make_staff(app, role))
        browser.sign_in(clock.now)
        assert browser.client.get(f"/admin/cases/{case_id}").status_code == 403
    with app.app_context():
        refused = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "access_refused")
            .order_by(AuditEvent.id.desc())
        ).first()
        assert refused.detail == {"endpoint": "admin.case_view"}


def test_the_first_contact_deadline_counts_working_days(app):
    case = case_row(app, submit(app))
    assert case.first_contact_due_at - case.submitted_at > timedelta(days=13)


def test_two_officers_changing_one_case_take_turns(app, clock, officer, observer_engine):
    """While one officer's change to a case is being written, another officer's
    change waits, then is judged against the case as the first left it: here
    the first closed the case, so the second closure is refused, not recorded
    over it."""
    case_id = submit(app)
    assert record(officer, case_id, "triage", TRIAGE).status_code == 302
    other = StaffBrowser(app, make_staff(app, Role.OFFICER, email="second@example.police.uk"))
    other.sign_in(clock.now)
    token = other.token(f"/admin/cases/{case_id}")
    results = []

    def close_it():
        url = f"/admin/cases/{case_id}/record/closure"
        data = {"csrf_token": token, "outcome": "withdrawn"}
        results.append(other.client.post(url, data=data))

    this_case = {"id": case_id}
    with observer_engine.connect() as first:  # autocommit: BEGIN and COMMIT by hand
        # The first officer's transaction, part-way through closing the case.
        if first.dialect.name == "sqlite":
            first.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            first.exec_driver_sql("BEGIN")
            first.execute(text("SELECT id FROM application WHERE id = :id FOR UPDATE"), this_case)
        second = threading.Thread(target=close_it)
        second.start()
        second.join(timeout=1.5)
        assert second.is_alive(), "the second officer's change did not wait"
        first.execute(
            text(
                "UPDATE application SET closed_at = CURRENT_TIMESTAMP, stage = 'closed', "
                "outcome = 'no_information' WHERE id = :id"
            ),
            this_case,
        )
        first.exec_driver_sql("COMMIT")
    second.join(timeout=10)

    (response,) = results
    assert response.status_code == 409
    assert "The case is closed." in response.get_data(as_text=True)
    case = case_row(app, case_id)
    assert case.outcome == "no_information"
    with app.app_context():
        closures = [r for r in db.session.get(Application, case_id).records if r.kind == "closure"]
    assert closures == []  # nothing recorded over the first officer's closure


def test_a_case_prints_its_answers_and_casework_and_the_print_is_audited(app, officer):
    case_id = submit(app)
    record(officer, case_id, "triage", TRIAGE)
    marker = audit_marker(app)
    page = officer.client.get(f"/admin/cases/{case_id}/print").get_data(as_text=True)
    for shown in ("Sam Subject", "He checks my phone.", "Triage,", "OFFICIAL-SENSITIVE"):
        assert shown in page, shown
    # What the meeting needs beside the answers: how to reach the applicant
    # safely, the clocks, enquiries to other forces and the consent to support.
    for section in ("safe-contact-title", "while-it-waits", "enquiries", "support"):
        assert f'id="{section}"' in page, section
    assert "govuk-task-list" not in page and "Take this case" not in page  # no forms
    assert [e.action for e in audit_after(app, marker)] == ["case_printed"]


def test_the_queue_sorts_by_received_and_counts_each_filter(app, officer, supervisor, clock):
    first = case_row(app, submit(app)).reference
    clock.advance(minutes=5)
    second_id = submit(app)
    second = case_row(app, second_id).reference
    record(officer, second_id, "triage", TRIAGE)  # triaged: after the other by next due
    officer.post(f"/admin/cases/{second_id}/claim", token_from=f"/admin/cases/{second_id}")

    def order(browser, query=""):
        html = browser.client.get(f"/admin/cases{query}").get_data(as_text=True)
        return sorted((first, second), key=html.index), html

    assert order(officer)[0] == [first, second]
    assert order(officer, "?sort=newest")[0] == [second, first]
    assert order(officer, "?sort=oldest")[0] == [first, second]
    _order, html = order(officer)
    assert "Assigned to me (1)" in html and "Unassigned (1)" in html and "Overdue (0)" in html
    assert 'name="officer"' not in html  # choosing another officer's cases is a supervisor's
    mine = supervisor.client.get(f"/admin/cases?officer={officer.staff.id}")
    html = mine.get_data(as_text=True)
    assert second in html and first not in html


def test_the_queue_shows_and_sorts_by_the_current_risk_and_flags_duplicates(app, officer):
    from .support import SOMEONE_ELSE

    low, high = submit(app), submit(app, SOMEONE_ELSE)
    record(officer, low, "triage", TRIAGE | {"risk": "standard"})
    record(officer, high, "triage", TRIAGE | {"risk": "high"})
    again = submit(app)  # the same applicant and subject as `low`
    soup = BeautifulSoup(officer.client.get("/admin/cases?sort=risk").data, "html.parser")
    rows = [
        [" ".join(td.get_text(" ").split()) for td in row.select("td")]
        for row in soup.select("#main-content tbody tr")
    ]
    by_ref = {row[0].split()[0]: row for row in rows}
    assert [row[0].split()[0] for row in rows] == [
        case_row(app, i).reference for i in (high, low, again)
    ]
    assert by_ref[case_row(app, high).reference][4] == "High"
    assert by_ref[case_row(app, again).reference][4] == "Not assessed"
    assert "Possible duplicate" in by_ref[case_row(app, again).reference][0]
    assert "Possible duplicate" not in by_ref[case_row(app, high).reference][0]
    only_high = officer.client.get("/admin/cases?risk=high").get_data(as_text=True)
    assert case_row(app, high).reference in only_high
    assert case_row(app, low).reference not in only_high
