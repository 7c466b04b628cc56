"""Cases to work in a demonstration. Each is an application by invented people
(people.py) with the answers its scheme's forms store, written as a
submission writes one (its search and duplicate keys with it), then taken by
the casework engine itself, as the demo officer and the demo supervisor, to
one point of the journey: just received, triaged, contact made, a decision
awaiting sign-off, signed off awaiting the disclosure, disclosed, closed.
Every rule holds (four eyes on each decision, safe contact, deadlines), each
stage is recorded at a plausible time in the past, some cases are the demo
officer's and some nobody's yet, and the risks are mixed, so that whoever
signs in as the officer or the supervisor can take the next step on each
open case through the normal pages. The caller commits."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from portal import applications, deadlines
from portal.casework import engine, facts, queries, search
from portal.extensions import db
from portal.models import Application
from portal.references import new_reference
from portal.stats import applications as application_stats

from . import people
from .history import stage_answers

DEFAULT = 24
# The path a case takes, each stage with the time after the one before.
PATH = (
    ("triage", timedelta(hours=3)),
    ("contact", None),  # at the next time the applicant said is safe
    ("marac", timedelta(hours=1)),  # high risk only
    ("identity", timedelta(days=2, hours=4)),
    ("check", timedelta(days=1)),
    ("check", timedelta(hours=2)),
    ("decision", timedelta(days=2, hours=3)),
    ("sign_off", timedelta(days=1)),
    ("disclosure", timedelta(days=2)),  # to disclose only
    ("closure", timedelta(days=1)),
)
# Where each case is taken, in turn: the status its records lead to, and how
# much of the path is recorded to get there.
GOALS = (
    ("received", 0),
    ("triaged", 1),
    ("in_contact", 3),
    ("decision_made", 7),
    ("signed_off", 8),
    ("disclosed", 9),
    ("closed", 10),
)
RISKS = ("standard", "medium", "high")
CLOSED_WITH = ("disclosure", "no_information", "withdrawn")
WITHDRAWN_BEFORE = frozenset({"identity", "check", "decision", "sign_off", "disclosure"})
SUPERVISED = frozenset({"sign_off"})
# How long ago a case just received came in: the second is past its triage deadline.
RECEIVED_HOURS = (2, 30, 6, 12)


@dataclass(frozen=True)
class Plan:
    number: int
    goal: str
    steps: tuple[tuple[str, timedelta | None], ...]
    risk: str
    disclose: bool
    closed_with: str | None
    assigned: bool  # to the demo officer, once triaged


def plan(number: int) -> Plan:
    goal, reached = GOALS[number % len(GOALS)]
    turn = number // len(GOALS)
    risk = RISKS[number % len(RISKS)]
    closed_with = CLOSED_WITH[turn % len(CLOSED_WITH)] if goal == "closed" else None
    disclose = goal in ("signed_off", "disclosed") or closed_with == "disclosure"
    if goal == "decision_made":
        disclose = turn % 2 == 0
    steps = tuple(
        (kind, gap)
        for kind, gap in PATH[:reached]
        if (kind != "marac" or risk == "high")
        and (kind != "disclosure" or disclose)
        and not (closed_with == "withdrawn" and kind in WITHDRAWN_BEFORE)
    )
    return Plan(number, goal, steps, risk, disclose, closed_with, assigned=number % 5 != 1)


def safe_slot(after: datetime) -> datetime:
    """The first weekday morning, 10:30 where the force is, from a moment on:
    a time every demo applicant said is safe to call."""
    day = deadlines.local_date(after)
    while True:
        slot = datetime.combine(day, time(10, 30), tzinfo=deadlines.LONDON)
        if day.weekday() < 5 and slot >= after:
            return slot.astimezone(UTC)
        day += timedelta(days=1)


def schedule(case_plan: Plan, received: datetime) -> list[tuple[str, datetime]]:
    at, found = received, []
    for kind, gap in case_plan.steps:
        at = safe_slot(at + timedelta(hours=20)) if gap is None else at + gap
        found.append((kind, at))
    return found


def timeline(case_plan: Plan, now: datetime) -> tuple[datetime, list[tuple[str, datetime]]]:
    """When the case came in and when each stage was recorded: the older the
    case, the further along; all of it before now."""
    if case_plan.goal == "received":
        hours = RECEIVED_HOURS[(case_plan.number // len(GOALS)) % len(RECEIVED_HOURS)]
        return now - timedelta(hours=hours), []
    received = now - timedelta(hours=26 + case_plan.number % 5)
    steps = schedule(case_plan, received)
    while steps[-1][1] > now - timedelta(minutes=30):
        received -= timedelta(days=1)
        steps = schedule(case_plan, received)
    return received, steps


def receive(scheme, answers: dict, *, channel: str, at: datetime) -> Application:
    """Write the application as a submission does: its row (with its
    duplicate keys), its search keys and its counts."""
    case = applications.new_application(
        scheme,
        answers,
        submission_key=secrets.token_hex(32),
        channel=channel,
        language="en",
        now=at,
    )
    while applications.reference_taken(case.reference):
        case.reference = new_reference()
    db.session.add(case)
    db.session.flush()
    search.index(case)
    application_stats.add(case, 1)
    return case


def seed_cases(count: int, *, now: datetime, caseworkers: tuple) -> int:
    """`count` cases to work, each taken to its goal; how many were made."""
    officer, supervisor = caseworkers
    for number in range(count):
        case_plan = plan(number)
        scheme, answers = people.application(number, case_plan.risk)
        received, steps = timeline(case_plan, now)
        channel = "phone" if number % 6 == 4 and scheme.route == "right_to_ask" else "online"
        case = receive(scheme, answers, channel=channel, at=received)
        for kind, at in steps:
            staff = supervisor if kind in SUPERVISED else officer
            data = stage_answers(case, kind, posted(kind, case_plan, case, at), at)
            if kind == "sign_off":
                data["decision"] = facts.current_decision(case).uid  # the decision shown
            result = engine.act(case, kind, data, staff, at)
            if result.record is None:
                raise ValueError(f"Demo case {number}, {kind}: {result.refused or result.problems}")
            if kind == "triage" and case_plan.assigned:
                queries.claim(case.id, officer)
                db.session.expire(case, ["assigned_to_id"])
    db.session.flush()
    return count


def posted(kind: str, case_plan: Plan, case: Application, at: datetime) -> dict:
    """What the officer (or supervisor) sends on the stage's page."""
    day = deadlines.local_date(at)
    on = {"-day": str(day.day), "-month": str(day.month), "-year": str(day.year)}

    def dated(field: str) -> dict:
        return {f"{field}{part}": value for part, value in on.items()}

    if kind == "triage":
        return {
            "immediate_risk": "no",
            "risk": case_plan.risk,
            "in_scope": "yes",
            "identifies_subject": "yes",
            "right_scheme": "yes",
            "crime_report": "no",
            "decision": "proceed",
        }
    if kind == "contact":
        local = at.astimezone(deadlines.LONDON).strftime("%H:%M")
        return {
            "person": "applicant",
            "purpose": "contact",
            **dated("contacted_on"),
            "contacted_time": local,
            "channel": "phone",
            "result": "reached",
            "police_named": "no",
            "new_information": "no",
        }
    if kind == "marac":
        return {**dated("referred_on"), "marac_reference": f"MARAC-{1000 + case_plan.number}"}
    if kind == "identity":
        return {
            "document_1": "Passport",
            "document_2": "Council tax bill",
            "photographic": "yes",
            "verified_by": "Demo Officer",
            **dated("met_on"),
        }
    if kind == "check":
        return {
            "system": "local" if facts.checks(case) else "pnc",
            "result": "relevant" if case_plan.disclose else "nothing",
            "findings": "Two convictions for assault on previous partners."
            if case_plan.disclose
            else "Nothing relevant held.",
        }
    if kind == "decision":
        return decision_posted(case_plan, recipient(case), dated("forum_on"))
    if kind == "sign_off":
        return {"verdict": "approve", "comment": "Agreed."}
    if kind == "disclosure":
        return {
            **dated("disclosed_on"),
            "to_whom": recipient(case),
            "by_whom": "Demo Officer",
            "in_person": "yes",
            "undertaking": "signed",
            "safety_plan": "yes",
            "safety_plan_details": "Referred to the local IDVA service; a marker on the address.",
            "referred_to_support": "yes",
        }
    return {"outcome": closing_outcome(case_plan, case)}


