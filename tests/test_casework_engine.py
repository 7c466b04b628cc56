"""The casework engine's answers (who may record a stage and why not, what is
still unasked, what a record lacks, the status a case's records lead to),
tried as staff meet them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup

from portal import applications, clock, retention
from portal.casework import engine, queries
from portal.extensions import db
from portal.journeys.registry import scheme_for
from portal.models import Application, CaseRecord, Role, Staff

from .casework_support import TRIAGE, case_row, record, submit
from .staff_support import make_staff


@pytest.fixture(scope="module")
def application(app):
    """The scheme and answers of one application made through the public
    pages: each test's case is made from them at once, without the pages."""
    case_id = submit(app)
    with app.app_context():
        case = db.session.get(Application, case_id)
        return scheme_for(case), dict(case.answers)


@pytest.fixture
def new_case(app, application):
    """Another case, submitted now, as the public form makes it."""
    scheme, answers = application

    def make() -> int:
        with app.app_context():
            now = clock.utcnow()
            _token, draft = applications.new_draft(
                scheme=scheme.slug, now=now, idle=timedelta(hours=1)
            )
            draft.answers = dict(answers)
            case_id = applications.submit(draft, scheme, now=now).id
            db.session.commit()
            return case_id

    return make


def text_of(response) -> str:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return " ".join(soup.get_text(" ").split())


def task_list(browser, case_id) -> dict[str, str]:
    """The case page's task list: each stage's title, with why it cannot be
    started where the page says (or "")."""
    page = browser.client.get(f"/admin/cases/{case_id}")
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    tasks = {}
    for item in soup.select(".govuk-task-list__item"):
        title = item.select_one(".govuk-task-list__name-and-hint > *").get_text(strip=True)
        hint = item.select_one(".govuk-task-list__hint")
        tasks[title] = hint.get_text(strip=True) if hint else ""
    return tasks


def refused(browser, case_id, kind) -> str:
    """The stage's page, refused (409): why, in the words it gives."""
    response = browser.client.get(f"/admin/cases/{case_id}/record/{kind}")
    assert response.status_code == 409, (kind, response.status_code)
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return soup.select_one("h1 + p.govuk-body").get_text(strip=True)


def test_an_officer_is_told_only_a_supervisor_signs_off_or_reopens(
    app, new_case, officer, supervisor
):
    case_id = new_case()
    assert record(officer, case_id, "triage", TRIAGE).status_code == 302
    tasks = task_list(officer, case_id)
    for kind, title in (("sign_off", "Supervisor sign-off"), ("reopen", "Reopen the case")):
        assert refused(officer, case_id, kind) == "Only a supervisor can do this."
        assert tasks[title] == "Only a supervisor can do this."
    # A supervisor is refused the same stages for what the case still lacks.
    assert refused(supervisor, case_id, "sign_off") == "Record a decision first."
    assert refused(supervisor, case_id, "reopen") == "The case is open."
    assert "Only a supervisor can do this." not in task_list(supervisor, case_id).values()


def test_the_engine_keeps_to_each_stages_roles_whatever_page_asks(app, new_case):
    """Only officers and supervisors reach the casework pages; the engine
    itself refuses a stage to a role the stage does not name, so a page that
    forgot its guard would still record nothing."""
    case_id = new_case()
    others = [make_staff(app, role).id for role in (Role.ANALYST, Role.ADMINISTRATOR)]
    with app.app_context():
        case = queries.get_case(case_id, for_change=True)
        for staff in (db.session.get(Staff, staff_id) for staff_id in others):
            note = engine.act(case, "note", {"note": "Read the file"}, staff)
            assert (note.record, note.refused) == (None, "Your role cannot do this.")
            reopen = engine.act(case, "reopen", {"reason": "New information"}, staff)
            assert (reopen.record, reopen.refused) == (None, "Only a supervisor can do this.")
        assert db.session.query(CaseRecord).filter_by(application_id=case_id).count() == 0
        db.session.rollback()


def test_a_stage_recorded_once_says_it_has_been_recorded(app, new_case, officer):
    case_id = new_case()
    assert record(officer, case_id, "triage", TRIAGE).status_code == 302
    check = {"system": "pnc", "result": "nothing"}
    assert record(officer, case_id, "check", check).status_code == 302
    assert refused(officer, case_id, "triage") == "This has been recorded."
    tasks = task_list(officer, case_id)
    assert tasks["Triage"] == "This has been recorded."
    # A stage that may be recorded again stays open after its first record.
    assert tasks["Research check"] == ""
    assert officer.client.get(f"/admin/cases/{case_id}/record/check").status_code == 200


