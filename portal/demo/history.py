"""The casework behind each application of the synthetic history: the records
its case is made of up to now (a triage, a contact, a decision and its
sign-off, a disclosure, the closure), each stage's answers in the shape its
page stores them, and the case's columns as those records leave them.

The stages' own rules, departures and effects are applied (casework/stages.py,
through the engine's functions), to a sketch of the case rather than to a
row, so that thousands of cases a second can be written in bulk (see seed):
a seeded case's stage is what its records lead to, its dates, outcome and
clocks are what they set, and a deadline missed has its departure and
reason, as if an officer had recorded each stage through its page."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from werkzeug.datastructures import MultiDict

from portal import deadlines, places
from portal.casework import engine
from portal.casework.outcomes import DISCLOSURE_OUTCOMES, TRIAGE_CLOSES
from portal.casework.stages import DEADLINES, STAGES
from portal.force import current_force

from .events import pick

# Outcomes reached by a decision (the rest close earlier).
DECIDED = frozenset(
    {
        "disclosed_to_person_at_risk",
        "disclosed_to_third_party",
        "no_information",
        "threshold_not_met",
    }
)
# Outcomes that triage itself closes with (its decision not to proceed); the
# others are closed after contact.
AT_TRIAGE = {
    TRIAGE_CLOSES[decision]: decision for decision in ("not_in_scope", "misuse", "transferred")
}
LATE_MIX = [
    ("waiting_for_others", 40),
    ("no_safe_contact", 25),
    ("complex", 15),
    ("capacity", 15),
    ("other", 5),
]
REASONS = {
    "waiting_for_others": "Waiting for a reply from probation.",
    "no_safe_contact": "No safe time to reach the applicant until the following week.",
    "complex": "The panel could not meet sooner.",
    "capacity": "Too few officers on duty that week.",
    "other": "Recorded after the deadline.",
}
# The columns the stages set: every bulk row carries them all (None until set).
SET_BY_STAGES = (
    "stage",
    "triaged_at",
    "first_contact_at",
    "decision_signed_off_at",
    "decision_signed_off_by_id",
    "disclosed_at",
    "closed_at",
    "outcome",
    "duplicate_of_id",
    "deviations",
    "current_risk",
    "quality_identifies",
    "quality_right_scheme",
    "quality_crime_report",
    "last_contact_on",
    "update_due_at",
    "review_due_at",
    "risk_raised_at",
    "plan_recorded_at",
    "enquiry_reply_due_at",
    "support_referral",
)


@dataclass(frozen=True)
class Sketched:
    """A record as it will be written (CaseRecord's columns, data unsealed)."""

    uid: str
    kind: str
    data: dict
    recorded_by_id: int
    recorded_at: datetime


class Sketch:
    """A case being written in bulk: its row's columns as attributes (what the
    stages read and set) and its records so far."""

    def __init__(self, row: dict):
        self.__dict__.update({name: None for name in SET_BY_STAGES})
        self.__dict__.update(stage="received", deviations=[], **row)
        self.records: list[Sketched] = []
        self.answers: dict = {}  # none kept: the history is there to be counted

    def row(self) -> dict:
        return {k: v for k, v in vars(self).items() if k not in ("records", "answers")}


def form_answers(form_class, posted: dict, *, context=None, leave_out=()) -> dict:
    """What a page stores when `posted` is sent to it (as a browser posts it:
    a list for each checkbox group, a date in its parts). Answers the form
    refuses are a fault in the demo data."""
    pairs = [
        (name, item)
        for name, value in posted.items()
        for item in (value if isinstance(value, list) else [value])
    ]
    form = form_class(formdata=MultiDict(pairs), context=context, meta={"csrf": False})
    for name in leave_out:
        del form[name]
    if not form.validate():
        raise ValueError(f"{form_class.__name__} refuses the demo answers: {form.errors}")
    return form.answers()


def stage_answers(case, kind: str, posted: dict, now: datetime) -> dict:
    """A stage's answers as its page stores them for this case at this time:
    its form, without the questions the page leaves out for it (engine.unasked)."""
    stage = STAGES[kind]
    return form_answers(stage.form, posted, leave_out=engine.unasked(case, stage, now))


def record(rng, case, kind: str, data: dict, staff, at: datetime) -> Sketched:
    """engine.record on a sketch: the departures with their reasons, the
    stage's effect and the case's move. No audit row and no alert: the history
    is written, not worked (the cases to work are, see cases.py). The paths
    keep every rule the engine checks first (engine.refusal, engine.problems):
    tests/test_demo_seed.py holds each seeded record to them, which would
    double the time this takes if done here for every record."""
    stage = STAGES[kind]
    departed = [d for d in stage.departures if d.applies(case, stage, data, at)]
    for departure in departed:  # what the page asks for when the rule applies
        category = pick(rng, LATE_MIX)
        data[departure.reason_field] = REASONS[category]
        if departure.category_field:
            data[departure.category_field] = category
    row = Sketched(secrets.token_hex(16), kind, data, staff.id, at)
    case.records.append(row)
    if departed:
        case.deviations = [
            *case.deviations,
            *(
                {"rule": d.rule, "stage": kind, "by": staff.id, "at": at.isoformat()}
                | {"record": row.uid}
                | ({"category": data.get(d.category_field)} if d.category_field else {})
                for d in departed
            ),
        ]
    if stage.effect:
        stage.effect(case, data, at, staff)
    engine.move(case, at)
    return row


class Templates:
    """Each stage's answers as its page stores them, made once a seed from the
    form itself; a case's own dates and choices are then put in."""

    def __init__(self, now: datetime):
        blank = Sketch({d.due: None for d in DEADLINES.values()})  # nothing is late
        day = deadlines.local_date(now) - timedelta(days=1)
        when = {"-day": str(day.day), "-month": str(day.month), "-year": str(day.year)}

        def answers(kind, posted, dates=()):
            dated = {f"{name}{part}": v for name in dates for part, v in when.items()}
            return stage_answers(blank, kind, posted | dated, now)

        others = [name for name in places.forces() if name != current_force().name]
        triage = {
            "immediate_risk": "no",
            "risk": "standard",
            "in_scope": "yes",
            "identifies_subject": "yes",
            "right_scheme": "yes",
            "crime_report": "no",
            "decision": "proceed",
        }
        self.triage = {
            "proceed": answers("triage", triage),
            "not_in_scope": answers(
                "triage",
                triage
                | {"in_scope": "no", "decision": "not_in_scope", "reason": "Not about a partner."},
            ),
            "misuse": answers(
                "triage",
                triage
                | {"decision": "misuse", "reason": "Checks suggest the subject is the applicant."},
            ),
            "transferred": answers(
                "triage",
                triage
                | {
                    "decision": "transferred",
                    "force": others[0] if others else "Another force",
                    "reason": "The person at risk has moved out of the area.",
                },
            ),
        }
        contact = {
            "purpose": "contact",
            "contacted_time": "10:15",
            "channel": "phone",
            "result": "reached",
            "police_named": "no",
        }
        self.contact = answers("contact", contact, ("contacted_on",))
        decision = {
            "forum": "dvds_panel",
            "agencies": "Police, probation, children's social care",
            "rationale": "Lawful, necessary and proportionate on what is held.",
        }
        disclose = {
            "disclose": "yes",
            "what": "Previous convictions for violence against partners.",
            "to_whom": "The person at risk",
            "delivered_by": "Demo Officer",
            "subject_told": "no",
        }
        self.decision = {
            "yes": answers("decision", decision | disclose, ("forum_on",)),
            "no": answers("decision", decision | {"disclose": "no"}, ("forum_on",)),
        }
        self.sign_off = answers("sign_off", {"verdict": "approve"})
        disclosure = {
            "to_whom": "The person at risk",
            "by_whom": "Demo Officer",
            "in_person": "yes",
            "undertaking": "signed",
            "safety_plan": "yes",
            "safety_plan_details": "Referred to the local IDVA service.",
            "referred_to_support": "yes",
        }
        self.disclosure = answers("disclosure", disclosure, ("disclosed_on",))
        self.closure = answers("closure", {"outcome": "withdrawn"})


def local(at: datetime) -> tuple[str, str]:
    """A moment's date and time of day where the force is, as the forms store them."""
    there = at.astimezone(deadlines.LONDON)
    return there.date().isoformat(), there.strftime("%H:%M")


def work(rng, case: Sketch, now: datetime, staff: tuple, templates: Templates) -> None:
    """Record the case's history up to now: an application closed within 45
    days, by its outcome's path; a case whose next stage is still to come is
    left where its records have taken it."""
    officer, supervisor = staff
    outcome = pick(rng, OUTCOME_MIX)
    submitted = case.submitted_at
    triaged = submitted + timedelta(hours=rng.gammavariate(2, 8))
    closing = submitted + timedelta(days=min(rng.gammavariate(4, 6), 45))
    quality = {
        "risk": pick(rng, [("standard", 60), ("medium", 30), ("high", 10)]),
        "identifies_subject": pick(rng, [("yes", 70), ("partly", 22), ("no", 8)]),
        "right_scheme": pick(rng, [("yes", 92), ("no", 8)]),
        "crime_report": pick(rng, [("no", 90), ("yes", 10)]),
    }
    steps = [("triage", templates.triage[AT_TRIAGE.get(outcome, "proceed")] | quality, triaged)]
    if outcome not in AT_TRIAGE:
        contacted = max(
            submitted + timedelta(days=rng.gammavariate(2, 3)), triaged + timedelta(hours=1)
        )
        closing = max(closing, contacted + timedelta(hours=2))
        day, time = local(contacted)
        reached = "no_answer" if outcome == "no_contact" else "reached"
        contact = templates.contact | {"contacted_on": day, "contacted_time": time}
        steps.append(("contact", contact | {"result": reached}, contacted))
        if outcome in DECIDED:
            steps += decided(rng, outcome, contacted, closing, templates)
        steps.append(("closure", templates.closure | {"outcome": outcome}, closing))
    for kind, data, at in steps:
        if at > now:
            break
        if kind == "sign_off":
            data = data | {"decision": case.records[-1].uid}
        record(rng, case, kind, dict(data), supervisor if kind == "sign_off" else officer, at)


def decided(rng, outcome: str, contacted, closing, templates: Templates) -> list[tuple]:
    """A decision, its sign-off, and (to disclose) the disclosure, between the
    first contact and the closure."""
    decision_at = contacted + (closing - contacted) * rng.uniform(0.5, 0.75)
    signed_at = decision_at + (closing - decision_at) * rng.uniform(0.1, 0.3)
    disclose = "yes" if outcome in DISCLOSURE_OUTCOMES else "no"
    decision = templates.decision[disclose] | {"forum_on": local(decision_at)[0]}
    steps = [("decision", decision, decision_at), ("sign_off", templates.sign_off, signed_at)]
    if disclose == "yes":
        disclosed_at = signed_at + (closing - signed_at) * rng.uniform(0.2, 0.9)
        to_whom = "The person at risk" if outcome == OUTCOME_MIX[0][0] else "Their mother"
        disclosure = templates.disclosure | {
            "disclosed_on": local(disclosed_at)[0],
            "to_whom": to_whom,
        }
        steps.append(("disclosure", disclosure, disclosed_at))
    return steps


OUTCOME_MIX = [
    ("disclosed_to_person_at_risk", 30),
    ("disclosed_to_third_party", 8),
    ("no_information", 25),
    ("threshold_not_met", 10),
    ("outside_scheme", 6),
    ("withdrawn", 8),
    ("no_contact", 6),
    ("identity_not_verified", 2),
    ("duplicate", 3),
    ("transferred", 1),
    ("misuse", 1),
]