def recipient(case: Application) -> str:
    """Who a disclosure goes to: the person at risk, or (Sarah's Law) the
    parent who applied, best placed to protect the child."""
    answers = case.answers or {}
    return (answers.get("person-at-risk") or answers.get("your-name") or {}).get("full_name", "")


def closing_outcome(case_plan: Plan, case: Application) -> str:
    if case_plan.closed_with != "disclosure":
        return case_plan.closed_with
    to_person_at_risk = "person-at-risk" in case.answers or case.applicant_type == "self"
    return "disclosed_to_person_at_risk" if to_person_at_risk else "disclosed_to_third_party"


def decision_posted(case_plan: Plan, to_whom: str, forum_on: dict) -> dict:
    common = {
        **forum_on,
        "forum": "dvds_panel" if case_plan.risk != "high" else "marac",
        "agencies": "Police, probation, children's social care",
    }
    if not case_plan.disclose:
        return common | {
            "disclose": "no",
            "rationale": "Nothing relevant is held: no information to disclose.",
        }
    return common | {
        "disclose": "yes",
        "what": "Two convictions for assault on previous partners.",
        "to_whom": to_whom,
        "delivered_by": "Demo Officer",
        "subject_told": "no",
        "rationale": "Lawful, necessary and proportionate to protect the person at risk.",
    }
