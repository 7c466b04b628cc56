"""Staff sign-in: password and a one-time code, lockout, rate limits, no
enumeration, server-side sessions that end on sign-out, disabling, idleness
and the absolute limit, and a safe next page."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from portal.extensions import db
from portal.models import Role, Staff, StaffSession

from .staff_support import PASSWORD, StaffBrowser, audit_after, audit_marker, make_staff

WRONG = "Enter a correct email address and password"


@pytest.fixture
def officer(app):
    return make_staff(app, Role.OFFICER, name="Olive Officer")


@pytest.fixture
def administrator(app):
    return make_staff(app, Role.ADMINISTRATOR, name="Ada Admin")


def test_signing_in_needs_a_password_and_a_code(app, officer, clock):
    browser = StaffBrowser(app, officer)
    assert browser.client.get("/admin/").location.startswith("/admin/sign-in")
    response = browser.password_step()
    assert response.location == "/admin/sign-in/code"
    assert browser.client.get("/admin/").status_code == 302  # not in yet
    marker = audit_marker(app)
    response = browser.post("/admin/sign-in/code", {"code": browser.code_for(clock.now)})
    assert response.location == "/admin/"
    page = browser.client.get("/admin/")
    assert page.status_code == 200
    assert "Signed in as Olive Officer" in page.get_data(as_text=True)
    assert [e.action for e in audit_after(app, marker)] == ["signed_in"]


def test_a_code_works_only_once(app, officer, clock):
    browser = StaffBrowser(app, officer)
    browser.sign_in(clock.now)
    browser.post("/admin/sign-out", token_from="/admin/")
    browser.password_step()
    response = browser.post("/admin/sign-in/code", {"code": browser.code_for(clock.now)})
    assert response.status_code == 200
    assert "Enter the current 6-digit code" in response.get_data(as_text=True)


def test_a_code_posted_from_two_sessions_at_once_signs_in_one(app, officer, clock, monkeypatch):
    """Both sessions read the last used step before either writes it (as two
    requests at the same moment would): the database lets one through."""
    from portal import staff_sessions as sessions
    from portal.admin import totp

    monkeypatch.setattr(sessions, "account_state", lambda staff: "read before either wrote")
    first, second = StaffBrowser(app, officer), StaffBrowser(app, officer)
    first.password_step()
    second.password_step()
    code = first.code_for(clock.now)
    read_before_either = totp.accept

    def stale(secret, code, *, now, last_step):
        return read_before_either(secret, code, now=now, last_step=None)

    monkeypatch.setattr(totp, "accept", stale)
    assert first.post("/admin/sign-in/code", {"code": code}).status_code == 302
    refused = second.post("/admin/sign-in/code", {"code": code})
    assert refused.status_code == 200
    assert "Enter the current 6-digit code" in refused.get_data(as_text=True)
    assert second.client.get("/admin/").status_code == 302  # not signed in


def half_signed_in(app, officer) -> tuple[StaffBrowser, str]:
    """A browser past the password step, and a copy of its cookie then."""
    browser = StaffBrowser(app, officer)
    browser.password_step()
    cookie = browser.client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    return browser, cookie


def replayed(app, cookie: str) -> StaffBrowser:
    copy = StaffBrowser(app)
    copy.client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    return copy


def test_a_half_finished_sign_in_cannot_be_replayed_after_signing_in(app, officer, clock):
    browser, cookie = half_signed_in(app, officer)
    browser.post("/admin/sign-in/code", {"code": browser.code_for(clock.now)})
    copy = replayed(app, cookie)
    clock.advance(seconds=30)
    response = copy.client.get("/admin/sign-in/code")
    assert response.status_code == 302 and response.location.endswith("/admin/sign-in")


@pytest.mark.parametrize("change", ["signed in elsewhere", "signed out", "disabled", "reset"])
def test_a_half_finished_sign_in_ends_when_the_account_changes(app, officer, clock, change):
    _browser, cookie = half_signed_in(app, officer)
    other = StaffBrowser(app, officer)
    clock.advance(seconds=31)
    if change in ("signed in elsewhere", "signed out"):
        other.sign_in(clock.now)
        if change == "signed out":
            clock.advance(seconds=1)
            other.post("/admin/sign-out", token_from="/admin/")
    else:
        admin = StaffBrowser(
            app, make_staff(app, Role.ADMINISTRATOR, email="ad@example.police.uk", name="Ad Min")
        )
        admin.sign_in(clock.now)
        if change == "disabled":
            admin.post(f"/admin/staff/{officer.id}/disable", {"reason": "Left"})
        else:
            admin.post(f"/admin/staff/{officer.id}/reset", token_from="/admin/staff")
    copy = replayed(app, cookie)
    clock.advance(seconds=31)
    code = pyotp.TOTP(officer.totp_secret).at(clock.now)
    response = copy.post("/admin/sign-in/code", {"code": code}, token_from="/admin/sign-in")
    assert response.status_code == 302 and response.location.endswith("/admin/sign-in")
    assert copy.client.get("/admin/").status_code == 302


@pytest.mark.parametrize(
    ("offset", "accepted"), [(-30, True), (30, True), (-60, False), (60, False)]
)
def test_the_code_window_is_one_step_either_side(app, officer, clock, offset, accepted):
    browser = StaffBrowser(app, officer)
    browser.password_step()
    code = browser.code_for(clock.now + timedelta(seconds=offset))
    response = browser.post("/admin/sign-in/code", {"code": code})
    assert (response.status_code == 302) is accepted


def test_an_unknown_email_and_a_wrong_password_look_the_same(app, officer):
    browser = StaffBrowser(app, officer)
    marker = audit_marker(app)
    unknown = browser.password_step(email="nobody@example.police.uk")
    wrong = browser.password_step(password="not the password at all")
    assert unknown.status_code == wrong.status_code == 200
    for response in (unknown, wrong):
        assert WRONG in response.get_data(as_text=True)
    events = audit_after(app, marker)
    assert [e.action for e in events] == ["sign_in_failed", "sign_in_failed"]
    assert events[0].target_staff_id is None and events[1].target_staff_id == officer.id
    assert "nobody" not in str(events[0].detail)


def test_an_unknown_email_costs_the_same_argon2_work_as_a_wrong_password(app, officer, monkeypatch):
    """The time a refusal takes is argon2's: an unknown address does the same
    work as a real one (one verification, no hashing), so timing cannot tell
    which addresses have accounts."""
    browser = StaffBrowser(app, officer)
    browser.password_step(email="warm-up@example.police.uk")  # the dummy hash is made once
    work: list[str] = []
    for name in ("hash", "verify"):
        original = getattr(PasswordHasher, name)

        def counted(self, *args, _name=name, _original=original, **kwargs):
            work.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(PasswordHasher, name, counted)
    browser.password_step(email="nobody@example.police.uk")
    unknown, work[:] = list(work), []
    browser.password_step(password="not the password at all")
    assert unknown == work == ["verify"]


def test_repeated_failures_lock_the_account_for_a_while(app, officer, clock):
    browser = StaffBrowser(app, officer)
    marker = audit_marker(app)
    for _attempt in range(5):
        browser.password_step(password="wrong password here")
    locked = browser.password_step()  # the right password, but locked
    assert WRONG in locked.get_data(as_text=True)
    assert "locked_out" in [e.action for e in audit_after(app, marker)]
    clock.advance(minutes=16)
    assert browser.password_step().location == "/admin/sign-in/code"


def test_wrong_codes_count_towards_the_lock(app, officer, clock):
    browser = StaffBrowser(app, officer)
    browser.password_step()
    for _attempt in range(5):
        browser.post("/admin/sign-in/code", {"code": "000000"})
    response = browser.post("/admin/sign-in/code", {"code": browser.code_for(clock.now)})
    assert response.status_code in (200, 302)
    assert browser.client.get("/admin/").status_code == 302  # still not signed in


def test_sign_in_attempts_are_rate_limited_per_client(app, officer):
    browser = StaffBrowser(app, officer)
    statuses = [
        browser.password_step(email=f"guess{n}@example.police.uk").status_code for n in range(21)
    ]
    assert statuses[:20] == [200] * 20
    assert statuses[20] == 429


def test_sign_in_attempts_are_rate_limited_per_account(app, officer):
    statuses = []
    for n in range(21):
        browser = StaffBrowser(app, officer)
        browser.client.environ_base["REMOTE_ADDR"] = f"10.0.0.{n + 1}"
        statuses.append(browser.password_step(password=f"wrong {n}").status_code)
    assert statuses[-1] == 429


def test_signing_out_ends_the_session_on_the_server(app, officer, clock):
    browser = StaffBrowser(app, officer)
    browser.sign_in(clock.now)
    stolen = browser.client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    marker = audit_marker(app)
    browser.post("/admin/sign-out", token_from="/admin/")
    thief = app.test_client()
    thief.set_cookie(app.config["SESSION_COOKIE_NAME"], stolen)
    assert thief.get("/admin/").status_code == 302
    assert [e.action for e in audit_after(app, marker)] == ["signed_out"]


def test_each_sign_in_starts_a_new_session(app, officer, clock):
    browser = StaffBrowser(app, officer)
    browser.sign_in(clock.now)
    first = browser.client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    browser.post("/admin/sign-out", token_from="/admin/")
    clock.advance(seconds=30)
    browser.sign_in(clock.now)
    second = browser.client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    assert first != second
    with app.app_context():
        rows = db.session.scalars(select(StaffSession)).all()
        assert len({row.id for row in rows}) == 2


def test_an_idle_session_ends(app, officer, clock):
    browser = StaffBrowser(app, officer)
    browser.sign_in(clock.now)
    clock.advance(minutes=14)
    assert browser.client.get("/admin/").status_code == 200  # activity keeps it alive
    clock.advance(minutes=14)
    assert browser.client.get("/admin/").status_code == 200
    marker = audit_marker(app)
    clock.advance(minutes=16)
    assert browser.client.get("/admin/").location.startswith("/admin/sign-in")
    events = audit_after(app, marker)
    assert [(e.action, e.detail) for e in events] == [("session_expired", {"why": "idle"})]


def test_a_session_ends_after_12_hours_however_busy(app, officer, clock):
    browser = StaffBrowser(app, officer)
    browser.sign_in(clock.now)
    for _step in range(int(12 * 60 / 14)):
        clock.advance(minutes=14)
        assert browser.client.get("/admin/").status_code == 200
    clock.advance(minutes=14)
    assert browser.client.get("/admin/").status_code == 302


def test_the_idle_warning_offers_to_stay_signed_in(app, officer, clock):
    browser = StaffBrowser(app, officer)
    browser.sign_in(clock.now)
    page = browser.client.get("/admin/").get_data(as_text=True)
    assert 'data-seconds-left="900"' in page
    clock.advance(minutes=14)
    response = browser.post("/admin/session/extend", token_from="/admin/")
    assert response.json["seconds_left"] == 900


def test_disabling_an_account_ends_its_live_session(app, officer, administrator, clock):
    officer_browser = StaffBrowser(app, officer)
    officer_browser.sign_in(clock.now)
    assert officer_browser.client.get("/admin/").status_code == 200
    admin_browser = StaffBrowser(app, administrator)
    admin_browser.sign_in(clock.now)
    admin_browser.post(f"/admin/staff/{officer.id}/disable", {"reason": "Left the force"})
    assert officer_browser.client.get("/admin/").status_code == 302
    assert officer_browser.password_step().status_code == 200  # cannot sign in again


@pytest.mark.parametrize(
    ("next_url", "lands"),
    [
        ("/admin/staff", "/admin/staff"),
        ("https://elsewhere.example/admin/", "/admin/"),
        ("//elsewhere.example/admin/", "/admin/"),
        ("/apply/right-to-ask", "/admin/"),
        ("/admin/\\\\elsewhere.example", "/admin/"),
    ],
)
def test_the_next_page_stays_on_this_site(app, administrator, clock, next_url, lands):
    browser = StaffBrowser(app, administrator)
    response = browser.sign_in(clock.now, next_url=next_url)
    assert response.location == lands


def test_a_stale_password_hash_is_upgraded_at_sign_in(app, officer, clock):
    old = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with app.app_context():
        db.session.get(Staff, officer.id).password_hash = old
        db.session.commit()
    StaffBrowser(app, officer).sign_in(clock.now)
    with app.app_context():
        assert db.session.get(Staff, officer.id).password_hash != old


def test_the_sign_in_page_lets_password_managers_work(client):
    html = client.get("/admin/sign-in").get_data(as_text=True)
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert "onpaste" not in html
