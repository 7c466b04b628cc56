"""The audit log: one append-only row for every event that matters (Data
Protection Act 2018 Part 3, section 62 logging). The caller commits."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from portal import clock, crypto
from portal.extensions import db
from portal.models import AuditEvent


def record(
    action: str,
    *,
    actor=None,
    target=None,
    application_id: int | None = None,
    **detail,
) -> AuditEvent:
    event = AuditEvent(
        at=clock.utcnow(),
        action=action,
        actor_id=getattr(actor, "id", actor),
        target_staff_id=getattr(target, "id", target),
        application_id=application_id,
        detail=detail,
    )
    db.session.add(event)
    return event


def events(*, after_id: int = 0, limit: int = 200) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.id > after_id).order_by(AuditEvent.id)
    return list(db.session.scalars(query.limit(limit)))


def sealed_reason(text: str) -> dict:
    """A reason given for a change to a staff account, for an audit row's
    detail: sealed (it can say something about a person), bound to its row."""
    uid = secrets.token_hex(16)
    return {"reason_id": uid, "reason_sealed": crypto.seal_json(text, f"audit_event.reason.{uid}")}


def reason_of(event: AuditEvent) -> str | None:
    """The sealed reason of a staff change, opened; None if there is none, or
    if it was sealed under a key no longer in ENCRYPTION_KEYS."""
    detail = event.detail or {}
    if "reason_sealed" not in detail:
        return None
    bound_to = f"audit_event.reason.{detail['reason_id']}"
    try:
        return crypto.open_json(detail["reason_sealed"], bound_to)
    except crypto.KeyError_:
        return None
