"""The daily digest: for each officer and supervisor, their own open cases
with something due by the end of today or overdue, on every statutory
deadline (casework/stages.py DEADLINES) and every clock (casework/clocks.py
CLOCKS: updates, reviews, plans, enquiry replies, and any clock declared
there later); for supervisors, also the decisions awaiting their sign-off,
the cases needing a communication and safeguarding plan, and the cases no
one is assigned that have something due. Analysts and administrators work
no cases, so they get none. A day with nothing due sends nothing.

`flask --app wsgi alerts send` queues it once each London day, with its
first run from ALERTS_DIGEST_HOUR; the day is recorded, so a second run, or
two at once, queue nothing more."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal import deadlines
from portal.casework import clocks, facts
from portal.casework.clocks import CLOCKS
from portal.casework.stages import DEADLINES
from portal.extensions import db
from portal.models import Application, Role, Staff, StaffAlertDigest

from . import outbox

SHOWN = 50  # cases listed in a section; the count says how many there are


def due_items(case: Application, now: datetime) -> list[dict]:
    """What of this open case is due by the end of today, or overdue: each
    deadline not yet met and each clock running, soonest first."""
    end = clocks.end_of_today(now)
    found = []
    for deadline in DEADLINES.values():
        due = deadline.due_at(case)
        if due is not None and getattr(case, deadline.met) is None and due <= end:
            found.append((f"deadline:{deadline.name}", due))
    found += [(f"clock:{clock.name}", due) for clock, due, _overdue in clocks.due_today(case, now)]
    return [
        {"what": what, "due": due.isoformat(), "overdue": due < now}
        for what, due in sorted(found, key=lambda pair: pair[1])
    ]


def entry(case: Application, due: list[dict]) -> dict:
    return {"reference": case.reference, "case_id": case.id, "due": due}


def section(name: str, entries: list[dict]) -> dict:
    ordered = sorted(entries, key=lambda e: (e["due"][0]["due"] if e["due"] else "", e["case_id"]))
    return {"name": name, "total": len(entries), "cases": ordered[:SHOWN]}


def open_cases(*conditions) -> list[Application]:
    query = select(Application).where(Application.closed_at.is_(None), *conditions)
    return list(db.session.scalars(query.order_by(Application.id)))


def with_due(cases: list[Application], now: datetime) -> list[dict]:
    entries = [entry(case, due_items(case, now)) for case in cases]
    return [each for each in entries if each["due"]]


@dataclass
class ForceWide:
    """What every supervisor's digest lists, read once for them all."""

    awaiting_sign_off: list[Application]
    needing_plan: list[dict]
    unassigned: list[dict]

    @classmethod
    def read(cls, now: datetime) -> ForceWide:
        awaiting = db.session.scalars(
            select(Application)
            .where(Application.closed_at.is_(None), Application.stage == "decision_made")
            .options(selectinload(Application.records))
            .order_by(Application.id)
        )
        plan = CLOCKS["plan"]
        return cls(
            awaiting_sign_off=list(awaiting),
            needing_plan=[
                entry(case, [item for item in due_items(case, now) if item["what"] == "clock:plan"])
                for case in open_cases(plan.due_by(clocks.end_of_today(now)))
            ],
            unassigned=with_due(open_cases(Application.assigned_to_id.is_(None)), now),
        )


def digest_for(staff: Staff, now: datetime, force_wide: ForceWide) -> dict | None:
    """The digest's payload for this member of staff, or None: nothing due."""
    sections = [section("yours", with_due(open_cases(Application.assigned_to_id == staff.id), now))]
    if staff.role_enum == Role.SUPERVISOR:
        to_sign = [
            entry(case, [])
            for case in force_wide.awaiting_sign_off
            if facts.current_decision(case).recorded_by_id != staff.id
        ]
        sections += [
            section("sign_off", to_sign),
            section("plan", force_wide.needing_plan),
            section("unassigned", force_wide.unassigned),
        ]
    sections = [each for each in sections if each["total"]]
    if not sections:
        return None
    return {"day": deadlines.local_date(now).isoformat(), "sections": sections}


def queue_digests(now: datetime) -> int | None:
    """Queue today's digests, once a day from the digest hour: how many, or
    None when it is not time or today's were queued already."""
    local = now.astimezone(deadlines.LONDON)
    if local.hour < current_app.config["ALERTS_DIGEST_HOUR"]:
        return None
    day = local.date()
    if db.session.get(StaffAlertDigest, day) is not None:
        return None
    marker = StaffAlertDigest(day=day, queued_at=now, alerts=0)
    try:
        with db.session.begin_nested():
            db.session.add(marker)
    except IntegrityError:  # another run has just queued them
        return None
    force_wide = ForceWide.read(now)
    for staff in outbox.recipients("digest"):
        payload = digest_for(staff, now, force_wide)
        if payload and outbox.queue(staff, "digest", day.isoformat(), payload, now):
            marker.alerts += 1
    return marker.alerts
