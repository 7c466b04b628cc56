"""axe-core on every staff page, in the browser, with the same WCAG tags and
reporting as the public pages (test_axe.py): each role signs in as a person
would (password, then a code from the authenticator) and every page with a
form is scanned as it comes and in its error state.

- Signing in and setting up: sign in and its code (with their errors), a
  set-up link from an invitation (create a password, set up the
  authenticator app, with their errors), the link once used, signed out
  (by the person, and for idleness).
- Administrators: home, the staff list, invite (with its error) and the
  set-up link it gives, a staff account, disabling it (with its errors: no
  reason, the last administrator), changing a role (with its error, and
  its confirmation), and the staff trail with and without filters.
- Casework (a supervisor, as officers' pages are theirs too): the queue with
  and without filters, finding a case by a person (with its error, and its
  results), handing a case back (with its error), the print view of a case,
  the workload and moving cases (with its error),
  a case before and after its stages, each stage's form with its error, a
  stage refused, the sign-off page with the decision in full (with its
  error, and after the decision changed under it), a case with its decision
  returned, assign (with its error), the audit trails
  of a case and of a member of staff, keying in (with its error).
- Statistics on a synthetic history (portal.demo.seed), with the error of
  wrong dates; home for the officer, the supervisor and the analyst; the
  page a role may not see (403)."""

from __future__ import annotations

import pyotp
import pytest

from portal.demo import seed
from portal.extensions import db
from portal.models import Role

from ..casework_support import DECISION, DISCLOSURE, TRIAGE, submit
from ..staff_support import PASSWORD
from .back_office import HOME, SUBMIT, dated_today, path_of, record, sign_in
from .back_office import submit as press_submit
from .test_axe import Scanner

pytestmark = pytest.mark.browser

SEEDED_APPLICATIONS = 300
STAGE_FORMS = (
    "triage",
    "contact",
    "identity",
    "check",
    "enquiry",
    "review",
    "marac",
    "plan",
    "support_referral",
    "note",
    "decision",
)


@pytest.fixture
def case_id(app) -> int:
    """A Right to Ask application waiting for triage, sent by an applicant who
    had sent one before: its page lists the other as a possible duplicate."""
    submit(app)
    return submit(app)


@pytest.fixture
def seeded(app) -> None:
    """A synthetic two-year history, written before the test body runs (in
    the browser's thread it could not open an app context)."""
    with app.app_context():
        seed(SEEDED_APPLICATIONS)
        db.session.commit()


def test_no_sign_in_set_up_or_staff_administration_page_fails_axe(
    open_page, axe_log, staff_accounts
):
    administrator = staff_accounts[Role.ADMINISTRATOR]
    page = open_page()
    scanner = Scanner(page, axe_log)
    sign_in(page, administrator, scanner)
    scanner.scan("administrator")

    scanner.visit("/admin/staff", form=False)
    scanner.visit("/admin/staff/invite")
    page.fill('input[name="name"]', "Nia Newcomer")
    page.fill('input[name="email"]', "nia.newcomer@example.police.uk")
    page.check('input[name="role"][value="officer"]')
    press_submit(page)
    assert page.locator("h1").inner_text() == "Nia Newcomer has been invited"
    scanner.scan("set-up link")
    link = page.locator(".portal-secret").inner_text()

    account = f"/admin/staff/{administrator.id}"
    scanner.visit(account, form=False)
    scanner.visit(f"{account}/disable")  # with its error: no reason given
    page.fill('textarea[name="reason"]', "Testing")
    press_submit(page)  # the last administrator: refused
    assert "at least one active administrator" in page.locator(".govuk-error-summary").inner_text()
    scanner.scan("last administrator")
    scanner.visit(f"{account}/role", form=False)
    page.check('input[name="role"][value="officer"]')
    press_submit(page)
    assert page.locator(".govuk-error-summary").is_visible()
    scanner.scan("error")
    officer = f"/admin/staff/{staff_accounts[Role.OFFICER].id}"
    page.goto(f"{officer}/role")
    page.check('input[name="role"][value="supervisor"]')
    page.fill('textarea[name="reason"]', "Promoted")
    press_submit(page)
    assert page.locator("h1").inner_text().startswith("Change ")
    scanner.scan("confirm the change of role")
    scanner.visit("/admin/staff/trail", form=False)
    page.goto(f"/admin/staff/trail?kind=changes&person={administrator.id}")
    scanner.scan("filtered")

    # The person invited sets up their account from the link, in their own browser.
    scanner.page = newcomer = open_page()
    setup = path_of(newcomer.goto(link))
    scanner.hide(setup.rsplit("/", 1)[1], "<token>")
    scanner.scan_form()
    newcomer.fill('input[name="password"]', PASSWORD)
    press_submit(newcomer)
    assert path_of(newcomer) == f"{setup}/authenticator", newcomer.url
    scanner.scan_form()
    secret = newcomer.locator(".portal-secret").inner_text()
    newcomer.fill('input[name="code"]', pyotp.TOTP(secret).now())
    press_submit(newcomer)
    assert path_of(newcomer) == HOME
    newcomer.goto(setup)
    assert newcomer.locator("h1").inner_text() == "This link does not work"
    scanner.scan("used")

    scanner.page = page
    with page.expect_navigation():
        page.click("form.portal-sign-out button")
    assert path_of(page) == "/admin/signed-out"
    scanner.scan()
    page.goto("/admin/signed-out?reason=idle")
    scanner.scan("idle")
    scanner.assert_no_violations()


