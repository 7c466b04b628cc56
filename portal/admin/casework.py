"""The rules of casework, and its data access. A stage is recorded as a
CaseRecord; what it changes on the case (stage, dates, outcome) and what it
needs first are declared here, once. The caller commits."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update

from portal import application_stats, audit, clock
from portal.clock import as_utc
from portal.extensions import db
from portal.models import Application, CaseRecord, Role, Staff

from . import case_forms as forms

PER_PAGE = 50


@dataclass(frozen=True)
class Stage:
    kind: str
    title: object
    form: type
    supervisor_only: bool = False
    repeatable: bool = False


STAGES = {
    stage.kind: stage
    for stage in (
        Stage("triage", _l("Triage"), forms.TriageForm),
        Stage("contact", _l("Contact attempt"), forms.ContactForm, repeatable=True),
        Stage("identity", _l("Identity"), forms.IdentityForm),
        Stage("check", _l("Research check"), forms.CheckForm, repeatable=True),
        Stage("decision", _l("Decision"), forms.DecisionForm, repeatable=True),
        Stage("sign_off", _l("Supervisor sign-off"), forms.SignOffForm, supervisor_only=True),
        Stage("disclosure", _l("Disclosure"), forms.DisclosureForm),
        Stage("closure", _l("Close the case"), forms.ClosureForm),
        Stage("note", _l("Note"), forms.NoteForm, repeatable=True),
        Stage(
            "reopen", _l("Reopen the case"), forms.ReopenForm, supervisor_only=True, repeatable=True
        ),
    )
}

STAGE_LABELS = {
    "received": _l("Awaiting triage"),
    "triaged": _l("Triaged"),
    "in_contact": _l("In contact"),
    "identity_verified": _l("Identity verified"),
    "checks": _l("Checks under way"),
    "decision_made": _l("Awaiting sign-off"),
    "signed_off": _l("Decision signed off"),
    "disclosed": _l("Disclosed"),
    "closed": _l("Closed"),
    "reopened": _l("Reopened"),
}


# Data access.


def get_case(case_id: int, *, for_change: bool = False) -> Application | None:
    """The case; `for_change` locks its row until the transaction ends, so two
    officers changing one case take turns, and the second sees the first's
    change before the rules are checked (SQLite's BEGIN IMMEDIATE already
    serialises every transaction)."""
    if not for_change:
        return db.session.get(Application, case_id)
    return db.session.get(Application, case_id, with_for_update=True, populate_existing=True)


def find_by_reference(reference: str) -> Application | None:
    query = select(Application).where(Application.reference == reference.strip().upper())
    return db.session.scalars(query).one_or_none()


def queue(
    *,
    scheme: str | None = None,
    stage: str | None = None,
    assigned_to: int | None = None,
    unassigned: bool = False,
    overdue: bool = False,
    reference: str | None = None,
    page: int = 1,
) -> tuple[list[Application], int]:
    """Open cases: those needing triage first (oldest due first), then the rest
    by completion date."""
    query = select(Application).where(Application.closed_at.is_(None))
    if reference:
        query = select(Application).where(Application.reference == reference.strip().upper())
    if scheme:
        code, _, route = scheme.partition(":")
        query = query.where(Application.scheme == code, Application.route == route)
    if stage:
        query = query.where(Application.stage == stage)
    if assigned_to:
        query = query.where(Application.assigned_to_id == assigned_to)
    if unassigned:
        query = query.where(Application.assigned_to_id.is_(None))
    if overdue:
        now = clock.utcnow()
        query = query.where(
            or_(
                (Application.triaged_at.is_(None)) & (Application.triage_due_at < now),
                Application.completion_due_at < now,
            )
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    ordered = (
        query.order_by(
            Application.triaged_at.is_not(None),
            Application.triage_due_at,
            Application.completion_due_at,
            Application.id,
        )
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )
    return list(db.session.scalars(ordered)), total


def records(case: Application, kind: str | None = None) -> list[CaseRecord]:
    return [r for r in case.records if kind is None or r.kind == kind]


def latest(case: Application, kind: str) -> CaseRecord | None:
    found = records(case, kind)
    return found[-1] if found else None


def staff_choices() -> list[Staff]:
    query = select(Staff).where(
        Staff.active.is_(True), Staff.role.in_([Role.OFFICER.value, Role.SUPERVISOR.value])
    )
    return list(db.session.scalars(query.order_by(Staff.name)))


# Rules.


def refusal(case: Application, stage: Stage, staff: Staff) -> str | None:
    """Why this stage cannot be recorded now, or None if it can."""
    if stage.supervisor_only and staff.role != Role.SUPERVISOR.value:
        return str(_l("Only a supervisor can do this."))
    if stage.kind == "note":
        return None
    if case.closed_at is not None:
        return None if stage.kind == "reopen" else str(_l("The case is closed."))
    if stage.kind == "reopen":
        return str(_l("The case is open."))
    triage = latest(case, "triage")
    if stage.kind == "triage":
        return str(_l("The case has been triaged.")) if triage else None
    if triage is None:
        return str(_l("Triage the case first."))
    if stage.kind == "sign_off":
        decision = latest(case, "decision")
        if decision is None:
            return str(_l("Record a decision first."))
        if case.decision_signed_off_at is not None:
            return str(_l("The latest decision is signed off."))
    if stage.kind == "disclosure":
        decision = latest(case, "decision")
        if case.decision_signed_off_at is None or decision is None:
            return str(_l("A supervisor must sign off the decision before a disclosure."))
        if decision.data.get("disclose") != "yes":
            return str(_l("The decision was not to disclose."))
        if case.disclosed_at is not None:
            return str(_l("The disclosure has been recorded."))
    if not stage.repeatable and stage.kind not in ("sign_off",) and latest(case, stage.kind):
        return str(_l("This has been recorded."))
    return None


def is_late(case: Application, kind: str, now: datetime) -> bool:
    if kind == "triage":
        return now > as_utc(case.triage_due_at)
    if kind == "contact":
        due = case.first_contact_due_at
        return case.first_contact_at is None and due is not None and now > as_utc(due)
    if kind == "closure":
        return now > as_utc(case.completion_due_at)
    return False


def outcome_problem(case: Application, outcome: str) -> str | None:
    if outcome in forms.DISCLOSURE_OUTCOMES and case.disclosed_at is None:
        return str(_l("Record the disclosure before closing with a disclosure outcome."))
    return None


# Changes.


def record(case: Application, stage: Stage, data: dict, staff: Staff) -> CaseRecord:
    """Record a stage and apply what it changes; every change is audited with
    its old and new values."""
    now = clock.utcnow()
    before = snapshot(case)
    counted_as = application_stats.values(case)
    row = CaseRecord(
        uid=secrets.token_hex(16),
        application_id=case.id,
        kind=stage.kind,
        data=data,
        recorded_by_id=staff.id,
        recorded_at=now,
    )
    db.session.add(row)
    case.records.append(row)
    # Free text stays in the sealed record: the deviation and the audit row
    # point at it, so a copy of the database does not read it and erasing the
    # case's records under the retention rules erases it everywhere.
    if data.get("late_reason"):
        case.deviations = [
            *case.deviations,
            {"deadline": stage.kind, "by": staff.id, "at": now.isoformat(), "record": row.uid},
        ]
    EFFECTS.get(stage.kind, lambda *args: None)(case, data, now, staff)
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
    return row


REASON_FIELDS = ("late_reason", "reason", "override_reason", "assignment_reason")


def reason_of(row: CaseRecord) -> str | None:
    """The reason an officer gave in a record: why a deadline was missed, a
    decision's reason, why an unsafe channel was used, why a case moved."""
    data = row.data or {}
    return next((data[name] for name in REASON_FIELDS if data.get(name)), None)


