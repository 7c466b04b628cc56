"""The daily digest (portal/alerts/digest.py), with the injected clock: an
officer's cases due today or overdue on every deadline and clock; a
supervisor's, with the decisions awaiting their sign-off, the cases needing
a plan and the cases no one is assigned; none for the roles that work no
cases; once a London day from the digest hour, however often the command runs."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from portal.casework.clocks import CLOCKS, Clock
from portal.models import Application, Role

from .alerts_support import BASE_URL, act, alerts, body, point_at, send_alerts
from .alerts_support import smtp_server as running_smtp_server
from .casework_support import CONTACT, TRIAGE
from .staff_support import StaffBrowser, make_staff
from .test_alerts import DECIDED, Team, submit

MONDAY = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
TUESDAY_WEEK = datetime(2026, 11, 10, 7, 5, tzinfo=UTC)  # 07:05 in London (GMT)


@pytest.fixture
def inbox(app, monkeypatch):
    with running_smtp_server() as (received, port):
        point_at(app, monkeypatch, port)
        yield received


@pytest.fixture
def team(app, clock) -> Team:
    clock.now = MONDAY
    return Team(app, clock.now)


def claim(browser, case_id: int) -> None:
    response = browser.post(f"/admin/cases/{case_id}/claim", token_from="/admin/")
    assert response.status_code == 302


def sections(message) -> dict[str, str]:
    """The digest's sections by heading (without its count): their lines."""
    found = {}
    for paragraph in body(message).split("\n\n"):
        heading, _, rest = paragraph.partition("\n")
        match = re.fullmatch(r"(.+) \((\d+)\)", heading)
        if match:
            found[match[1]] = rest
    return found


def digest_to(inbox, browser):
    digests = inbox.to(browser.staff.email)
    (message,) = [each for each in digests if each["Subject"].startswith("Cases due or overdue")]
    return message


def test_an_officers_digest_lists_each_of_their_cases_due_or_overdue(app, team, clock, inbox):
    contacted = submit(app)
    claim(team.officer, contacted.id)
    act(team.officer, contacted.id, "triage", TRIAGE)
    act(team.officer, contacted.id, "contact", CONTACT)
    untriaged = submit(app)
    claim(team.officer, untriaged.id)
    elsewhere = submit(app)
    claim(team.sue, elsewhere.id)

    clock.now = TUESDAY_WEEK - timedelta(minutes=10)  # 06:55: before the digest hour
    assert send_alerts(app).output.startswith("Sent 0 alerts")
    clock.now = TUESDAY_WEEK
    result = send_alerts(app)
    assert "Queued 2 daily digests" in result.output  # the officer's and Sue's

    message = digest_to(inbox, team.officer)
    assert message["Subject"] == "Cases due or overdue: 2 cases to look at"
    yours = sections(message)["Your cases"]
    assert list(sections(message)) == ["Your cases"]
    assert f"- {untriaged.reference}: {BASE_URL}/admin/cases/{untriaged.id}" in yours
    assert "Triage: overdue, due 12:00 on 3 November 2026" in yours
    assert f"- {contacted.reference}: {BASE_URL}/admin/cases/{contacted.id}" in yours
    assert "Update to the applicant: overdue, due 9 November 2026" in yours
    assert "Review of the risk: overdue, due 9 November 2026" in yours
    assert "First contact" not in yours  # met on Monday for one, due on the 16th for the other
    assert elsewhere.reference not in body(message)


def test_the_digest_goes_once_a_day_however_often_the_command_runs(app, team, clock, inbox):
    case = submit(app)
    claim(team.officer, case.id)
    clock.now = TUESDAY_WEEK
    send_alerts(app)
    clock.advance(minutes=5)
    assert "Queued" not in send_alerts(app).output
    clock.advance(hours=12)
    assert "Queued" not in send_alerts(app).output
    assert len(inbox.to(team.officer.staff.email)) == 1
    clock.advance(hours=12)  # Wednesday 07:05
    assert "Queued 1 daily digest." in send_alerts(app).output
    assert len(inbox.to(team.officer.staff.email)) == 2
    assert [a.payload["day"] for a in alerts(app, kind="digest")] == ["2026-11-10", "2026-11-11"]


