"""The small engine that applies the stage declarations (stages.py): whether
a stage may be recorded now and by whom, what is wrong with what was
entered, and recording it: the record, the case's status (forward only,
except a reopen), its dates, reported departures and the audit row. The
caller commits."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l

from portal import audit, clock
from portal.alerts import events as alert_events
from portal.models import Application, CaseRecord, Role, Staff
from portal.stats import applications as application_stats

from .stages import DEADLINES, RANK, REASON_FIELDS, REOPEN, STAGES, SUPERVISORS, Stage


@dataclass
class Result:
    """What became of an attempt to record a stage: the record made, or why
    the whole attempt was refused, or what is wrong with the answers."""

    record: CaseRecord | None = None
    refused: str | None = None
    problems: dict[str, str] = field(default_factory=dict)


def refusal(case: Application, stage: Stage, staff: Staff) -> str | None:
    """Why this stage cannot be recorded now by this person, or None."""
    if Role(staff.role) not in stage.roles:
        if stage.roles == SUPERVISORS:
            return str(_l("Only a supervisor can do this."))
        return str(_l("Your role cannot do this."))
    for requirement in stage.requires:
        why = requirement(case, staff)
        if why:
            return why
    if not stage.repeatable and any(r.kind == stage.kind for r in case.records):
        return str(_l("This has been recorded."))
    return None


def unasked(case: Application, stage: Stage, now: datetime) -> set[str]:
    """Fields the form leaves out: reasons for departures that the case and the
    time alone show do not apply, and fields asked only of other cases."""
    return {
        name
        for d in stage.departures
        if d.known_before and not d.applies(case, stage, {}, now)
        for name in d.fields
    } | {name for name, asked in stage.asked_if if not asked(case)}


def problems(case: Application, stage: Stage, data: dict, now: datetime) -> dict[str, str]:
    found: dict[str, str] = {}
    for check in stage.checks:
        found.update(check(case, data))
    for departure in stage.departures:
        what = departure.applies(case, stage, data, now)
        if what and not data.get(departure.reason_field):
            found.setdefault(departure.reason_field, departure.message(what))
        if what and departure.category_field and not data.get(departure.category_field):
            found.setdefault(departure.category_field, str(departure.category_message))
    return found


def act(case: Application, kind: str, data: dict, staff: Staff, now: datetime | None = None):
    """Record stage `kind` on the case if the rules allow it; nothing changes
    otherwise. The case should be locked for change (queries.get_case)."""
    now = now or clock.utcnow()
    stage = STAGES[kind]
    refused = refusal(case, stage, staff)
    if refused:
        return Result(refused=refused)
    found = problems(case, stage, data, now)
    if found:
        return Result(problems=found)
    return Result(record=record(case, stage, data, staff, now))


def status_of(records: list[CaseRecord]) -> str:
    """A case's status from its records in order: each stage leads to its
    status only forward, a closure remembers where the case was (or what the
    closing record itself reached), and a reopen goes back there."""
    status = when_closed = "received"
    for row in records:
        stage = STAGES.get(row.kind)
        target = stage.status_after(row.data) if stage else None
        if target == REOPEN:
            status = when_closed
        elif target == "closed":
            having = stage.closes_having
            when_closed = having if having and RANK[having] > RANK[status] else status
            status = "closed"
        elif target and RANK[target] >= RANK[status]:
            status = target
    return status


def move(case: Application, now: datetime) -> None:
    status = status_of(case.records)
    if status == "closed" and case.closed_at is None:
        case.closed_at = now
    elif status != "closed":
        case.closed_at, case.outcome = None, None
    case.stage = status


def new_record(case: Application, kind: str, data: dict, staff: Staff, now) -> CaseRecord:
    from portal.extensions import db

    row = CaseRecord(
        uid=secrets.token_hex(16),
        application_id=case.id,
        kind=kind,
        data=data,
        recorded_by_id=staff.id,
        recorded_at=now,
    )
    db.session.add(row)
    case.records.append(row)
    return row


def record(case: Application, stage: Stage, data: dict, staff: Staff, now) -> CaseRecord:
    """Record a stage and apply what it changes; every change is audited with
    its old and new values."""
    before = snapshot(case)
    counted_as = application_stats.values(case)
    departed = [d for d in stage.departures if d.applies(case, stage, data, now)]
    row = new_record(case, stage.kind, data, staff, now)
    # Free text stays in the sealed record: the departure and the audit row
    # point at it, so a copy of the database does not read it and erasing the
    # case's records under the retention rules erases it everywhere.
    if departed:
        case.deviations = [
            *case.deviations,
            *(
                {"rule": d.rule, "stage": stage.kind, "by": staff.id, "at": now.isoformat()}
                | {"record": row.uid}
                | ({"category": data.get(d.category_field)} if d.category_field else {})
                for d in departed
            ),
        ]
    if stage.effect:
        stage.effect(case, data, now, staff)
    move(case, now)
    application_stats.moved(case, counted_as)
    changes = {
        name: [before[name], value]
        for name, value in snapshot(case).items()
        if before[name] != value
    }
    audit.record(
        f"case_{stage.kind}",
        actor=staff,
        application_id=case.id,
        recorded=sorted(data),  # which fields: their values stay sealed in the case record
        changes=changes,
        **({"reason_in": row.uid} if reason_of(row) else {}),
    )
    alert_events.stage_recorded(case, row, staff)  # queued in this same transaction
    return row


def reason_of(row: CaseRecord) -> str | None:
    """The reason an officer gave in a record: why a deadline was missed, a
    decision's reason, why an unsafe channel was used, why a case moved."""
    data = row.data or {}
    return next((data[name] for name in REASON_FIELDS if data.get(name)), None)


SNAPSHOT = (
    "stage",
    "triaged_at",
    "first_contact_at",
    "decision_signed_off_at",
    "disclosed_at",
    "closed_at",
    "outcome",
    "duplicate_of_id",
    "assigned_to_id",
    "current_risk",
    "update_due_at",
    "review_due_at",
    "plan_recorded_at",
)


def snapshot(case: Application) -> dict:
    values = {name: getattr(case, name) for name in SNAPSHOT}
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}


def next_due(case: Application):
    """The deadline that comes next for an open case, as (deadline, due), or
    None for a closed case: what the queue and the case page show."""
    if case.closed_at is not None:
        return None
    unmet = [
        (deadline.due_at(case), deadline)
        for deadline in DEADLINES.values()
        if getattr(case, deadline.met) is None and deadline.due_at(case) is not None
    ]
    if not unmet:
        return None
    due, deadline = min(unmet, key=lambda pair: pair[0])
    return deadline, due


def departures(case: Application) -> list[dict]:
    """The case's departures from the guidance, each with its rule's label (a
    departure kept before rules were named was a missed deadline)."""
    from .stages import DEPARTURES

    return [
        {
            **entry,
            "label": DEPARTURES[entry.get("rule", "deadline")].label,
            "stage": entry.get("stage") or entry.get("deadline"),
            "at": datetime.fromisoformat(entry["at"]),
        }
        for entry in case.deviations or []
    ]