def scan_stages(scanner: Scanner, case_id: int, officer) -> None:
    """Each stage's form as it comes and in its error state, recording the
    stages that the next ones need; a stage refused; the sign-off page with
    the decision in full, after the decision changed under it, and the case
    with its decision returned; the case at both ends. The supervisor scans;
    the officer (`officer`, a page signed in) records the decisions, since
    no one signs off their own."""
    page, case = scanner.page, f"/admin/cases/{case_id}"
    scanner.visit(case, form=False)
    assert page.get_by_role("heading", name="Possible duplicates").is_visible()
    page.goto(f"{case}/record/disclosure")
    assert page.locator("h1").inner_text() == "This cannot be done now"
    scanner.scan("refused")
    officer.goto(case)
    for kind in STAGE_FORMS:
        scanner.visit(f"{case}/record/{kind}")
        if kind == "triage":
            record(page, case_id, kind, TRIAGE)
        elif kind == "decision":
            record(officer, case_id, kind, dated_today(DECISION))
    scanner.visit(f"{case}/record/sign_off")
    record(officer, case_id, "decision", dated_today(DECISION | {"what": "Changed"}))
    page.check('input[name="verdict"][value="approve"]')
    with page.expect_navigation():
        page.click(SUBMIT)
    assert "The decision changed while you had this page open" in page.content()
    scanner.scan("the decision changed")
    record(page, case_id, "sign_off", {"verdict": "return", "return_reason": "Say when"})
    page.goto(case)
    assert page.get_by_role("heading", name="Decision returned").is_visible()
    scanner.scan("decision returned")
    record(officer, case_id, "decision", dated_today(DECISION))
    page.goto(f"{case}/record/sign_off")
    record(page, case_id, "sign_off", {"verdict": "approve", "comment": "Agreed"})
    scanner.visit(f"{case}/record/disclosure")
    record(page, case_id, "disclosure", dated_today(DISCLOSURE))
    scanner.visit(f"{case}/record/closure")
    record(page, case_id, "closure", {"outcome": "disclosed_to_person_at_risk"})
    scanner.visit(f"{case}/record/reopen")
    page.goto(case)
    scanner.scan("closed, every stage recorded")


def test_no_casework_or_statistics_page_fails_axe(
    open_page, axe_log, staff_accounts, case_id, seeded
):
    scanner = Scanner(None, axe_log)

    scanner.page = officer = open_page()
    sign_in(officer, staff_accounts[Role.OFFICER])
    scanner.scan("officer")
    officer.goto("/admin/statistics")
    assert officer.locator("h1").inner_text() == "You cannot see this page"
    scanner.scan("403")

    scanner.page = page = open_page()
    supervisor = staff_accounts[Role.SUPERVISOR]
    sign_in(page, supervisor)
    scanner.scan("supervisor")
    scanner.visit("/admin/cases", form=False)
    assert page.locator("#main-content tbody tr").count() > 1
    page.goto("/admin/cases?scheme=dvds:right_to_ask&stage=received&unassigned=1")
    scanner.scan("filtered")
    page.goto("/admin/cases?reference=ZZ2ZZ2ZZ")
    assert "No cases match." in page.locator("#main-content tbody").inner_text()
    scanner.scan("nothing found")
    scanner.visit("/admin/cases/search")
    page.fill('input[name="name"]', "Subject")
    press_submit(page)
    assert "cases found" in page.locator("#results").inner_text()
    scanner.scan("cases found")
    page.goto(f"/admin/cases/{case_id}")
    with page.expect_navigation():
        page.click(f'form[action="/admin/cases/{case_id}/claim"] button')
    scanner.visit(f"/admin/cases/{case_id}/hand-back")
    scanner.visit(f"/admin/cases/{case_id}/print", form=False)
    scanner.visit("/admin/workload", form=False)
    scanner.visit(f"/admin/workload/{supervisor.id}")
    scan_stages(scanner, case_id, officer)
    scanner.visit(f"/admin/cases/{case_id}/assign")
    scanner.visit(f"/admin/cases/{case_id}/audit", form=False)
    scanner.visit(f"/admin/staff/{supervisor.id}/audit", form=False)
    scanner.visit("/admin/cases/key-in")

    scanner.page = analyst = open_page()
    sign_in(analyst, staff_accounts[Role.ANALYST])
    scanner.scan("analyst")
    scanner.visit("/admin/statistics", form=False)
    assert analyst.locator("svg.portal-chart rect").count() > 0
    scanner.visit("/admin/statistics?section=form-quality", form=False)
    scanner.visit("/admin/statistics?section=outcomes", form=False)
    scanner.visit("/admin/statistics/yearly-return?version=publication", form=False)
    scanner.visit("/admin/statistics/compare?scheme=right-to-ask", form=False)
    assert analyst.locator("h2", has_text="Going on from each page").count() == 1
    analyst.goto("/admin/statistics?period=custom&from=2026-13-01&to=soon")
    assert analyst.locator(".govuk-error-summary").is_visible()
    scanner.scan("error")
    scanner.assert_no_violations()
