"""Casework's data access: finding cases, the queue, claiming and
assigning, possible duplicates, and the reasons behind audit rows. Plain
functions; the caller commits. The rules are in stages.py and engine.py."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select, union_all, update
from sqlalchemy import case as sql_case
from sqlalchemy.orm import aliased, selectinload

from portal import audit, clock
from portal.extensions import db
from portal.models import Application, CaseRecord, Role, Staff

from .clocks import CLOCKS, end_of_today
from .engine import new_record, reason_of
from .outcomes import RISK_RANK
from .stages import DEADLINES

PER_PAGE = 50


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


QUEUE_ORDERS = {
    "due": (
        Application.triaged_at.is_not(None),
        Application.triage_due_at,
        Application.completion_due_at,
        Application.id,
    ),
    "risk": (
        sql_case(RISK_RANK, value=Application.current_risk, else_=len(RISK_RANK)),
        Application.triaged_at.is_not(None),
        Application.triage_due_at,
        Application.completion_due_at,
        Application.id,
    ),
    "newest": (Application.submitted_at.desc(), Application.id.desc()),
    "oldest": (Application.submitted_at, Application.id),
}


def queue(*, sort: str = "due", page: int = 1, **filters) -> list[Application]:
    """Open cases, in the order `sort` names (see QUEUE_ORDERS: by default
    those needing triage first, oldest due first, then the rest by completion
    date), a page at a time (`counts` says how many there are)."""
    query = queue_query(**filters)
    # The page's cases are chosen from the open cases' index alone, then only
    # they are read whole.
    chosen = list(
        db.session.scalars(
            query.with_only_columns(Application.id)
            .order_by(*QUEUE_ORDERS.get(sort, QUEUE_ORDERS["due"]))
            .limit(PER_PAGE)
            .offset((page - 1) * PER_PAGE)
        )
    )
    whole = query.where(Application.id.in_(chosen)).options(selectinload(Application.assigned_to))
    found = {case.id: case for case in db.session.scalars(whole)}
    return [found[each] for each in chosen]


EXPORT_BATCH = 500


def queue_rows(columns: tuple[str, ...], *, sort: str = "due", **filters):
    """Every case the filters select, in the queue's order, as rows of these
    columns and the assigned officer's e-mail: read a batch at a time, so an
    export of every case holds only a batch in memory."""
    officer = aliased(Staff)
    ordered = (
        queue_query(**filters)
        .with_only_columns(*(getattr(Application, name) for name in columns), officer.email)
        .select_from(Application)
        .outerjoin(officer, officer.id == Application.assigned_to_id)
        .order_by(*QUEUE_ORDERS.get(sort, QUEUE_ORDERS["due"]))
        .execution_options(yield_per=EXPORT_BATCH)
    )
    for row in db.session.execute(ordered):
        yield [*row[:-1], row[-1] or ""]


def count(query) -> int:
    """How many cases a queue query selects: for the open cases, counted from
    their index alone; for a reference, from the references' unique index."""
    return db.session.scalar(query.with_only_columns(func.count()).select_from(Application))


def queue_query(**filters):
    """The open cases these filters leave (see queue_conditions)."""
    return select(Application).where(*queue_conditions(**filters))


def counts(base: dict, choices: dict[str, dict]) -> dict[str, int]:
    """How many cases each choice of filters, added to `base`, would select:
    every count in one pass over the cases `base` selects."""
    where = queue_conditions(**base)
    tallies = [
        func.count().filter(and_(*queue_conditions(**(base | choice))))
        for choice in choices.values()
    ]
    row = db.session.execute(select(*tallies).select_from(Application).where(*where)).one()
    return dict(zip(choices, row, strict=True))


def queue_conditions(
    *,
    scheme: str | None = None,
    stage: str | None = None,
    assigned_to: int | None = None,
    unassigned: bool = False,
    overdue: bool = False,
    reference: str | None = None,
    risk: str | None = None,
    clocks: tuple[str, ...] = (),
) -> list:
    """The conditions on a case these filters make: open cases only, except
    that a search by reference finds a closed case too."""
    if reference:
        conditions = [Application.reference == reference.strip().upper()]
    else:
        conditions = [Application.closed_at.is_(None)]
    if scheme:
        code, _, route = scheme.partition(":")
        conditions += [Application.scheme == code, Application.route == route]
    if stage:
        conditions.append(Application.stage == stage)
    if assigned_to:
        conditions.append(Application.assigned_to_id == assigned_to)
    if unassigned:
        conditions.append(Application.assigned_to_id.is_(None))
    if overdue:
        conditions.append(unmet_before(clock.utcnow()))
    if risk in RISK_RANK:
        conditions.append(Application.current_risk == risk)
    elif risk == "none":
        conditions.append(Application.current_risk.is_(None))
    if clocks:
        today = end_of_today(clock.utcnow())
        conditions += [CLOCKS[name].due_by(today) for name in clocks if name in CLOCKS]
    return conditions


DUPLICATE_KEYS = ("subject_key", "applicant_key", "at_risk_key")


