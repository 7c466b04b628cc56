"""One case through the weeks it waits, as the people involved meet it: an
applicant names the subject's previous address in another force's area on
the public form; the officer sends the enquiry the case page suggests,
re-reviews the risk after a check result, records a communication and
safeguarding plan on day 21, and next morning receives a digest e-mail that
names the case by its reference only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from bs4 import BeautifulSoup

from portal.clock import as_utc
from portal.models import Role

from .alerts_support import BASE_URL, body, point_at, send_alerts, smtp_server
from .casework_support import CONTACT, TRIAGE, case_row, record
from .staff_support import StaffBrowser, make_staff
from .support import SELF, Applicant, page_url

MONDAY = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
DAY_21 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # a week before the 28-day date
NEXT_MORNING = datetime(2026, 11, 24, 7, 5, tzinfo=UTC)  # the digest hour in London


@pytest.fixture
def inbox(app, monkeypatch):
    with smtp_server() as (received, port):
        point_at(app, monkeypatch, port)
        yield received


def apply_with_a_previous_address_in_cardiff(app) -> str:
    """The Right to Ask form, page by page, adding one previous address."""
    applicant = Applicant(app)
    for slug, data in SELF.items():
        if slug == "previous-addresses":
            applicant.answer(slug, {"more": "yes"})
            applicant.post(
                applicant.path,
                {"address": "4 Castle Street, Cardiff", "postcode": "cf10 1bh", "when": "2022"},
            )
            assert applicant.page.h1 == "You have added 1 address"
            applicant.post(applicant.path, {"more": "no"})
            continue
        applicant.answer(slug, data)
    assert applicant.path == page_url("check-your-answers")
    applicant.post(page_url("check-your-answers"))
    return applicant.page.soup.select_one(".govuk-panel strong").get_text()


def on_day(officer, clock, moment: datetime) -> None:
    clock.now = moment
    officer.sign_in(clock.now)


def test_a_case_waits_safely_from_the_enquiry_to_the_digest(app, clock, inbox):
    clock.now = MONDAY
    reference = apply_with_a_previous_address_in_cardiff(app)
    officer = StaffBrowser(app, make_staff(app, Role.OFFICER, name="Olive Officer"))
    officer.sign_in(clock.now)
    queue = BeautifulSoup(officer.client.get("/admin/cases").text, "html.parser")
    case_id = int(queue.find("a", string=reference)["href"].rsplit("/", 1)[1])
    assert officer.post(f"/admin/cases/{case_id}/claim", token_from="/admin/").status_code == 302
    assert record(officer, case_id, "triage", TRIAGE).status_code == 302
    assert record(officer, case_id, "contact", CONTACT).status_code == 302

    # The case page suggests the enquiry: Cardiff is South Wales Police's.
    page = BeautifulSoup(officer.client.get(f"/admin/cases/{case_id}").text, "html.parser")
    (suggested,) = page.find(id="enquiries-suggested").find_all("li")
    assert "4 Castle Street, Cardiff" in suggested.get_text()
    link = suggested.find("a", string="Enquiry to South Wales Police")["href"]
    form = BeautifulSoup(officer.client.get(link).text, "html.parser")
    assert form.find("input", attrs={"name": "force", "checked": True})["value"] == (
        "South Wales Police"
    )
    enquiry = {
        "force": "South Wales Police",
        "action": "sent",
        "sent_on-day": "2",
        "sent_on-month": "11",
        "sent_on-year": "2026",
        "about": "Any domestic abuse history at the Cardiff address",
    }
    assert record(officer, case_id, "enquiry", enquiry).status_code == 302
    page = BeautifulSoup(officer.client.get(f"/admin/cases/{case_id}").text, "html.parser")
    assert page.find(id="enquiries-suggested") is None
    assert "South Wales Police" in page.find(id="enquiries-recorded").get_text()

    # Two days on, a check finds something: the review of the risk is due at once.
    on_day(officer, clock, datetime(2026, 11, 4, 10, 0, tzinfo=UTC))
    check = {"system": "pnc", "result": "relevant"}
    assert record(officer, case_id, "check", check).status_code == 302
    assert reference in officer.client.get("/admin/cases?due_review=1").text
    review = {"risk": "high", "basis": "The check found a conviction for assault"}
    assert record(officer, case_id, "review", review).status_code == 302
    assert reference not in officer.client.get("/admin/cases?due_review=1").text
    assert reference in officer.client.get("/admin/cases?risk=high").text

    # Day 21, no reply from South Wales: the case needs a plan, and gets one.
    on_day(officer, clock, DAY_21)
    assert reference in officer.client.get("/admin/cases?due_plan=1").text
    plan = {
        "told": "The other force has not replied yet; we will call every 3 days",
        "every_days": "3",
        "safeguarding": "Marker on the address; safety plan with the IDVA",
    }
    assert record(officer, case_id, "plan", plan).status_code == 302
    assert reference not in officer.client.get("/admin/cases?due_plan=1").text
    assert as_utc(case_row(app, case_id).plan_recorded_at) == DAY_21

    # Next morning's digest: the reference, a link and what is due; nothing personal.
    clock.now = NEXT_MORNING
    assert "Queued 1 daily digest." in send_alerts(app).output
    (message,) = inbox.to(officer.staff.email)
    text = body(message)
    assert message["Subject"].startswith("Cases due or overdue")
    assert f"- {reference}: {BASE_URL}/admin/cases/{case_id}" in text
    assert "Reply to an enquiry to another force: overdue, due 16 November 2026" in text
    personal = ("Alex", "Alex Example", "Sam Subject", "Sammy", "Cardiff", "Castle", "CF10")
    personal += ("07911", "phone", "conviction", "IDVA", "Coventry", "1990")
    for word in personal:
        assert word.lower() not in text.lower(), word
        assert word.lower() not in message["Subject"].lower(), word
