"""The back office in a real browser, with a keyboard alone (KeyboardUser:
Tab, arrow keys, Space, typing and Enter; never a click).

A case from end to end: an applicant sends a Right to Ask application; an
officer signs in (password, then the code from their authenticator app),
finds the case in the queue by its reference, takes it, triages it, records
a contact attempt by a way and at a time the applicant said are safe, and a
decision to disclose; a supervisor, in a browser of their own, reads the
decision in full on the sign-off page and returns it with a reason; the
officer sees the reason and records a new decision, which the supervisor
approves;
the officer records the disclosure and closes the case with "Disclosure made
to the person at risk"; and an analyst, signed in before it all began, sees
the statistics by keyboard, and the application and its disclosure counted in
the staff's exact yearly return (the dashboard rounds each month's cells to
the nearest 5, so one application does not show there).

The idle warning: Playwright's clock moves the page's time forward, so the
warning appears without waiting 13 minutes; "Stay signed in" (Enter, as
the button has focus) asks the server for more time, and the session lives on."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal import clock, deadlines
from portal.models import Application, Role, StaffSession
from portal.stats import periods

from ..casework_support import CONTACT, DECISION, DISCLOSURE, TRIAGE
from .back_office import (
    HOME,
    dated_today,
    record_by_keyboard,
    sign_in_by_keyboard,
    summary,
    table_figures,
)
from .support import KeyboardUser, apply_by_keyboard
from .test_axe import Scanner

pytestmark = pytest.mark.browser

OUTCOME = "disclosed_to_person_at_risk"
OUTCOME_LABEL = "Disclosure made to the person at risk"
DIALOG = '[data-module="portal-timeout"] dialog'


def open_statistics(user: KeyboardUser) -> None:
    user.press_enter_on('a.govuk-service-navigation__link[href="/admin/statistics"]')
    assert user.path == "/admin/statistics"


def contact_attempt(safe_channels: list[str], for_someone_else: bool) -> dict:
    """A contact attempt to the applicant the way they said is safe: the
    journeys' answers choose Monday mornings, so the last Monday at 10:15.
    Where they applied for someone else, the form asks whom it was to."""
    today = date.today()
    monday = dated_today(CONTACT, today - timedelta(days=today.weekday()))
    person = {"person": "applicant"} if for_someone_else else {}
    return monday | person | {"channel": safe_channels[0], "contacted_time": "10:15"}


RETURN_ROW = "Clare’s Law, Right to Ask"


def open_yearly_return(user: KeyboardUser) -> None:
    """The exact yearly return for this financial year (the page opens on last year's)."""
    user.press_enter_on('a[href="/admin/statistics/yearly-return"]')
    assert user.path == "/admin/statistics/yearly-return"
    today = deadlines.local_date(clock.utcnow())
    year = periods.financial_year_of(today)
    user.page.goto(user.page.url.split("?")[0] + f"?year={year}")


def shows_the_decision(user: KeyboardUser) -> None:
    """The sign-off page: the decision in full, with who recorded it."""
    shown = user.page.locator("#decision-in-force").inner_text()
    assert "Two previous convictions" in shown and "DVDS panel" in shown
    assert "Recorded by Olive Officer" in user.page.locator("#main-content").inner_text()


def test_a_case_is_worked_from_application_to_statistics_by_keyboard(
    journeys, open_page, db_session, staff_accounts
):
    analyst = KeyboardUser(open_page())
    sign_in_by_keyboard(analyst, staff_accounts[Role.ANALYST])
    open_statistics(analyst)
    assert table_figures(analyst.page, "summary")["Forms sent online"] == "0"
    open_yearly_return(analyst)
    assert table_figures(analyst.page, "yearly-return")[RETURN_ROW] == "0"

    reference = apply_by_keyboard(KeyboardUser(open_page()), journeys, "right-to-ask")
    case_id, safe_channels, applicant_type = db_session.execute(
        select(Application.id, Application.contact_channels, Application.applicant_type).where(
            Application.reference == reference
        )
    ).one()

    officer = KeyboardUser(open_page())
    sign_in_by_keyboard(officer, staff_accounts[Role.OFFICER])
    officer.press_enter_on('a.govuk-service-navigation__link[href="/admin/cases"]')
    officer.fill({"reference": reference})
    officer.press_enter_on('#main-content form[method="get"] button')
    assert officer.page.locator("#main-content tbody tr").count() == 1
    officer.press_enter_on(f'#main-content a[href="/admin/cases/{case_id}"]')
    assert officer.page.locator("h1").inner_text() == f"Case {reference}"
    officer.press_enter_on(f'form[action="/admin/cases/{case_id}/claim"] button')
    assert summary(officer.page)["Assigned to"] == "Olive Officer"
    record_by_keyboard(officer, case_id, "triage", TRIAGE)
    attempt = contact_attempt(safe_channels, for_someone_else=applicant_type != "self")
    record_by_keyboard(officer, case_id, "contact", attempt)
    record_by_keyboard(officer, case_id, "decision", dated_today(DECISION))
    assert summary(officer.page)["Stage"] == "Awaiting sign-off"

    supervisor = KeyboardUser(open_page())
    sign_in_by_keyboard(supervisor, staff_accounts[Role.SUPERVISOR])
    supervisor.press_enter_on('a.govuk-service-navigation__link[href="/admin/cases"]')
    supervisor.press_enter_on(f'#main-content a[href="/admin/cases/{case_id}"]')
    returned = {"verdict": "return", "return_reason": "Say when it will be delivered"}
    record_by_keyboard(supervisor, case_id, "sign_off", returned, check=shows_the_decision)
    assert summary(supervisor.page)["Stage"] == "Decision returned"

    officer.page.reload()  # the officer sees why, and decides again
    assert "Say when it will be delivered" in officer.page.locator("#main-content").inner_text()
    second = dated_today(DECISION | {"delivered_by": "DC Smith, within 2 days"})
    record_by_keyboard(officer, case_id, "decision", second)
    supervisor.page.reload()
    approved = {"verdict": "approve", "comment": "Agreed: lawful and necessary"}
    record_by_keyboard(supervisor, case_id, "sign_off", approved, check=shows_the_decision)
    assert summary(supervisor.page)["Stage"] == "Decision approved"

    officer.page.reload()  # the officer's case page, now the decision is approved
    record_by_keyboard(officer, case_id, "disclosure", dated_today(DISCLOSURE))
    record_by_keyboard(officer, case_id, "closure", {"outcome": OUTCOME})
    shown = summary(officer.page)
    assert (shown["Stage"], shown["Outcome"]) == ("Closed", OUTCOME_LABEL)
    case = db_session.scalars(select(Application).where(Application.id == case_id)).one()
    assert case.outcome == OUTCOME and case.closed_at is not None
    assert case.first_contact_at is not None and case.decision_signed_off_at is not None

    analyst.page.reload()
    assert table_figures(analyst.page, "yearly-return")[RETURN_ROW] == "1"
    disclosures = analyst.page.locator('section[aria-labelledby="table-yearly-return"] tbody tr')
    assert disclosures.first.locator("td").nth(1).inner_text().strip() == "1"


def last_seen(db_session, staff_id: int):
    return db_session.scalar(
        select(StaffSession.last_seen_at).where(
            StaffSession.staff_id == staff_id, StaffSession.ended_at.is_(None)
        )
    )


def test_staff_are_warned_before_being_signed_out_and_can_stay_signed_in(
    app, open_page, db_session, axe_log, staff_accounts
):
    idle = app.config["STAFF_IDLE_MINUTES"] * 60
    warning = app.config["STAFF_WARNING_MINUTES"] * 60
    analyst = staff_accounts[Role.ANALYST]
    page = open_page()
    page.clock.install()
    user = KeyboardUser(page)
    sign_in_by_keyboard(user, analyst)
    dialog = page.locator(DIALOG)
    assert not dialog.is_visible()
    seen = last_seen(db_session, analyst.id)

    page.clock.fast_forward((idle - warning - 10) * 1000)
    assert not dialog.is_visible()
    page.clock.fast_forward(11 * 1000)  # now within the warning

    page.wait_for_function(f"document.querySelector('{DIALOG}').open")
    assert dialog.is_visible()
    assert page.locator("#timeout-heading").inner_text() == "You will be signed out soon"
    minutes = "1 minute" if warning == 60 else f"{warning // 60} minutes"
    assert page.locator("[data-timeout-countdown]").inner_text() == minutes
    announced = page.locator("[data-timeout-announce]").inner_text()
    assert f"in {minutes}." in announced
    scanner = Scanner(page, axe_log)
    scanner.scan("signing-out warning")
    scanner.assert_no_violations()
    assert user.focus_is("[data-timeout-extend]")  # Stay signed in
    with page.expect_response("**/admin/session/extend") as extended:
        page.keyboard.press("Enter")
    assert extended.value.ok and extended.value.json()["seconds_left"] > idle - 60
    page.wait_for_function(f"!document.querySelector('{DIALOG}').open")
    assert last_seen(db_session, analyst.id) > seen  # the server counted it as activity

    page.clock.fast_forward((idle - warning - 10) * 1000)  # a full period from staying
    assert not dialog.is_visible()
    assert user.path == HOME
    page.reload()
    assert user.path == HOME  # still signed in

    assert announced.startswith("We will sign you out in"), announced
