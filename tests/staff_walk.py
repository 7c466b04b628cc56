"""Every staff endpoint from app.url_map, with real values for its URL
arguments and a browser signed in as a role that may use it: what the tests
that walk the whole back office share (no-store, CSRF)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy import select

from portal.admin import accounts, auth
from portal.extensions import db
from portal.models import Application, Role

from .staff_support import StaffBrowser, make_staff
from .support import SELF, Applicant, complete, page_url


def send_application(app: Flask, answers: dict = SELF) -> int:
    """An application sent through the public pages; its case id."""
    applicant = Applicant(app)
    complete(applicant, answers)
    applicant.post(page_url("check-your-answers"))
    assert applicant.path == page_url("confirmation")
    with app.app_context():
        return db.session.scalar(select(Application.id).order_by(Application.id.desc()).limit(1))


def staff_rules(app: Flask, method: str) -> list:
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("admin.") and method in rule.methods
    ]
    return sorted(rules, key=lambda rule: rule.endpoint)


@dataclass
class BackOffice:
    """Two cases, a colleague to act on, a setup link, and one signed-in
    browser per role."""

    app: Flask
    values: dict[str, object]
    browsers: dict[Role | None, StaffBrowser] = field(default_factory=dict)

    def url(self, rule) -> str:
        missing = set(rule.arguments) - set(self.values)
        assert not missing, f"{rule.endpoint}: no test value for {missing}: add one to BackOffice"
        return rule.build({name: self.values[name] for name in rule.arguments})[1]

    def browser_for(self, endpoint: str) -> StaffBrowser:
        """Signed in as a role the endpoint admits (none for the sign-in pages)."""
        access = getattr(self.app.view_functions[endpoint], "access", None)
        if access == auth.PUBLIC:
            return self.browsers[None]
        if access == auth.SIGNED_IN:
            return self.browsers[Role.OFFICER]
        assert access, f"{endpoint} declares no access"
        return self.browsers[sorted(access)[0]]


def back_office(app: Flask, now) -> BackOffice:
    case_id, other_id = send_application(app), send_application(app)
    colleague = make_staff(app, Role.OFFICER, email="colleague@example.police.uk")
    with app.app_context():
        invited = accounts.create(
            email="invited@example.police.uk", name="Ivy Invited", role=Role.OFFICER
        )
        token = accounts.issue_setup_link(invited)
        db.session.commit()
    office = BackOffice(
        app,
        {
            "case_id": case_id,
            "other_id": other_id,
            "staff_id": colleague.id,
            "token": token,
            "kind": "note",
            "name": "headline",
        },
    )
    office.browsers[None] = StaffBrowser(app)
    for role in Role:
        browser = StaffBrowser(
            app, make_staff(app, role, email=f"walk.{role.value}@example.police.uk")
        )
        assert browser.sign_in(now).status_code == 302
        office.browsers[role] = browser
    return office
