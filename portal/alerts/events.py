"""The one place casework raises staff alerts: `application_received` when
an application arrives (portal/applications.py) and `stage_recorded` when a
stage is recorded (casework/engine.record), each in the caller's
transaction. ON_STAGE says which stages alert whom; the daily digest is
queued by `flask --app wsgi alerts send` (digest.py).

Who gets what:
- a new application whose risk is high (the referrer's level, Right to Know)
  or marked urgent: every active officer and supervisor, since it is not yet
  anyone's case and whoever is on duty should pick it up;
- a decision recorded: every active supervisor except the one who recorded
  it (no one signs off their own decision);
- a decision returned at sign-off: whoever recorded that decision.
"""

from __future__ import annotations

from portal.casework import facts
from portal.models import Application, CaseRecord, Staff

from . import outbox


def case_payload(case: Application) -> dict:
    return {"reference": case.reference, "case_id": case.id}


def is_urgent(case: Application) -> bool:
    return case.current_risk == "high" or case.urgency == "urgent"


def application_received(case: Application) -> None:
    if not is_urgent(case):
        return
    for staff in outbox.recipients("urgent_application"):
        payload = case_payload(case)
        outbox.queue(staff, "urgent_application", f"case{case.id}", payload, case.submitted_at)


def decision_recorded(case: Application, row: CaseRecord, staff: Staff) -> None:
    for supervisor in outbox.recipients("sign_off_requested", exclude=(staff.id,)):
        outbox.queue(supervisor, "sign_off_requested", row.uid, case_payload(case), row.recorded_at)


def signed_off(case: Application, row: CaseRecord, staff: Staff) -> None:
    if facts.verdict(row) != "return":
        return
    decision = facts.current_decision(case)
    officer = decision.recorded_by if decision else None
    if officer is None or officer.id == staff.id or not outbox.wanted(officer, "decision_returned"):
        return
    outbox.queue(officer, "decision_returned", row.uid, case_payload(case), row.recorded_at)


ON_STAGE = {"decision": decision_recorded, "sign_off": signed_off}


def stage_recorded(case: Application, row: CaseRecord, staff: Staff) -> None:
    raise_alerts = ON_STAGE.get(row.kind)
    if raise_alerts:
        raise_alerts(case, row, staff)
