"""The demo staff accounts, one per role (`flask --app wsgi staff demo` prints
their set-up links), and the two that work the seeded cases: the demo
officer and the demo supervisor. The caller commits."""

from __future__ import annotations

from sqlalchemy import select

from portal import audit, clock
from portal.extensions import db
from portal.models import Role, Staff

DEMO_STAFF = [
    (Role.ADMINISTRATOR, "demo.administrator@example.police.uk", "Demo Administrator"),
    (Role.SUPERVISOR, "demo.supervisor@example.police.uk", "Demo Supervisor"),
    (Role.OFFICER, "demo.officer@example.police.uk", "Demo Officer"),
    (Role.ANALYST, "demo.analyst@example.police.uk", "Demo Analyst"),
]
EMAILS = {role: email for role, email, _name in DEMO_STAFF}


def account(role: Role) -> Staff:
    """The demo account for a role, made if it is not there yet: with no
    password, so that nobody can sign in as it until `staff demo` has
    printed its set-up link and someone has used it."""
    email = EMAILS[role]
    staff = db.session.scalars(select(Staff).where(Staff.email == email)).one_or_none()
    if staff is None:
        name = next(name for each, _email, name in DEMO_STAFF if each == role)
        staff = Staff(
            email=email,
            name=name,
            role=role.value,
            active=True,
            failed_attempts=0,
            totp_enabled=False,
            created_at=clock.utcnow(),
        )
        db.session.add(staff)
        db.session.flush()
        audit.record("staff_invited", target=staff, role=role.value, by="demo seed")
    return staff


def caseworkers() -> tuple[Staff, Staff]:
    """The demo officer and the demo supervisor, who record the seeded casework."""
    return account(Role.OFFICER), account(Role.SUPERVISOR)
