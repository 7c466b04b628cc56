"""The audit log: one append-only row for every event that matters (Data
Protection Act 2018 Part 3, section 62 logging). The caller commits."""

from __future__ import annotations

from sqlalchemy import select

from portal import clock
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
