"""Staff alerts by e-mail (portal/alerts/): each event queues its alerts in
the same transaction as the casework that causes it, `flask alerts send`
delivers them to a real SMTP server on loopback, each member of staff can
turn each kind off, no e-mail carries personal data, and a mail server that
refuses or is down never holds up casework: the alert waits, is tried again
later, and administrators see why. The digest: test_alerts_digest.py."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from portal import create_app
from portal.alerts.outbox import wait_after
from portal.casework import engine
from portal.casework.stages import STAGES
from portal.clock import as_utc
from portal.config import ConfigError
from portal.extensions import db
from portal.journeys.fields import EmailAnswer, TextAreaAnswer, TextField
from portal.journeys.registry import SCHEMES
from portal.models import Application, Role

from .alerts_support import BASE_URL, act, alerts, body, free_port, point_at, send_alerts
from .alerts_support import smtp_server as running_smtp_server
from .casework_support import DECISION, TRIAGE, sign_off
from .staff_support import StaffBrowser, audit_after, audit_marker, make_staff
from .support import SELF, Applicant, complete, page_url
from .test_config import production_environment
from .test_other_schemes import REFERRAL, RTK

MONDAY = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
EARLY = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)  # before the digest hour: no digest yet
DECIDED = DECISION | {"forum_on-day": "2", "forum_on-month": "11", "forum_on-year": "2026"}
RETURNED = {"verdict": "return", "return_reason": "Say what the checks found"}


@pytest.fixture
def inbox(app, monkeypatch):
    """A real SMTP server on a free loopback port, and the portal sending to it."""
    with running_smtp_server() as (received, port):
        point_at(app, monkeypatch, port)
        yield received


class Team:
    """An officer and two supervisors signed in on MONDAY, and staff who get
    no casework alerts: an analyst, an administrator, a disabled officer."""

    def __init__(self, app, now, names=("Olive Officer", "Sue Supervisor", "Sam Supervisor")):
        self.officer = signed_in(app, Role.OFFICER, "olive@example.police.uk", names[0], now)
        self.sue = signed_in(app, Role.SUPERVISOR, "sue@example.police.uk", names[1], now)
        self.sam = signed_in(app, Role.SUPERVISOR, "sam@example.police.uk", names[2], now)
        self.analyst = make_staff(app, Role.ANALYST, email="ann@example.police.uk")
        self.administrator = make_staff(app, Role.ADMINISTRATOR, email="ada@example.police.uk")
        self.disabled = make_staff(app, Role.OFFICER, email="gone@example.police.uk", active=False)


def signed_in(app, role, email, name, now) -> StaffBrowser:
    browser = StaffBrowser(app, make_staff(app, role, email=email, name=name))
    browser.sign_in(now)
    return browser


@pytest.fixture
def team(app, clock) -> Team:
    clock.now = EARLY
    return Team(app, clock.now)


def submit(app, answers=SELF, scheme="right-to-ask") -> Application:
    applicant = Applicant(app)
    complete(applicant, answers, scheme)
    applicant.post(page_url("check-your-answers", scheme))
    reference = applicant.page.soup.select_one(".govuk-panel strong").get_text()
    with app.app_context():
        case = db.session.scalars(select(Application).where(Application.reference == reference))
        case = case.one()
        db.session.expunge(case)
        return case


def decided(app, team, answers=SELF) -> Application:
    case = submit(app, answers)
    assert act(team.officer, case.id, "triage", TRIAGE).status_code == 302
    assert act(team.officer, case.id, "decision", DECIDED).status_code == 302
    return case


def recipients(app, kind) -> set[int]:
    return {alert.staff_id for alert in alerts(app, kind=kind)}


def test_an_urgent_referral_alerts_every_officer_and_supervisor_as_it_arrives(app, team, inbox):
    case = submit(app, REFERRAL, RTK)
    everyone = {team.officer.staff.id, team.sue.staff.id, team.sam.staff.id}
    assert recipients(app, "urgent_application") == everyone
    assert inbox.messages == []  # nothing is sent while the applicant waits
    result = send_alerts(app)
    assert result.exit_code == 0, result.output
    assert "Sent 3 alerts" in result.output
    for browser in (team.officer, team.sue, team.sam):
        (message,) = inbox.to(browser.staff.email)
        assert message["Subject"] == f"Urgent new application {case.reference}"
        assert message["From"] == "alerts@example.police.uk"
        assert message["Auto-Submitted"] == "auto-generated"
        assert f"{BASE_URL}/admin/cases/{case.id}" in body(message)
    assert {alert.status for alert in alerts(app)} == {"sent"}
    assert send_alerts(app).output.startswith("Sent 0 alerts")  # each goes once


def test_an_application_that_is_not_urgent_alerts_no_one(app, team, inbox):
    routine = REFERRAL | {"risk-level": {"risk_level": "medium"}, "urgency": {"urgency": "routine"}}
    submit(app, routine, RTK)
    submit(app, SELF)
    assert alerts(app) == []


def test_a_decision_asks_the_other_supervisors_and_a_return_tells_its_officer(app, team, inbox):
    case = decided(app, team)
    assert recipients(app, "sign_off_requested") == {team.sue.staff.id, team.sam.staff.id}
    assert sign_off(team.sue, case.id, **RETURNED).status_code == 302
    assert recipients(app, "decision_returned") == {team.officer.staff.id}
    send_alerts(app)
    for supervisor in (team.sue, team.sam):
        (message,) = inbox.to(supervisor.staff.email)
        assert message["Subject"] == f"Decision awaiting sign-off: {case.reference}"
        assert f"{BASE_URL}/admin/cases/{case.id}" in body(message)
    (returned,) = inbox.to(team.officer.staff.email)
    assert returned["Subject"] == f"Decision returned: {case.reference}"
    assert "a new decision is needed" in body(returned)


def test_no_one_is_asked_to_sign_off_their_own_decision(app, team, inbox):
    case = submit(app)
    act(team.sue, case.id, "triage", TRIAGE)
    act(team.sue, case.id, "decision", DECIDED)
    assert recipients(app, "sign_off_requested") == {team.sam.staff.id}
    assert sign_off(team.sam, case.id, verdict="approve").status_code == 302
    assert recipients(app, "decision_returned") == set()  # an approval tells no one


def choices(page) -> dict[str, bool]:
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    return {box["value"]: box.has_attr("checked") for box in soup.select('input[name="kinds"]')}


def test_a_member_of_staff_turns_a_kind_off_and_gets_none_of_it(app, team, inbox):
    url = "/admin/alerts/preferences"
    assert choices(team.officer.client.get(url)) == {
        "urgent_application": True,
        "decision_returned": True,
        "digest": True,
    }
    marker = audit_marker(app)
    response = team.officer.post(url, {"kinds": ["urgent_application", "digest"]})
    assert response.status_code == 302
    page = team.officer.client.get(response.location)
    assert "Your choices have been saved" in page.get_data(as_text=True)
    assert choices(page)["decision_returned"] is False
    (event,) = audit_after(app, marker)
    assert (event.action, event.actor_id) == ("alert_preferences_changed", team.officer.staff.id)
    assert event.detail == {"on": [], "off": ["decision_returned"]}

    case = decided(app, team)
    sign_off(team.sue, case.id, **RETURNED)
    assert recipients(app, "decision_returned") == set()
    # Turned off after it was queued: it is not sent either.
    team.sam.post(url, {"kinds": ["urgent_application", "decision_returned", "digest"]})
    assert "Sent 1 alerts; 0 not sent; 1 no longer wanted" in send_alerts(app).output
    assert [m["To"] for m in inbox.messages] == [team.sue.staff.email]
    assert {a.status for a in alerts(app, staff_id=team.sam.staff.id)} == {"cancelled"}


def test_the_preferences_page_needs_a_token_and_offers_only_the_roles_kinds(app, team):
    url = "/admin/alerts/preferences"
    assert team.sue.client.post(url, data={"kinds": []}).status_code == 400  # no CSRF token
    assert "sign_off_requested" in choices(team.sue.client.get(url))
    analyst = StaffBrowser(app, team.analyst)
    analyst.sign_in(EARLY)
    assert "Your role gets no e-mail alerts" in analyst.client.get(url).get_data(as_text=True)
    assert analyst.post(url, {"kinds": ["digest"]}).status_code == 302
    assert choices(analyst.client.get(url)) == {}
    assert StaffBrowser(app).client.get(url).location.startswith("/admin/sign-in")


def test_only_administrators_see_the_alerts_not_sent(app, team):
    for browser in (team.officer, team.sue):
        assert browser.client.get("/admin/alerts").status_code == 403
        assert browser.post("/admin/alerts/try-again", token_from="/admin/").status_code == 403
    assert StaffBrowser(app).client.get("/admin/alerts").location.startswith("/admin/sign-in")


MARKER = "Quokkaberry"
PLAIN_TEXT = (TextField, TextAreaAnswer)


def marked_form(form, data: dict) -> dict:
    """A form's answers with the marker in every free-text answer given."""
    result = {}
    for name, value in data.items():
        kind = getattr(getattr(form, name, None), "field_class", None)
        if isinstance(value, str) and value and kind in PLAIN_TEXT:
            value = f"{MARKER} {value}"
        elif isinstance(value, str) and value and kind is EmailAnswer:
            value = f"{MARKER.lower()}@example.org"
        result[name] = value
    return result