def test_a_day_with_nothing_due_sends_no_digest(app, team, clock, inbox):
    case = submit(app)
    claim(team.officer, case.id)
    act(team.officer, case.id, "triage", TRIAGE)
    clock.now = MONDAY + timedelta(days=1, hours=-4)  # Tuesday 08:00: nothing due yet
    assert "Queued 0 daily digests" in send_alerts(app).output
    assert inbox.messages == []


def test_every_declared_clock_is_in_the_digest(app, team, clock, inbox, monkeypatch):
    """A clock added to CLOCKS (as the enquiry reply clock was) reaches the
    digest with no change to the digest."""
    interpreter = Clock(
        "interpreter",
        "Booking an interpreter",
        lambda case: MONDAY + timedelta(days=1),
        lambda moment: Application.submitted_at <= moment,
        "Interpreter due",
    )
    monkeypatch.setitem(CLOCKS, "interpreter", interpreter)
    case = submit(app)
    claim(team.officer, case.id)
    clock.now = MONDAY + timedelta(days=1, hours=-4)  # Tuesday 08:00
    send_alerts(app)
    yours = sections(digest_to(inbox, team.officer))["Your cases"]
    assert f"- {case.reference}:" in yours
    assert "Booking an interpreter: due 12:00 on 3 November 2026" in yours
    assert "Triage: due 12:00 on 3 November 2026" in yours


def test_a_supervisors_digest_adds_sign_offs_plans_and_cases_no_one_has(app, team, clock, inbox):
    by_officer = submit(app)
    claim(team.officer, by_officer.id)
    act(team.officer, by_officer.id, "triage", TRIAGE)
    act(team.officer, by_officer.id, "decision", DECIDED)
    by_sue = submit(app)
    claim(team.sue, by_sue.id)
    act(team.sue, by_sue.id, "triage", TRIAGE)
    act(team.sue, by_sue.id, "decision", DECIDED)
    no_one = submit(app)
    clock.now = MONDAY + timedelta(days=22, hours=-4)  # Tuesday 24 November, 08:00: day 22

    send_alerts(app)
    plan = "Communication and safeguarding plan: overdue, due 23 November 2026"
    sam = sections(digest_to(inbox, team.sam))
    assert list(sam) == [
        "Decisions awaiting your sign-off",
        "Cases needing a communication and safeguarding plan",
        "Cases no one is assigned to",
    ]
    assert references(sam["Decisions awaiting your sign-off"]) == {
        by_officer.reference,
        by_sue.reference,
    }
    planning = sam["Cases needing a communication and safeguarding plan"]
    assert references(planning) == {by_officer.reference, by_sue.reference, no_one.reference}
    assert planning.count(plan) == 3
    assert references(sam["Cases no one is assigned to"]) == {no_one.reference}
    assert "Triage: overdue, due 12:00 on 3 November 2026" in sam["Cases no one is assigned to"]

    sue = sections(digest_to(inbox, team.sue))
    assert references(sue["Your cases"]) == {by_sue.reference}
    assert references(sue["Decisions awaiting your sign-off"]) == {by_officer.reference}

    officer = sections(digest_to(inbox, team.officer))
    assert list(officer) == ["Your cases"]
    assert references(officer["Your cases"]) == {by_officer.reference}
    assert plan in officer["Your cases"]
    assert "Review of the risk: overdue, due 9 November 2026" in officer["Your cases"]


def references(lines: str) -> set[str]:
    return set(re.findall(r"^- (\w+):", lines, flags=re.MULTILINE))


def test_analysts_and_administrators_get_no_digest(app, team, clock, inbox):
    """Nor does a disabled account; supervisors get theirs for the case no one has."""
    submit(app)
    clock.now = TUESDAY_WEEK
    send_alerts(app)
    assert {message["To"] for message in inbox.messages} == {
        team.sue.staff.email,
        team.sam.staff.email,
    }


def test_a_digest_turned_off_is_not_queued(app, team, clock, inbox):
    case = submit(app)
    claim(team.officer, case.id)
    team.officer.post("/admin/alerts/preferences", {"kinds": ["urgent_application"]})
    clock.now = TUESDAY_WEEK
    send_alerts(app)
    assert inbox.to(team.officer.staff.email) == []
    assert alerts(app, kind="digest", staff_id=team.officer.staff.id) == []


def test_a_new_officer_with_no_cases_gets_nothing(app, clock, inbox):
    clock.now = TUESDAY_WEEK
    StaffBrowser(app, make_staff(app, Role.OFFICER))
    assert "Queued 0 daily digests" in send_alerts(app).output
