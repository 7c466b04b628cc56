"""Server-side staff sessions. The browser holds a random token in the signed
session cookie (as Flask-Login's user id); the server keeps its SHA-256 with
the times that end it, so signing out, disabling an account or resetting it
ends every session at once."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from portal import audit, clock
from portal.clock import as_utc
from portal.extensions import db
from portal.models import Staff, StaffSession


def token_key(token: str) -> str:
    """What the server keeps of a token it gave out: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def idle_period() -> timedelta:
    return timedelta(minutes=current_app.config["STAFF_IDLE_MINUTES"])


def start(staff: Staff) -> str:
    now = clock.utcnow()
    token = secrets.token_urlsafe(32)
    hours = current_app.config["STAFF_SESSION_HOURS"]
    db.session.add(
        StaffSession(
            id=token_key(token),
            staff_id=staff.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    staff.session_token = token
    return token


# How stale a session's last activity may be before a page asked for (not a
# form posted) writes it again: most pages then write nothing at all, and the
# idle limit ends a session up to this much early.
TOUCH_AFTER = timedelta(seconds=60)


def load(token: str, *, reading: bool = False) -> Staff | None:
    """The staff member a live session belongs to; an expired one is ended and
    audited. Each request counts as activity; one that only reads (`reading`)
    writes it only once it is TOUCH_AFTER old."""
    row = db.session.get(StaffSession, token_key(token), options=[joinedload(StaffSession.staff)])
    if row is None or row.ended_at is not None:
        return None
    now = clock.utcnow()
    reason = None
    if as_utc(row.expires_at) <= now:
        reason = "absolute_limit"
    elif as_utc(row.last_seen_at) + idle_period() <= now:
        reason = "idle"
    elif not row.staff.active:
        reason = "disabled"
    if reason:
        row.ended_at, row.end_reason = now, reason
        audit.record("session_expired", target=row.staff_id, why=reason)
        return None
    if not reading or as_utc(row.last_seen_at) + TOUCH_AFTER <= now:
        row.last_seen_at = now
    row.staff.session_token = token
    row.staff.live_session = row  # held: the identity map keeps rows only while used
    return row.staff


def seconds_left(token: str) -> int:
    row = db.session.get(StaffSession, token_key(token))
    if row is None:
        return 0
    ends = min(as_utc(row.last_seen_at) + idle_period(), as_utc(row.expires_at))
    return max(0, int((ends - clock.utcnow()).total_seconds()))


def end(token: str, reason: str) -> None:
    row = db.session.get(StaffSession, token_key(token))
    if row is not None and row.ended_at is None:
        row.ended_at, row.end_reason = clock.utcnow(), reason


def end_all(staff: Staff, reason: str) -> int:
    result = db.session.execute(
        update(StaffSession)
        .where(StaffSession.staff_id == staff.id, StaffSession.ended_at.is_(None))
        .values(ended_at=clock.utcnow(), end_reason=reason),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount or 0


def live_sessions(staff: Staff) -> list[StaffSession]:
    query = select(StaffSession).where(
        StaffSession.staff_id == staff.id, StaffSession.ended_at.is_(None)
    )
    return list(db.session.scalars(query.order_by(StaffSession.created_at)))


def account_state(staff: Staff) -> str:
    """A fingerprint of what a half-finished sign-in (the password right, the
    code still to come) depends on: it changes when the person signs in or
    out anywhere, and when the account is disabled, reset or given another
    role, so a copy of the half-signed-in cookie is worth nothing after any of
    those."""
    started, ended = db.session.execute(
        select(func.max(StaffSession.created_at), func.max(StaffSession.ended_at)).where(
            StaffSession.staff_id == staff.id
        )
    ).one()
    parts = (
        staff.id,
        staff.role,
        staff.active,
        staff.totp_enabled,
        staff.password_hash,
        staff.last_sign_in_at and as_utc(staff.last_sign_in_at).isoformat(),
        started and as_utc(started).isoformat(),
        ended and as_utc(ended).isoformat(),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()