def marked(answers: dict, scheme: str) -> dict:
    return {
        slug: marked_form(SCHEMES[scheme].page(slug).form, data) for slug, data in answers.items()
    }


def marked_stage(browser, case_id: int, kind: str, data: dict):
    response = act(browser, case_id, kind, marked_form(STAGES[kind].form, data))
    assert response.status_code == 302, kind
    return response


def text_of(message) -> str:
    """Every header and the decoded body (quoted-printable can split a word)."""
    return "\n".join([*(f"{k}: {v}" for k, v in message.items()), body(message)])


def test_no_e_mail_outbox_row_or_log_line_holds_personal_data(app, clock, inbox, caplog):
    """A marker in every free-text answer of two applications, in the staff's
    names, and in every reason and text recorded on the cases: not one message
    that reaches the mail server, nor the outbox, nor the logs, holds it."""
    caplog.set_level(logging.DEBUG)
    clock.now = MONDAY
    team = Team(app, clock.now, names=tuple(f"{MARKER} {n}" for n in ("Olive", "Sue", "Sam")))
    referral = submit(app, marked(REFERRAL, RTK), RTK)
    case = submit(app, marked(SELF, "right-to-ask"))
    for each in (referral, case):
        marked_stage(team.officer, each.id, "triage", TRIAGE)
        marked_stage(team.officer, each.id, "note", {"note": "A note"})
        marked_stage(team.officer, each.id, "review", {"risk": "high", "basis": "A basis"})
        marked_stage(team.officer, each.id, "decision", DECIDED)
        sign_off(team.sue, each.id, verdict="return", return_reason=f"{MARKER} reason")
    clock.now = MONDAY + timedelta(days=22, hours=-4)  # day 22, 08:00: a digest is due
    result = send_alerts(app)
    assert result.exit_code == 0, result.output
    kinds = {alert.kind for alert in alerts(app, status="sent")}
    assert kinds == {"urgent_application", "sign_off_requested", "decision_returned", "digest"}
    assert len(inbox.raw) >= 8
    for raw, message in zip(inbox.raw, inbox.messages, strict=True):
        assert MARKER.lower().encode() not in raw.lower()
        assert MARKER.lower() not in text_of(message).lower()
    for alert in alerts(app):
        row = json.dumps([alert.key, alert.payload, alert.last_error, alert.kind])
        assert MARKER.lower() not in row.lower()
    portal_log = "\n".join(r.getMessage() for r in caplog.records if r.name != "mail.log")
    assert MARKER.lower() not in (portal_log + result.output).lower()


