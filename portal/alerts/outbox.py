"""The outbox of staff alerts and each member of staff's choices. Plain
functions; the caller commits. An alert is queued in the same transaction as
the casework that causes it, so it exists exactly when that casework does;
`delivery` sends it afterwards, and nothing here talks to a mail server."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, or_, select

from portal.extensions import db
from portal.models import Role, Staff, StaffAlert, StaffAlertSetting

from .kinds import KINDS

# The wait before each next attempt: 5 minutes, doubling, at most 2 hours
# (with the default 10 attempts, about 10 hours in all before giving up).
FIRST_WAIT = timedelta(minutes=5)
LONGEST_WAIT = timedelta(hours=2)
# Finished alerts (sent, given up or cancelled) are deleted after this long.
KEPT_FOR = timedelta(days=30)


def turned_off(staff_ids: list[int], kind: str) -> set[int]:
    query = select(StaffAlertSetting.staff_id).where(
        StaffAlertSetting.staff_id.in_(staff_ids),
        StaffAlertSetting.kind == kind,
        StaffAlertSetting.enabled.is_(False),
    )
    return set(db.session.scalars(query))


def wanted(staff: Staff, kind: str) -> bool:
    """Whether this member of staff gets this kind now: an active account, a
    role the kind is for, and not turned off."""
    declared = KINDS.get(kind)
    if declared is None or not staff.active or Role(staff.role) not in declared.roles:
        return False
    return staff.id not in turned_off([staff.id], kind)


def recipients(kind: str, *, exclude: tuple[int, ...] = ()) -> list[Staff]:
    """Every active member of staff who gets this kind, by id."""
    allowed = sorted(role.value for role in KINDS[kind].roles)
    query = select(Staff).where(
        Staff.active.is_(True), Staff.role.in_(allowed), Staff.id.not_in(exclude)
    )
    found = list(db.session.scalars(query.order_by(Staff.id)))
    off = turned_off([each.id for each in found], kind)
    return [each for each in found if each.id not in off]


def queue(staff: Staff, kind: str, subject: str, payload: dict, now: datetime) -> StaffAlert | None:
    """Queue one alert unless this one (kind, subject, person) is queued already."""
    key = f"{kind}:{subject}:{staff.id}"
    if db.session.scalar(select(StaffAlert.id).where(StaffAlert.key == key)) is not None:
        return None
    alert = StaffAlert(
        key=key,
        staff_id=staff.id,
        kind=kind,
        payload=payload,
        status="queued",
        created_at=now,
        attempts=0,
        next_attempt_at=now,
    )
    db.session.add(alert)
    return alert


def choices(staff: Staff) -> dict[str, bool]:
    """Each kind this member of staff's role gets: on or off."""
    off = {
        row.kind
        for row in db.session.scalars(
            select(StaffAlertSetting).where(
                StaffAlertSetting.staff_id == staff.id, StaffAlertSetting.enabled.is_(False)
            )
        )
    }
    return {name: name not in off for name, kind in KINDS.items() if staff.role_enum in kind.roles}


def choose(staff: Staff, wanted_kinds: set[str]) -> dict[str, list[str]]:
    """Keep these kinds on and the rest of the role's off; what changed."""
    before = choices(staff)
    rows = {
        row.kind: row
        for row in db.session.scalars(
            select(StaffAlertSetting).where(StaffAlertSetting.staff_id == staff.id)
        )
    }
    for name in before:
        row = rows.get(name) or StaffAlertSetting(staff_id=staff.id, kind=name)
        row.enabled = name in wanted_kinds
        db.session.add(row)
    return {
        "on": [name for name, was in before.items() if not was and name in wanted_kinds],
        "off": [name for name, was in before.items() if was and name not in wanted_kinds],
    }


def wait_after(attempts: int) -> timedelta:
    return min(FIRST_WAIT * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


def claim(now: datetime, limit: int = 100) -> list[int]:
    """Take the alerts due to be sent: each attempt is counted, and its next
    one set, before anything is sent, so an alert being sent is not due for
    another run, and one whose run stopped half-way is tried again later."""
    query = (
        select(StaffAlert)
        .where(StaffAlert.status == "queued", StaffAlert.next_attempt_at <= now)
        .order_by(StaffAlert.next_attempt_at, StaffAlert.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    alerts = list(db.session.scalars(query))
    for alert in alerts:
        alert.attempts += 1
        alert.last_attempt_at = now
        alert.next_attempt_at = now + wait_after(alert.attempts)
    return [alert.id for alert in alerts]


def sent(alert: StaffAlert, now: datetime) -> None:
    alert.status, alert.finished_at, alert.last_error = "sent", now, None


def cancelled(alert: StaffAlert, now: datetime) -> None:
    alert.status, alert.finished_at = "cancelled", now


def not_sent(alert: StaffAlert, error: str, now: datetime) -> None:
    """A failed attempt: it waits for the next, or is given up after the last."""
    alert.last_error = error[:200]
    if alert.attempts >= current_app.config["ALERTS_MAX_ATTEMPTS"]:
        alert.status, alert.finished_at = "failed", now


def prune(now: datetime) -> int:
    result = db.session.execute(
        delete(StaffAlert).where(
            StaffAlert.status != "queued", StaffAlert.finished_at < now - KEPT_FOR
        ),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount or 0


# What administrators see.

TROUBLE = or_(
    StaffAlert.status == "failed",
    (StaffAlert.status == "queued") & StaffAlert.last_error.is_not(None),
)


def counts() -> dict[str, int]:
    rows = db.session.execute(
        select(StaffAlert.status, func.count()).group_by(StaffAlert.status)
    ).all()
    found = {"queued": 0, "sent": 0, "failed": 0, "cancelled": 0} | dict(rows)
    found["retrying"] = db.session.scalar(
        select(func.count()).where(StaffAlert.status == "queued", StaffAlert.attempts > 0)
    )
    return found


def trouble_count() -> int:
    """Alerts given up, or waiting after a failed attempt: the home page's notice."""
    return db.session.scalar(select(func.count()).select_from(StaffAlert).where(TROUBLE))


def not_sent_yet(limit: int = 100) -> list[StaffAlert]:
    """Alerts given up or still waiting, the newest first."""
    query = (
        select(StaffAlert)
        .where(StaffAlert.status.in_(["queued", "failed"]))
        .order_by(StaffAlert.created_at.desc(), StaffAlert.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def try_again(now: datetime) -> int:
    """Give every alert that was given up its attempts again, from now."""
    alerts = list(
        db.session.scalars(
            select(StaffAlert).where(StaffAlert.status == "failed").order_by(StaffAlert.id)
        )
    )
    for alert in alerts:
        alert.status, alert.attempts, alert.next_attempt_at = "queued", 0, now
        alert.finished_at = None
    return len(alerts)


def waiting() -> int:
    return db.session.scalar(
        select(func.count()).select_from(StaffAlert).where(StaffAlert.status == "queued")
    )