def audit_reasons(events) -> dict[int, str]:
    """Each audit event's reason, opened from the sealed record it points at
    (and gone once retention has erased that record)."""
    uids = {event.detail.get("reason_in") for event in events} - {None}
    if not uids:
        return {}
    rows = db.session.scalars(select(CaseRecord).where(CaseRecord.uid.in_(uids)))
    reasons = {row.uid: reason_of(row) for row in rows}
    return {
        event.id: reasons[event.detail["reason_in"]]
        for event in events
        if reasons.get(event.detail.get("reason_in"))
    }


def snapshot(case: Application) -> dict:
    names = (
        "stage",
        "triaged_at",
        "first_contact_at",
        "decision_signed_off_at",
        "disclosed_at",
        "closed_at",
        "outcome",
        "duplicate_of_id",
        "assigned_to_id",
    )
    values = {name: getattr(case, name) for name in names}
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}


def close(case: Application, outcome: str, now: datetime) -> None:
    case.outcome, case.closed_at, case.stage = outcome, now, "closed"


def after_triage(case, data, now, staff):
    case.triaged_at, case.stage = now, "triaged"
    case.quality_identifies = data.get("identifies_subject")
    case.quality_right_scheme = data.get("right_scheme")
    case.quality_crime_report = data.get("crime_report")
    if data["decision"] == "duplicate":
        case.duplicate_of_id = find_by_reference(data["duplicate_reference"]).id
    if data["decision"] in forms.TRIAGE_CLOSES:
        close(case, forms.TRIAGE_CLOSES[data["decision"]], now)


