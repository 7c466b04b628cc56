"""Staff for tests: accounts made straight in the database, and a browser
that signs in with a password and a code from the account's authenticator."""

from __future__ import annotations

import pyotp
from bs4 import BeautifulSoup
from sqlalchemy import select

from portal.admin import accounts, passwords
from portal.extensions import db
from portal.models import AuditEvent, Role, Staff

PASSWORD = "plum kettle harbour sonnet"


def make_staff(
    app, role: Role, *, email: str | None = None, name: str = "Sam Staff", active: bool = True
) -> Staff:
    with app.app_context():
        staff = accounts.create(
            email=email or f"{role.value}@example.police.uk", name=name, role=role
        )
        staff.password_hash = passwords.hash_password(PASSWORD)
        staff.totp_secret = pyotp.random_base32()
        staff.totp_enabled = True
        staff.active = active
        db.session.commit()
        db.session.refresh(staff)
        db.session.expunge(staff)
        return staff


def csrf_from(response) -> str:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return soup.find("input", attrs={"name": "csrf_token"})["value"]


class StaffBrowser:
    def __init__(self, app, staff: Staff | None = None):
        self.app = app
        self.client = app.test_client()
        self.staff = staff

    def token(self, url: str = "/admin/sign-in") -> str:
        return csrf_from(self.client.get(url, follow_redirects=True))

    def post(self, url: str, data: dict | None = None, *, token_from: str | None = None):
        token = self.token(token_from or url)
        return self.client.post(url, data={"csrf_token": token, **(data or {})})

    def password_step(self, email=None, password=PASSWORD, next_url=None):
        url = "/admin/sign-in" + (f"?next={next_url}" if next_url else "")
        return self.post(
            url,
            {"email": email or self.staff.email, "password": password},
            token_from="/admin/sign-in",
        )

    def code_for(self, now) -> str:
        return pyotp.TOTP(self.staff.totp_secret).at(now)

    def sign_in(self, now, next_url=None):
        response = self.password_step(next_url=next_url)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return self.post("/admin/sign-in/code", {"code": self.code_for(now)})


def audit_after(app, marker: int) -> list[AuditEvent]:
    with app.app_context():
        query = select(AuditEvent).where(AuditEvent.id > marker).order_by(AuditEvent.id)
        return list(db.session.scalars(query))


def audit_marker(app) -> int:
    with app.app_context():
        return db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0