def test_a_late_triage_needs_both_why_and_which_kind_of_reason(app, new_case, officer, clock):
    case_id = new_case()
    clock.advance(hours=25)  # the triage deadline was 24 hours after submission
    officer.sign_in(clock.now)
    category = "Select which best describes why the deadline was missed"
    reason = "Enter why the deadline was missed"
    only_why = text_of(record(officer, case_id, "triage", TRIAGE | {"late_reason": "Cover"}))
    assert category in only_why and reason not in only_why
    only_which = text_of(record(officer, case_id, "triage", TRIAGE | {"late_category": "capacity"}))
    assert reason in only_which and category not in only_which
    assert case_row(app, case_id).triaged_at is None
    both = {"late_reason": "Weekend cover", "late_category": "capacity"}
    assert record(officer, case_id, "triage", TRIAGE | both).status_code == 302
    (departure,) = case_row(app, case_id).deviations
    assert (departure["rule"], departure["stage"], departure["category"]) == (
        "deadline",
        "triage",
        "capacity",
    )
    page = text_of(officer.client.get(f"/admin/cases/{case_id}"))
    assert "Deadline missed: Triage" in page and "Weekend cover" in page


def status_shown(browser, case_id) -> tuple[str, str]:
    """The status the case page gives the case, and the queue's row for it."""
    case = case_row(browser.app, case_id)
    page = text_of(browser.client.get(f"/admin/cases/{case_id}"))
    queue = BeautifulSoup(browser.client.get("/admin/cases").get_data(as_text=True), "html.parser")
    (row,) = [r for r in queue.select("tbody tr") if case.reference in r.get_text()]
    return page, " ".join(row.get_text(" ").split())


def test_a_note_before_triage_leaves_the_case_awaiting_triage(app, new_case, officer):
    case_id = new_case()
    assert record(officer, case_id, "note", {"note": "Applicant rang back"}).status_code == 302
    page, row = status_shown(officer, case_id)
    assert "Stage Awaiting triage" in page and "Awaiting triage" in row


def test_a_reason_for_an_assignment_does_not_stop_the_case_moving(
    app, new_case, officer, supervisor
):
    """An assignment's reason is kept sealed as a record of its own, of a kind
    that is no stage: the status the stages lead to passes it by."""
    case_id = new_case()
    assign = {"assign_to": str(officer.staff.id), "reason": "Knows the family"}
    url = f"/admin/cases/{case_id}/assign"
    assert supervisor.post(url, assign).status_code == 302
    assert record(officer, case_id, "triage", TRIAGE).status_code == 302
    page, row = status_shown(officer, case_id)
    assert "Case assigned" in page and "Knows the family" in page  # kept with the records
    assert "Stage Triaged" in page and "Triaged" in row


def test_a_case_closed_at_triage_and_reopened_is_triaged(app, new_case, officer, supervisor):
    """A triage that closed the case (the applicant withdrew) was still a
    triage: reopened, the case goes on from there, not back to awaiting one."""
    case_id = new_case()
    withdrawn = TRIAGE | {"decision": "withdrawn", "reason": "Applicant withdrew by phone"}
    assert record(officer, case_id, "triage", withdrawn).status_code == 302
    assert case_row(app, case_id).closed_at is not None
    reopen = {"reason": "Applicant asked again the next day"}
    assert record(supervisor, case_id, "reopen", reopen).status_code == 302
    page, row = status_shown(officer, case_id)
    assert "Stage Triaged" in page and "Triaged" in row
    assert officer.client.get(f"/admin/cases/{case_id}/record/contact").status_code == 200


def test_a_case_whose_personal_data_was_erased_cannot_be_reopened(
    app, new_case, officer, supervisor
):
    """Erased under the retention rules, a case stays closed: reopened, what
    was recorded on it afterwards would be kept past every rule."""
    case_id = new_case()
    closing = TRIAGE | {"decision": "withdrawn", "reason": "Applicant withdrew by phone"}
    assert record(officer, case_id, "triage", closing).status_code == 302
    with app.app_context():
        assert retention.erase(case_id)
        db.session.commit()
    assert refused(supervisor, case_id, "reopen") == (
        "The case's personal data has been erased under the retention rules."
    )
    response = record(supervisor, case_id, "reopen", {"reason": "Asked again"})
    assert response.status_code == 409
    assert case_row(app, case_id).closed_at is not None
