"""What a case's records say, derived from them and never stored twice: its
current decision, whether that decision is approved or returned and by whom,
and which research checks still await a reply."""

from __future__ import annotations

from portal.models import Application, CaseRecord


def records(case: Application, kind: str | None = None) -> list[CaseRecord]:
    return [r for r in case.records if kind is None or r.kind == kind]


def latest(case: Application, kind: str) -> CaseRecord | None:
    found = records(case, kind)
    return found[-1] if found else None


def current_decision(case: Application) -> CaseRecord | None:
    """The decision in force: the latest one recorded."""
    return latest(case, "decision")


def sign_off_of(case: Application, decision: CaseRecord) -> CaseRecord | None:
    """The latest sign-off of this decision. A sign-off names the decision it
    was shown (a sign-off from before that was kept names none: it signed off
    the decision in force when it was made)."""
    found, in_force = None, None
    for row in case.records:
        if row.kind == "decision":
            in_force = row
        elif row.kind == "sign_off" and in_force is not None:
            named = (row.data or {}).get("decision", in_force.uid)
            found = row if named == decision.uid else found
    return found


def verdict(sign_off: CaseRecord | None) -> str | None:
    if sign_off is None:
        return None
    return (sign_off.data or {}).get("verdict", "approve")


def approval(case: Application) -> CaseRecord | None:
    """The sign-off approving the decision in force, by someone other than the
    person who recorded it: what a disclosure needs."""
    decision = current_decision(case)
    if decision is None:
        return None
    sign_off = sign_off_of(case, decision)
    if verdict(sign_off) == "approve" and sign_off.recorded_by_id != decision.recorded_by_id:
        return sign_off
    return None


def return_of(case: Application) -> CaseRecord | None:
    """The sign-off that returned the decision in force to the officer."""
    decision = current_decision(case)
    sign_off = sign_off_of(case, decision) if decision else None
    return sign_off if verdict(sign_off) == "return" else None


def checks(case: Application) -> list[CaseRecord]:
    """The latest record of each research check, in the order first made."""
    latest_by_system: dict[str, CaseRecord] = {}
    for row in records(case, "check"):
        latest_by_system[(row.data or {}).get("system", row.uid)] = row
    return list(latest_by_system.values())


def awaiting_checks(case: Application) -> list[CaseRecord]:
    return [row for row in checks(case) if (row.data or {}).get("result") == "awaiting"]


def risk_history(case: Application) -> list[tuple[CaseRecord, str]]:
    """Each level the risk was set to, in order, with the record that set it
    (triage, then each review)."""
    return [
        (row, row.data["risk"])
        for row in case.records
        if row.kind in ("triage", "review") and (row.data or {}).get("risk")
    ]


def marac_referral_needed(case: Application) -> bool:
    """High risk with no MARAC referral recorded since the risk became high."""
    if case.current_risk != "high":
        return False
    became_high = None
    previous = None
    for row, risk in risk_history(case):
        if risk == "high" and previous != "high":
            became_high = row.recorded_at
        previous = risk
    return not any(
        row.kind == "marac" and (became_high is None or row.recorded_at >= became_high)
        for row in case.records
    )