def after_contact(case, data, now, staff):
    if data["result"] == "reached" and case.first_contact_at is None:
        case.first_contact_at, case.stage = now, "in_contact"


def after_decision(case, data, now, staff):
    case.decision_signed_off_at, case.decision_signed_off_by_id = None, None
    case.stage = "decision_made"


def after_sign_off(case, data, now, staff):
    case.decision_signed_off_at, case.decision_signed_off_by_id = now, staff.id
    case.stage = "signed_off"


def after_disclosure(case, data, now, staff):
    case.disclosed_at, case.stage = now, "disclosed"


def after_reopen(case, data, now, staff):
    case.closed_at, case.outcome, case.stage = None, None, "reopened"


EFFECTS = {
    "triage": after_triage,
    "contact": after_contact,
    "identity": lambda case, *_: setattr(case, "stage", "identity_verified"),
    "check": lambda case, *_: setattr(
        case,
        "stage",
        case.stage
        if case.stage not in ("triaged", "in_contact", "identity_verified")
        else "checks",
    ),
    "decision": after_decision,
    "sign_off": after_sign_off,
    "disclosure": after_disclosure,
    "closure": lambda case, data, now, staff: close(case, data["outcome"], now),
    "reopen": after_reopen,
}


def claim(case_id: int, staff: Staff) -> bool:
    """Take an unassigned case. Of two officers claiming at once, exactly one wins."""
    result = db.session.execute(
        update(Application)
        .where(Application.id == case_id, Application.assigned_to_id.is_(None))
        .values(assigned_to_id=staff.id),
        execution_options={"synchronize_session": False},
    )
    won = result.rowcount == 1
    if won:
        audit.record(
            "case_claimed",
            actor=staff,
            application_id=case_id,
            changes={"assigned_to_id": [None, staff.id]},
        )
    return won


def assign(case: Application, to: Staff | None, by: Staff, reason: str | None) -> None:
    old = case.assigned_to_id
    case.assigned_to_id = to.id if to else None
    detail = {}
    if reason:  # kept sealed, as a record of its own (see record())
        row = CaseRecord(
            uid=secrets.token_hex(16),
            application_id=case.id,
            kind="assignment",
            data={"assignment_reason": reason, "assigned_to_id": case.assigned_to_id},
            recorded_by_id=by.id,
            recorded_at=clock.utcnow(),
        )
        db.session.add(row)
        case.records.append(row)
        detail["reason_in"] = row.uid
    audit.record(
        "case_assigned",
        actor=by,
        application_id=case.id,
        changes={"assigned_to_id": [old, case.assigned_to_id]},
        **detail,
    )


def possible_duplicates(case: Application) -> list[tuple[Application, list[str]]]:
    """Other cases about the same people, unless an officer has dismissed them.
    Each person is looked up under every blind index key in the ring, so cases
    indexed under an older key still match while `keys reindex` catches up."""
    from portal.applications import duplicate_lookups

    keys = {
        "subject_key": _l("same subject"),
        "applicant_key": _l("same applicant"),
        "at_risk_key": _l("same person at risk"),
    }
    matches: dict[int, tuple[Application, list[str]]] = {}
    dismissed = {r.data.get("other_id") for r in records(case, "not_duplicate")}
    lookups = duplicate_lookups(case.answers or {})
    for name, why in keys.items():
        value = getattr(case, name)
        if not value:
            continue
        values = sorted({value, *lookups[name]})
        query = (
            select(Application)
            .where(getattr(Application, name).in_(values), Application.id != case.id)
            .order_by(Application.id)
        )
        for other in db.session.scalars(query.limit(20)):
            if other.id not in dismissed:
                matches.setdefault(other.id, (other, []))[1].append(str(why))
    return list(matches.values())


def duplicates_of(case: Application) -> list[Application]:
    query = select(Application).where(Application.duplicate_of_id == case.id)
    return list(db.session.scalars(query.order_by(Application.id)))


def dismiss_duplicate(case: Application, other: Application, staff: Staff) -> None:
    row = CaseRecord(
        uid=secrets.token_hex(16),
        application_id=case.id,
        kind="not_duplicate",
        data={"other_id": other.id},
        recorded_by_id=staff.id,
        recorded_at=clock.utcnow(),
    )
    db.session.add(row)
    case.records.append(row)
    audit.record(
        "case_duplicate_dismissed", actor=staff, application_id=case.id, other=other.reference
    )
