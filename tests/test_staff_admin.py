"""Administrators run staff accounts: invite with a one-time setup link, set a
password and enrol an authenticator, change roles, disable, enable and reset;
the last administrator stays. Every change is audited."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pyotp
import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from portal.extensions import db
from portal.models import Role, Staff

from .staff_support import PASSWORD, StaffBrowser, audit_after, audit_marker, make_staff


@pytest.fixture
def admin_browser(app, clock):
    browser = StaffBrowser(app, make_staff(app, Role.ADMINISTRATOR, name="Ada Admin"))
    browser.sign_in(clock.now)
    return browser


def invite(browser, **fields):
    data = {"name": "Nia New", "email": "Nia.New@Example.police.uk", "role": "officer"} | fields
    return browser.post("/admin/staff/invite", data)


def setup_path(response) -> str:
    return re.search(
        r"http://localhost(/admin/setup/[A-Za-z0-9_-]+)", response.get_data(as_text=True)
    ).group(1)


def secret_on(response) -> str:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return soup.select_one(".portal-secret").get_text()


def set_up(app, path: str, now, password: str = PASSWORD):
    newcomer = StaffBrowser(app)
    newcomer.post(path, {"password": password})
    page = newcomer.client.get(path + "/authenticator")
    secret = secret_on(page)
    response = newcomer.post(path + "/authenticator", {"code": pyotp.TOTP(secret).at(now)})
    return newcomer, response, secret


def test_an_invited_officer_sets_up_and_signs_in(app, admin_browser, clock):
    marker = audit_marker(app)
    response = invite(admin_browser)
    assert "This is the only time the link is shown" in response.get_data(as_text=True)
    path = setup_path(response)
    newcomer, done, _secret = set_up(app, path, clock.now)
    assert done.location == "/admin/"
    page = newcomer.client.get("/admin/").get_data(as_text=True)
    assert "Signed in as Nia New (Disclosure officer)" in page
    assert [e.action for e in audit_after(app, marker)] == ["staff_invited", "mfa_enrolled"]
    with app.app_context():
        staff = db.session.scalars(select(Staff).where(Staff.name == "Nia New")).one()
        assert staff.email == "nia.new@example.police.uk"
    assert StaffBrowser(app).client.get(path).status_code == 404  # the link worked once


def test_the_enrolment_page_shows_a_qr_code_and_the_key(app, admin_browser):
    path = setup_path(invite(admin_browser))
    newcomer = StaffBrowser(app)
    newcomer.post(path, {"password": PASSWORD})
    page = newcomer.client.get(path + "/authenticator").get_data(as_text=True)
    assert "<svg" in page and "QR code for your authenticator app" in page
    assert re.search(r'class="portal-secret">[A-Z2-7]{32}<', page)
    assert "http" not in page.split("<svg")[1].split("</svg>")[0]  # no outside service


def test_a_wrong_code_does_not_finish_enrolment(app, admin_browser):
    path = setup_path(invite(admin_browser))
    newcomer = StaffBrowser(app)
    newcomer.post(path, {"password": PASSWORD})
    response = newcomer.post(path + "/authenticator", {"code": "123456"})
    assert "Enter the current 6-digit code" in response.get_data(as_text=True)
    assert newcomer.client.get("/admin/").status_code == 302


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short pass", "Password must be 12 characters or more"),
        ("x" * 129, "Password must be 128 characters or fewer"),
        ("password1234", "Choose a password that is harder to guess"),
        ("qwertyuiop12", "Choose a password that is harder to guess"),
        ("nia.new@example.police.uk", "Choose a password that is harder to guess"),
    ],
)
def test_weak_passwords_are_refused(app, admin_browser, password, message):
    path = setup_path(invite(admin_browser))
    response = StaffBrowser(app).post(path, {"password": password})
    assert message in response.get_data(as_text=True)


def test_a_long_password_with_any_characters_is_accepted(app, admin_browser):
    path = setup_path(invite(admin_browser))
    response = StaffBrowser(app).post(path, {"password": "  ünïcödé ✓ spaces and 'quotes'  "})
    assert response.location.endswith("/authenticator")


def test_a_setup_link_expires_after_24_hours(app, admin_browser, clock):
    path = setup_path(invite(admin_browser))
    clock.advance(hours=24, seconds=1)
    assert StaffBrowser(app).client.get(path).status_code == 404


def test_an_email_can_be_invited_once(app, admin_browser):
    invite(admin_browser)
    response = invite(admin_browser, email="nia.new@example.police.uk")
    assert "There is already an account with this email address" in response.get_data(as_text=True)


def test_invite_validation_messages(app, admin_browser):
    html = admin_browser.post("/admin/staff/invite", {}).get_data(as_text=True)
    for message in ("Enter their full name", "Enter their work email address", "Select a role"):
        assert message in html


def role_of(app, staff_id) -> str:
    with app.app_context():
        return db.session.get(Staff, staff_id).role


def test_changing_a_role_needs_a_reason_and_a_confirmation_and_is_audited(app, admin_browser):
    officer = make_staff(app, Role.OFFICER)
    url = f"/admin/staff/{officer.id}/role"
    missing = admin_browser.post(url, {"role": "supervisor"}).get_data(as_text=True)
    assert "Enter why their role is changing" in missing
    marker = audit_marker(app)
    asked = admin_browser.post(url, {"role": "supervisor", "reason": "Promoted to sergeant"})
    page = asked.get_data(as_text=True)
    assert "Change Sam Staff from Disclosure officer to Supervisor?" in page
    assert role_of(app, officer.id) == "officer" and audit_after(app, marker) == []
    data = {"role": "supervisor", "reason": "Promoted to sergeant", "confirmed": "yes"}
    assert admin_browser.post(url, data).status_code == 302
    assert role_of(app, officer.id) == "supervisor"
    (event,) = audit_after(app, marker)
    assert (event.action, event.target_staff_id) == ("role_changed", officer.id)
    assert (event.detail["was"], event.detail["now"]) == ("officer", "supervisor")
    assert "Promoted" not in str(event.detail)  # sealed, read in the trail
    trail = admin_browser.client.get("/admin/staff/trail?kind=changes").get_data(as_text=True)
    assert "Promoted to sergeant" in trail and "officer → supervisor" in trail


def test_disabling_asks_why_and_enable_is_audited(app, admin_browser):
    officer = make_staff(app, Role.OFFICER)
    url = f"/admin/staff/{officer.id}/disable"
    assert "Disable the account of Sam Staff?" in admin_browser.client.get(url).get_data(
        as_text=True
    )
    missing = admin_browser.post(url, {}).get_data(as_text=True)
    assert "Enter why the account is being disabled" in missing
    marker = audit_marker(app)
    admin_browser.post(url, {"reason": "Left the force"})
    admin_browser.post(f"/admin/staff/{officer.id}/enable", token_from="/admin/staff")
    actions = [(e.action, e.target_staff_id) for e in audit_after(app, marker)]
    assert actions == [("staff_disabled", officer.id), ("staff_enabled", officer.id)]
    trail = admin_browser.client.get(f"/admin/staff/trail?person={officer.id}")
    assert "Left the force" in trail.get_data(as_text=True)


def test_the_staff_trail_shows_sign_ins_and_refusals_by_kind(app, admin_browser, clock):
    analyst = make_staff(app, Role.ANALYST, email="ana@example.police.uk", name="Ana Lyst")
    browser = StaffBrowser(app, analyst)
    browser.password_step(password="wrong password entirely")
    browser.sign_in(clock.now)
    browser.client.get("/admin/staff")  # refused
    refusals = admin_browser.client.get("/admin/staff/trail?kind=refusals").get_data(as_text=True)
    assert "access refused" in refusals and "admin.staff_list" in refusals
    assert "sign in failed" not in refusals
    sign_ins = admin_browser.client.get(f"/admin/staff/trail?kind=sign_ins&person={analyst.id}")
    text = sign_ins.get_data(as_text=True)
    assert "sign in failed" in text and "signed in" in text and "Ana Lyst" in text


def test_the_last_administrator_cannot_be_disabled_or_demoted(app, admin_browser):
    me = admin_browser.staff
    response = admin_browser.post(f"/admin/staff/{me.id}/disable", {"reason": "Test"})
    assert "there must always be at least one active administrator" in response.get_data(
        as_text=True
    )
    response = admin_browser.post(f"/admin/staff/{me.id}/role", {"role": "officer", "reason": "T"})
    assert "there must always be at least one active administrator" in response.get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.get(Staff, me.id).role == "administrator"
        assert db.session.get(Staff, me.id).active
    second = make_staff(app, Role.ADMINISTRATOR, email="second@example.police.uk")
    admin_browser.post(f"/admin/staff/{second.id}/disable", {"reason": "Left"})
    with app.app_context():
        assert not db.session.get(Staff, second.id).active


def test_a_reset_ends_sessions_and_needs_a_new_password_and_authenticator(
    app, admin_browser, clock
):
    officer = make_staff(app, Role.OFFICER)
    officer_browser = StaffBrowser(app, officer)
    officer_browser.sign_in(clock.now)
    marker = audit_marker(app)
    response = admin_browser.post(f"/admin/staff/{officer.id}/reset", token_from="/admin/staff")
    assert officer_browser.client.get("/admin/").status_code == 302
    assert officer_browser.password_step().status_code == 200  # the old password is gone
    clock.advance(seconds=60)
    again, done, _secret = set_up(app, setup_path(response), clock.now)
    assert done.location == "/admin/"
    assert [e.action for e in audit_after(app, marker)] == [
        "sign_in_reset",
        "sign_in_failed",
        "mfa_enrolled",
    ]


def test_the_staff_list_shows_role_status_and_last_sign_in(app, admin_browser):
    make_staff(app, Role.ANALYST, name="Ana Analyst", active=False)
    html = admin_browser.client.get("/admin/staff").get_data(as_text=True)
    assert "Ana Analyst" in html and "Analyst (communications)" in html
    assert "Disabled" in html and "Never" in html


def test_the_command_line_creates_an_account_with_a_setup_link(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "staff",
            "create",
            "--email",
            "Cli@Example.police.uk",
            "--name",
            "Cli User",
            "--role",
            "supervisor",
        ]
    )
    assert result.exit_code == 0, result.output
    assert re.search(r"http://127\.0\.0\.1:5000/admin/setup/\S+", result.output)
    again = runner.invoke(
        args=[
            "staff",
            "create",
            "--email",
            "cli@example.police.uk",
            "--name",
            "Cli User",
            "--role",
            "supervisor",
        ]
    )
    assert again.exit_code != 0 and "already" in again.output


def test_demo_accounts_one_per_role_only_outside_production(app, monkeypatch):
    result = app.test_cli_runner().invoke(args=["staff", "demo"])
    assert result.output.count("/admin/setup/") == 4
    with app.app_context():
        roles = sorted(db.session.scalars(select(Staff.role)))
    assert roles == sorted(role.value for role in Role)
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    refused = app.test_cli_runner().invoke(args=["staff", "demo"])
    assert refused.exit_code != 0 and "never creates default accounts" in refused.output


def test_demo_accounts_are_not_added_beside_real_ones(app):
    make_staff(app, Role.ADMINISTRATOR, email="real@example.police.uk")
    result = app.test_cli_runner().invoke(args=["staff", "demo"])
    assert "/admin/setup/" not in result.output


def test_audit_rows_cannot_be_changed(app):
    from sqlalchemy import text

    make_staff(app, Role.OFFICER)
    with app.app_context():
        from portal import audit

        audit.record("test_event")
        db.session.commit()
        for statement in ("UPDATE audit_event SET action = 'x'", "DELETE FROM audit_event"):
            with pytest.raises(Exception, match="append-only"):
                db.session.execute(text(statement))
            db.session.rollback()


def test_times_show_in_local_time(app, admin_browser, clock):
    html = admin_browser.client.get("/admin/staff").get_data(as_text=True)
    local = clock.now.astimezone(ZoneInfo("Europe/London"))
    assert local.strftime("%-d %b %Y, %H:%M") in html  # the administrator's own sign-in


def test_disabling_an_account_voids_its_unused_setup_link(app, admin_browser, clock):
    path = setup_path(invite(admin_browser))
    with app.app_context():
        invited = db.session.scalars(select(Staff).where(Staff.name == "Nia New")).one()
    admin_browser.post(f"/admin/staff/{invited.id}/disable", {"reason": "Invited by mistake"})
    assert StaffBrowser(app).client.get(path).status_code == 404
    refused = StaffBrowser(app).post(path, {"password": PASSWORD}, token_from="/admin/sign-in")
    assert refused.status_code == 404
    admin_browser.post(f"/admin/staff/{invited.id}/enable", token_from="/admin/staff")
    assert StaffBrowser(app).client.get(path).status_code == 404  # enabling does not revive it
    with app.app_context():
        assert db.session.get(Staff, invited.id).password_hash is None


def test_a_reset_voids_the_link_before_it(app, admin_browser, clock):
    first = setup_path(invite(admin_browser))
    with app.app_context():
        invited = db.session.scalars(select(Staff).where(Staff.name == "Nia New")).one()
    second = setup_path(
        admin_browser.post(f"/admin/staff/{invited.id}/reset", token_from="/admin/staff")
    )
    assert StaffBrowser(app).client.get(first).status_code == 404
    assert StaffBrowser(app).client.get(second).status_code == 200