def with_possible_duplicates(ids: list[int]) -> set[int]:
    """Which of these cases share a person with another case (by the duplicate
    keys under the current index key) that no officer has dismissed as not
    the same: the queue's flag. The case page lists them."""
    if not ids:
        return set()
    other = aliased(Application)
    # One look-up a key, each through that key's index (SQLite cannot use the
    # indexes for one condition that joins the keys with OR: it reads every case).
    pairs = union_all(
        *(
            select(Application.id, other.id)
            .join(other, getattr(other, key) == getattr(Application, key))
            .where(
                Application.id.in_(ids),
                getattr(Application, key).is_not(None),
                other.id != Application.id,
            )
            for key in DUPLICATE_KEYS
        )
    )
    found: dict[int, set[int]] = {}
    for case_id, other_id in db.session.execute(pairs):
        found.setdefault(case_id, set()).add(other_id)
    if not found:
        return set()
    dismissed = dismissed_pairs({*found, *(o for others in found.values() for o in others)})
    return {case_id for case_id, others in found.items() if others - dismissed.get(case_id, set())}


def dismissed_pairs(ids: set[int]) -> dict[int, set[int]]:
    """For each of these cases, the cases an officer has said are not about the
    same people, whichever of the two the dismissal was recorded on."""
    rows = db.session.scalars(
        select(CaseRecord).where(
            CaseRecord.application_id.in_(sorted(ids)), CaseRecord.kind == "not_duplicate"
        )
    )
    found: dict[int, set[int]] = {}
    for row in rows:
        other_id = row.data.get("other_id")
        if isinstance(other_id, int):
            found.setdefault(row.application_id, set()).add(other_id)
            found.setdefault(other_id, set()).add(row.application_id)
    return found


def staff_choices() -> list[Staff]:
    query = select(Staff).where(
        Staff.active.is_(True), Staff.role.in_([Role.OFFICER.value, Role.SUPERVISOR.value])
    )
    return list(db.session.scalars(query.order_by(Staff.name)))


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


def assign(
    case: Application,
    to: Staff | None,
    by: Staff,
    reason: str | None,
    *,
    action: str = "case_assigned",
) -> None:
    old = case.assigned_to_id
    case.assigned_to_id = to.id if to else None
    detail = {}
    if reason:  # kept sealed, as a record of its own (see engine.record)
        data = {"assignment_reason": reason, "assigned_to_id": case.assigned_to_id}
        detail["reason_in"] = new_record(case, "assignment", data, by, clock.utcnow()).uid
    audit.record(
        action,
        actor=by,
        application_id=case.id,
        changes={"assigned_to_id": [old, case.assigned_to_id]},
        **detail,
    )


def possible_duplicates(case: Application) -> list[tuple[Application, list[str]]]:
    """Other cases about the same people, unless an officer has dismissed them
    (on this case or on the other).
    Each person is looked up under every blind index key in the ring, so cases
    indexed under an older key still match while `keys reindex` catches up."""
    from portal.applications import duplicate_lookups

    keys = {
        "subject_key": _l("same subject"),
        "applicant_key": _l("same applicant"),
        "at_risk_key": _l("same person at risk"),
    }
    matches: dict[int, tuple[Application, list[str]]] = {}
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
            matches.setdefault(other.id, (other, []))[1].append(str(why))
    dismissed = dismissed_pairs({case.id, *matches}).get(case.id, set())
    return [match for other_id, match in matches.items() if other_id not in dismissed]


def duplicates_of(case: Application) -> list[Application]:
    query = select(Application).where(Application.duplicate_of_id == case.id)
    return list(db.session.scalars(query.order_by(Application.id)))


def dismiss_duplicate(case: Application, other: Application, staff: Staff) -> None:
    new_record(case, "not_duplicate", {"other_id": other.id}, staff, clock.utcnow())
    audit.record(
        "case_duplicate_dismissed", actor=staff, application_id=case.id, other=other.reference
    )


def unmet_before(moment):
    """Open cases with a deadline not met by `moment` (overdue, when it is now)."""
    return or_(
        *(
            getattr(Application, d.met).is_(None) & (getattr(Application, d.due) < moment)
            for d in DEADLINES.values()
        )
    )


def workload(now) -> list[tuple[Staff, int, int, int]]:
    """Each officer's and supervisor's open cases: (staff, open, overdue, due
    within 7 days but not yet overdue), by name."""
    week = now + timedelta(days=7)
    overdue = func.sum(sql_case((unmet_before(now), 1), else_=0))
    soon = func.sum(sql_case((unmet_before(week) & ~unmet_before(now), 1), else_=0))
    rows = db.session.execute(
        select(Application.assigned_to_id, func.count(), overdue, soon)
        .where(Application.closed_at.is_(None), Application.assigned_to_id.is_not(None))
        .group_by(Application.assigned_to_id)
    ).all()
    counts = {staff_id: (total, late, due) for staff_id, total, late, due in rows}
    return [(member, *counts.get(member.id, (0, 0, 0))) for member in staff_choices()]


def reassign(cases: list[Application], to: Staff | None, by: Staff, reason: str) -> None:
    """Move several cases at once, each with the same reason and its own audit row."""
    for each in cases:
        assign(each, to, by, reason)
