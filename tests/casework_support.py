"""Casework for tests: a case submitted through the public form, a stage
recorded through its page, a supervisor's sign-off of the decision its page
shows, and the answers each stage's form is given."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy import select

from portal.extensions import db
from portal.models import Application

from .staff_support import csrf_from
from .support import SELF, Applicant, complete, page_url


def submit(app, answers=SELF) -> int:
    applicant = Applicant(app)
    complete(applicant, answers)
    applicant.post(page_url("check-your-answers"))
    reference = applicant.page.soup.select_one(".govuk-panel strong").get_text()
    with app.app_context():
        return db.session.scalars(
            select(Application.id).where(Application.reference == reference)
        ).one()


def record(browser, case_id, kind, data):
    url = f"/admin/cases/{case_id}/record/{kind}"
    return browser.post(url, data, token_from=f"/admin/cases/{case_id}")


TRIAGE = {
    "immediate_risk": "no",
    "risk": "standard",
    "in_scope": "yes",
    "identifies_subject": "yes",
    "right_scheme": "yes",
    "crime_report": "no",
    "decision": "proceed",
    "reason": "",
}
CONTACT = {  # Monday morning by phone: what the applicant (SELF) said is safe
    "purpose": "contact",
    "contacted_on-day": "2",
    "contacted_on-month": "11",
    "contacted_on-year": "2026",
    "contacted_time": "10:15am",
    "channel": "phone",
    "result": "reached",
    "police_named": "no",
}
DECISION = {
    "forum_on-day": "20",
    "forum_on-month": "11",
    "forum_on-year": "2026",
    "forum": "dvds_panel",
    "agencies": "Police, probation",
    "disclose": "yes",
    "what": "Two previous convictions for assault on partners",
    "to_whom": "Applicant",
    "delivered_by": "DC Smith",
    "subject_told": "no",
    "rationale": "Lawful, necessary",
}
DISCLOSURE = {
    "disclosed_on-day": "25",
    "disclosed_on-month": "11",
    "disclosed_on-year": "2026",
    "to_whom": "Applicant",
    "by_whom": "DC Smith",
    "in_person": "yes",
    "undertaking": "signed",
    "safety_plan": "yes",
    "safety_plan_details": "IDVA",
    "referred_to_support": "yes",
}


def sign_off(browser, case_id, verdict="approve", **answers):
    """A supervisor opens the sign-off page and approves or returns the
    decision it shows."""
    url = f"/admin/cases/{case_id}/record/sign_off"
    page = browser.client.get(url)
    if page.status_code != 200:
        return page
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    shown = soup.find("input", attrs={"name": "decision"})["value"]
    data = {"csrf_token": csrf_from(page), "decision": shown, "verdict": verdict, **answers}
    return browser.client.post(url, data=data)


def case_row(app, case_id) -> Application:
    with app.app_context():
        case = db.session.get(Application, case_id)
        db.session.expunge(case)
        return case
