"""Random casework, checked after every step: hypothesis drives sequences of
stage actions by random staff (two officers and two supervisors, so the same
person often acts twice) over two cases, at random moments, with answers
that are sometimes safe and sometimes not, and after each step checks that:

- no disclosure is recorded unless the decision in force has an approval by
  someone other than the person who recorded it (worked out here from the
  records, not with the engine's own helpers);
- a case's status never moves back, except through a reopen;
- every accepted action has its audit row, and a refused one changes
  nothing: not the case, its records, its departures, nor the audit log."""

from __future__ import annotations

import secrets
from collections import Counter
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from portal import applications, clock
from portal.casework import engine, queries
from portal.casework.stages import RANK
from portal.extensions import db
from portal.journeys.registry import SCHEMES
from portal.models import Application, AuditEvent, CaseRecord, Role, Staff

from .casework_support import submit
from .staff_support import make_staff

MONDAY_MORNING = {"contacted_on": "2026-11-02", "contacted_time": "10:15"}
DECISION = {
    "forum_on": "2026-11-20",
    "forum": "dvds_panel",
    "agencies": "Police, probation",
    "what": "Previous convictions",
    "to_whom": "Applicant",
    "delivered_by": "DC Smith",
    "subject_told": "no",
    "rationale": "Lawful, necessary",
}
TRIAGE = {
    "immediate_risk": "no",
    "in_scope": "yes",
    "identifies_subject": "yes",
    "right_scheme": "yes",
    "crime_report": "no",
}

# What each stage is given: answers a form would accept, some of them
# outside the rules that only the case can judge (unsafe contact, a
# decision before checks reply, a sign-off of a decision not in force).
ANSWERS = {
    "triage": [
        TRIAGE | {"decision": "proceed"},
        TRIAGE
        | {"decision": "proceed", "late_category": "capacity", "late_reason": "Weekend cover"},
        TRIAGE
        | {
            "decision": "withdrawn",
            "reason": "Asked to stop",
            "late_category": "capacity",
            "late_reason": "Cover",
        },
        TRIAGE | {"decision": "duplicate", "duplicate_reference": "ZZ2ZZ2ZZ", "reason": "Same"},
    ],
    "contact": [
        MONDAY_MORNING | {"channel": "phone", "result": "reached", "police_named": "no"},
        MONDAY_MORNING
        | {
            "channel": "letter",
            "result": "reached",
            "police_named": "no",
            "late_category": "capacity",
            "late_reason": "Ill",
        },
        MONDAY_MORNING
        | {
            "channel": "phone",
            "result": "message_left",
            "police_named": "yes",
            "override_reason": "Immediate risk",
            "late_category": "capacity",
            "late_reason": "Could not reach them",
        },
        {"contacted_on": "2026-11-07", "contacted_time": "22:00"}
        | {"channel": "phone", "result": "no_answer", "police_named": "no"},
    ],
    "identity": [
        {
            "document_1": "Passport",
            "document_2": "Utility bill",
            "photographic": "yes",
            "verified_by": "DC Smith",
            "met_on": "2026-11-10",
        }
    ],
    "check": [
        {"system": "pnc", "result": "awaiting"},
        {"system": "pnc", "result": "relevant", "findings": "Two assaults"},
        {"system": "probation", "result": "nothing"},
    ],
    "decision": [
        DECISION | {"disclose": "yes"},
        DECISION | {"disclose": "no"},
        DECISION | {"disclose": "yes", "checks_override_reason": "Risk is high"},
    ],
    "sign_off": [
        {"verdict": "approve"},
        {"verdict": "approve", "comment": "Agreed"},
        {"verdict": "return", "return_reason": "Say when"},
        {"verdict": "approve", "decision": "stale"},
    ],
    "disclosure": [
        {
            "disclosed_on": "2026-11-25",
            "to_whom": "Applicant",
            "by_whom": "DC Smith",
            "in_person": "yes",
            "undertaking": "signed",
            "safety_plan": "no",
            "referred_to_support": "yes",
        }
    ],
    "closure": [
        {
            "outcome": "disclosed_to_person_at_risk",
            "late_category": "capacity",
            "late_reason": "Panel was late",
        },
        {
            "outcome": "no_information",
            "late_category": "capacity",
            "late_reason": "Checks were slow",
        },
        {"outcome": "withdrawn"},
    ],
    "note": [{"note": "Called the IDVA"}],
    "reopen": [{"reason": "New information"}],
}
# The stages a disclosure needs come up more often, so that runs reach it.
KINDS = [*ANSWERS, "triage", "decision", "decision", "sign_off", "sign_off", "disclosure"]
# What a case's status calls for next, on the way to a disclosure.
FORWARD = {
    "received": "triage",
    "decision_made": "sign_off",
    "signed_off": "disclosure",
    "disclosed": "closure",
    "closed": "reopen",
}
EXPLORED: Counter = Counter()