def test_a_mail_server_that_refuses_leaves_casework_alone_and_the_alert_waiting(
    app, team, inbox, clock
):
    inbox.refusal = "550 5.1.1 <{address}>: Recipient address rejected"
    case = decided(app, team)  # the decision is recorded whatever the mail server says
    result = send_alerts(app)
    assert result.exit_code == 1
    assert inbox.messages == []
    waiting = alerts(app, kind="sign_off_requested")
    assert {(a.status, a.attempts) for a in waiting} == {("queued", 1)}
    assert {a.last_error for a in waiting} == {"The mail server refused the recipient (550)"}
    assert {as_utc(a.next_attempt_at) for a in waiting} == {clock.now + timedelta(minutes=5)}

    administrator = StaffBrowser(app, team.administrator)
    administrator.sign_in(clock.now)
    home = administrator.client.get("/admin/").get_data(as_text=True)
    assert "2 staff alerts have not been sent" in home
    page = administrator.client.get("/admin/alerts").get_data(as_text=True)
    assert "The mail server refused the recipient (550)" in page
    assert "Sue Supervisor" in page and "sue@example.police.uk" not in page
    assert case.reference not in page  # administrators have no case access

    inbox.refusal = None
    assert "Sent 0 alerts" in send_alerts(app).output  # not due again yet
    clock.advance(minutes=5)
    assert "Sent 2 alerts" in send_alerts(app).output
    assert len(inbox.messages) == 2
    assert {(a.status, a.last_error) for a in alerts(app)} == {("sent", None)}
    administrator.sign_in(clock.now)
    assert "have not been sent" not in administrator.client.get("/admin/").get_data(as_text=True)


