"""Data access for staff accounts and their one-time setup links. Plain
functions; the caller commits."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, or_, select, update

from portal import clock
from portal.clock import as_utc
from portal.extensions import db
from portal.models import AuditEvent, Role, SetupToken, Staff
from portal.staff_sessions import token_key


class LastAdministrator(Exception):
    """The change would leave no active administrator."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(*, email: str) -> Staff | None:
    query = select(Staff).where(Staff.email == normalise_email(email))
    return db.session.scalars(query).one_or_none()


def get(*, staff_id: int) -> Staff | None:
    return db.session.get(Staff, staff_id)


def list_staff() -> list[Staff]:
    return list(db.session.scalars(select(Staff).order_by(Staff.name, Staff.id)))


def trail(*, actions: tuple[str, ...], person: int | None = None, limit: int = 500):
    """The staff trail: these audit actions, newest first, about or by one person."""
    query = select(AuditEvent).where(AuditEvent.action.in_(actions))
    if person:
        query = query.where(
            or_(AuditEvent.actor_id == person, AuditEvent.target_staff_id == person)
        )
    return list(db.session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)))


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Staff))


def create(*, email: str, name: str, role: Role) -> Staff:
    staff = Staff(
        email=normalise_email(email),
        name=name.strip(),
        role=role.value,
        active=True,
        failed_attempts=0,
        totp_enabled=False,
        created_at=clock.utcnow(),
    )
    db.session.add(staff)
    db.session.flush()
    return staff


def active_administrators() -> int:
    query = (
        select(func.count())
        .select_from(Staff)
        .where(Staff.role == Role.ADMINISTRATOR.value, Staff.active.is_(True))
    )
    return db.session.scalar(query)


def guard_last_administrator(staff: Staff) -> None:
    """Refuse to disable or demote the last active administrator."""
    if staff.role == Role.ADMINISTRATOR.value and staff.active and active_administrators() <= 1:
        raise LastAdministrator


def issue_setup_link(staff: Staff) -> str:
    """A one-time token to set a password and enrol a second factor. Any
    earlier unused link stops working; the account cannot sign in until the
    new link is used."""
    now = clock.utcnow()
    void_setup_links(staff)
    token = secrets.token_urlsafe(32)
    hours = current_app.config["SETUP_LINK_HOURS"]
    db.session.add(
        SetupToken(
            id=token_key(token),
            staff_id=staff.id,
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    staff.password_hash = None
    staff.totp_secret = None
    staff.totp_enabled = False
    staff.totp_last_step = None
    return token


def void_setup_links(staff: Staff) -> int:
    """Every unused set-up link of this account stops working (a new link, a
    reset, or the account disabled); how many there were."""
    now = clock.utcnow()
    unused = db.session.scalars(
        select(SetupToken).where(SetupToken.staff_id == staff.id, SetupToken.used_at.is_(None))
    ).all()
    for old in unused:
        old.used_at = now
    return len(unused)


def find_setup_token(*, token: str) -> SetupToken | None:
    """A setup link that has not been used, has not expired, and is for an
    account that is not disabled."""
    row = db.session.get(SetupToken, token_key(token))
    if row is None or row.used_at is not None or as_utc(row.expires_at) <= clock.utcnow():
        return None
    if not row.staff.active:
        return None
    return row


def is_locked(staff: Staff) -> bool:
    return staff.locked_until is not None and as_utc(staff.locked_until) > clock.utcnow()


def record_failure(staff: Staff) -> bool:
    """Count a failed password or code; True when this failure locks the account."""
    staff.failed_attempts = (staff.failed_attempts or 0) + 1
    if staff.failed_attempts >= current_app.config["SIGN_IN_MAX_FAILURES"]:
        minutes = current_app.config["SIGN_IN_LOCK_MINUTES"]
        staff.locked_until = clock.utcnow() + timedelta(minutes=minutes)
        staff.failed_attempts = 0
        return True
    return False


def clear_failures(staff: Staff) -> None:
    staff.failed_attempts = 0
    staff.locked_until = None


def claim_code_step(staff: Staff, step: int) -> bool:
    """Record a one-time code's time step as used, if no code of this step or
    a later one has been: one conditional update, so of two sign-ins posting
    the same code at once only one gets a row, whatever each read before."""
    claimed = db.session.execute(
        update(Staff)
        .where(
            Staff.id == staff.id,
            or_(Staff.totp_last_step.is_(None), Staff.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed:
        db.session.expire(staff, ["totp_last_step"])
    return claimed == 1