def answers_for(case: Application, kind: str, variant: int) -> dict:
    options = ANSWERS[kind]
    data = dict(options[variant % len(options)])
    if kind == "sign_off":  # the page sends back the decision it showed
        decision = next((r for r in reversed(case.records) if r.kind == "decision"), None)
        shown = decision.uid if decision else ""
        data["decision"] = secrets.token_hex(16) if data.get("decision") == "stale" else shown
    return data


def disclosure_was_approved(records: list[CaseRecord]) -> bool:
    """The oracle: at the disclosure, the latest decision had a sign-off that
    named it, approved it, was the last word on it, and was by someone else."""
    disclosed = next(i for i, r in enumerate(records) if r.kind == "disclosure")
    before = records[:disclosed]
    decisions = [r for r in before if r.kind == "decision"]
    if not decisions:
        return False
    decision = decisions[-1]
    verdicts = [
        r for r in before if r.kind == "sign_off" and r.data.get("decision") == decision.uid
    ]
    if not verdicts or verdicts[-1].data.get("verdict") != "approve":
        return False
    return verdicts[-1].recorded_by_id != decision.recorded_by_id


def observed(case_id: int) -> dict:
    case = db.session.get(Application, case_id, populate_existing=True)
    return {
        "case": engine.snapshot(case),
        "deviations": list(case.deviations or []),
        "records": [r.uid for r in case.records],
        "audit": db.session.scalar(select(func.count()).select_from(AuditEvent)),
    }


class Casework(RuleBasedStateMachine):
    app = None
    template: dict = {}
    staff_ids: list[int] = []

    def __init__(self):
        super().__init__()
        self.context = self.app.app_context()
        self.context.push()
        self.now = clock.utcnow()
        self.cases: list[int] = []

    @initialize()
    def two_cases(self):
        scheme = SCHEMES["right-to-ask"]
        for _ in range(2):
            _token, draft = applications.new_draft(
                scheme=scheme.slug, now=self.now, idle=timedelta(hours=1)
            )
            draft.answers = dict(self.template)
            self.cases.append(applications.submit(draft, scheme, now=self.now).id)
        db.session.commit()

    @rule(
        which=st.integers(0, 1),
        who=st.integers(0, 3),
        kind=st.sampled_from(KINDS),
        variant=st.integers(0, 3),
        hours=st.integers(0, 8),
    )
    def act(self, which, who, kind, variant, hours):
        self.attempt(which, who, kind, variant, hours)

    @rule(which=st.integers(0, 1), who=st.integers(0, 3), variant=st.integers(0, 3))
    def advance(self, which, who, variant):
        """The next stage a disclosure needs on this case, by anyone, so that
        runs reach the later stages as well as trying everything at random."""
        case = db.session.get(Application, self.cases[which])
        self.attempt(which, who, FORWARD.get(case.stage, "decision"), variant, 1)

    def attempt(self, which, who, kind, variant, hours):
        self.now += timedelta(hours=hours)
        case_id = self.cases[which]
        before = observed(case_id)
        staff = db.session.get(Staff, self.staff_ids[who])
        case = queries.get_case(case_id, for_change=True)
        result = engine.act(case, kind, answers_for(case, kind, variant), staff, self.now)
        if result.record is None:
            db.session.rollback()
            assert observed(case_id) == before, f"refused {kind} changed something"
            EXPLORED[f"{kind} refused"] += 1
            return
        db.session.commit()
        EXPLORED[f"{kind} accepted"] += 1
        after = observed(case_id)
        action = db.session.scalar(
            select(AuditEvent.action).order_by(AuditEvent.id.desc()).limit(1)
        )
        assert action == f"case_{kind}" and after["audit"] == before["audit"] + 1
        old, new = before["case"]["stage"], after["case"]["stage"]
        assert kind == "reopen" or RANK[new] >= RANK[old], f"{kind}: {old} -> {new}"

    @invariant()
    def no_disclosure_without_four_eyes(self):
        for case_id in self.cases:
            case = db.session.get(Application, case_id)
            records = list(case.records)
            if case.disclosed_at is not None:
                assert disclosure_was_approved(records)
                assert not any(
                    r.kind == "decision"
                    for r in records[[r.kind for r in records].index("disclosure") :]
                ), "a decision after the disclosure"

    def teardown(self):
        db.session.rollback()
        self.context.pop()


@pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")
def test_random_casework_keeps_the_safety_rules(app, capsys):
    case_id = submit(app)
    with app.app_context():
        Casework.template = dict(db.session.get(Application, case_id).answers)
    Casework.app = app
    Casework.staff_ids = [
        make_staff(app, role, email=f"{role.value}{n}@example.police.uk").id
        for role in (Role.OFFICER, Role.SUPERVISOR)
        for n in (1, 2)
    ]
    EXPLORED.clear()
    run_state_machine_as_test(
        Casework,
        settings=settings(
            max_examples=30,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
            database=None,
        ),
    )
    assert EXPLORED["disclosure accepted"] > 0, EXPLORED  # the runs reached the act that matters
    with capsys.disabled():
        print("\ncasework explored:", dict(sorted(EXPLORED.items())))