def test_a_mail_server_that_is_down_is_tried_again_then_given_up_and_shown(
    app, team, clock, monkeypatch
):
    point_at(app, monkeypatch, free_port())  # nothing listens there
    monkeypatch.setitem(app.config, "ALERTS_MAX_ATTEMPTS", 3)
    decided(app, team)
    for attempt in (1, 2, 3):
        result = send_alerts(app)
        assert result.exit_code == 1
        assert "refused the connection" in result.output
        waiting = alerts(app, kind="sign_off_requested")
        assert {a.attempts for a in waiting} == {attempt}
        clock.advance(minutes=1)
        assert {a.attempts for a in alerts(app, kind="sign_off_requested")} == {attempt}
        clock.advance(seconds=wait_after(attempt).total_seconds() - 60)
    assert {a.status for a in alerts(app)} == {"failed"}
    assert send_alerts(app).exit_code == 0  # nothing left to try

    administrator = StaffBrowser(app, team.administrator)
    administrator.sign_in(clock.now)
    page = administrator.client.get("/admin/alerts").get_data(as_text=True)
    assert "Given up" in page and "The mail server refused the connection" in page
    marker = audit_marker(app)
    assert (
        administrator.post("/admin/alerts/try-again", token_from="/admin/alerts").status_code == 302
    )
    assert {(a.status, a.attempts) for a in alerts(app)} == {("queued", 0)}
    assert [(e.action, e.detail) for e in audit_after(app, marker)] == [
        ("alerts_retried", {"alerts": 2})
    ]


def test_without_a_mail_server_alerts_are_kept_and_the_command_says_so(app, team):
    assert app.config["SMTP_HOST"] == ""
    decided(app, team)
    result = send_alerts(app)
    assert result.exit_code == 0
    assert "No mail server is configured (SMTP_HOST): 2 alerts are queued" in result.output
    assert {(a.status, a.attempts) for a in alerts(app)} == {("queued", 0)}


def test_an_alert_is_queued_with_the_casework_or_not_at_all(app, team, monkeypatch):
    """In the casework's own transaction: a decision the rules refuse queues
    nothing, and nor does one whose request fails after the alert was added."""
    case = submit(app)
    assert act(team.officer, case.id, "decision", DECIDED).status_code == 409  # not triaged
    act(team.officer, case.id, "triage", TRIAGE)
    real = engine.alert_events.stage_recorded

    def queue_then_fail(*args):
        real(*args)
        raise RuntimeError("the request fails after the alerts were queued")

    monkeypatch.setattr(engine.alert_events, "stage_recorded", queue_then_fail)
    with pytest.raises(RuntimeError):
        act(team.officer, case.id, "decision", DECIDED)
    assert alerts(app) == []
    monkeypatch.setattr(engine.alert_events, "stage_recorded", real)
    assert act(team.officer, case.id, "decision", DECIDED).status_code == 302
    assert len(alerts(app)) == 2


ALERT_SETTINGS = {
    "SMTP_HOST": "mail.example.police.uk",
    "ALERTS_FROM": "alerts@example.police.uk",
    "PORTAL_BASE_URL": "https://disclosure.example.police.uk",
}


def test_production_takes_safe_mail_settings(monkeypatch, tmp_path):
    production_environment(monkeypatch, tmp_path)
    for name, value in ALERT_SETTINGS.items():
        monkeypatch.setenv(name, value)
    app = create_app()
    assert (app.config["SMTP_HOST"], app.config["SMTP_PORT"], app.config["SMTP_TLS"]) == (
        "mail.example.police.uk",
        587,
        "starttls",
    )


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"ALERTS_FROM": ""}, "ALERTS_FROM is missing"),
        ({"PORTAL_BASE_URL": "http://disclosure.example.police.uk"}, "not an https"),
        ({"SMTP_TLS": "off"}, "SMTP_TLS is off for a mail server not on this host"),
        ({"SMTP_TLS": "off", "SMTP_HOST": "localhost", "SMTP_PASSWORD": "x"}, "in the clear"),
        ({"SMTP_TLS": "sometimes"}, "SMTP_TLS must be one of"),
        ({"ALERTS_DIGEST_HOUR": "25"}, "ALERTS_DIGEST_HOUR must be an hour"),
    ],
)
def test_production_refuses_unsafe_mail_settings(monkeypatch, tmp_path, change, complaint):
    production_environment(monkeypatch, tmp_path)
    for name, value in (ALERT_SETTINGS | change).items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=complaint):
        create_app()
