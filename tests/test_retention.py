"""Retention: closed cases' personal data erased after 6 years with the counts
kept and an audit row naming the case; old raw events deleted with their
rollups kept; safe to run again."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, text

from portal.extensions import db
from portal.models import Application, ApplicationStat, AuditEvent, CaseRecord, JourneyStat, Role
from portal.stats import events as analytics

from .casework_support import TRIAGE, record, submit
from .staff_support import StaffBrowser, make_staff


def counts(app, model) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(select(model)).scalars().all()
        if model is ApplicationStat:
            return sorted((r.month, r.dimension, r.value, r.count) for r in rows)
        return sorted((r.month, r.kind, r.page, r.count) for r in rows)


def test_old_closed_cases_are_erased_and_counted_still(app, clock):
    old = submit(app)
    officer = StaffBrowser(app, make_staff(app, Role.OFFICER))
    officer.sign_in(clock.now)
    record(officer, old, "triage", TRIAGE | {"risk_action": "x", "immediate_risk": "yes"})
    record(officer, old, "closure", {"outcome": "no_information"})
    recent = submit(app)
    stats_before = counts(app, ApplicationStat)
    clock.advance(days=365 * 6 + 1)
    result = app.test_cli_runner().invoke(args=["retention", "run"])
    assert "erased 1 closed cases" in result.output, result.output
    with app.app_context():
        case = db.session.get(Application, old)
        assert case.erased_at is not None and case.answers == {}
        assert case.subject_key is None and case.outcome == "no_information"
        assert all(r.data == {} for r in db.session.scalars(select(CaseRecord)))
        assert db.session.get(Application, recent).answers["your-name"]  # still open: kept
        erased = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "case_erased")
        ).all()
        assert [(e.application_id, e.detail) for e in erased[-1:]] == [(old, {"rule": "retention"})]
        raw = db.session.execute(
            text("SELECT answers FROM application WHERE id = :id"), {"id": old}
        ).scalar_one()
        assert "Alex" not in raw
    assert counts(app, ApplicationStat) == stats_before  # the statistics do not change
    again = app.test_cli_runner().invoke(args=["retention", "run"])
    assert "erased 0 closed cases" in again.output


def test_old_raw_events_go_and_their_rollups_stay(app, clock):
    with app.app_context():
        analytics.record(
            "started", "right-to-ask", page="immediate-danger", at=clock.now - timedelta(days=500)
        )
        analytics.record("started", "right-to-ask", page="immediate-danger", at=clock.now)
        db.session.commit()
    rollups = counts(app, JourneyStat)
    result = app.test_cli_runner().invoke(args=["retention", "run"])
    assert "deleted 1 raw journey events" in result.output
    assert counts(app, JourneyStat) == rollups


def test_a_case_is_erased_once_when_two_runs_race(app, clock):
    from portal import retention

    case_id = submit(app)
    officer = StaffBrowser(app, make_staff(app, Role.OFFICER))
    officer.sign_in(clock.now)
    record(officer, case_id, "triage", TRIAGE | {"decision": "withdrawn", "reason": "Asked"})
    clock.advance(days=365 * 7)
    with app.app_context():
        assert retention.erase(case_id) is True
        assert retention.erase(case_id) is False


def test_erasing_a_case_erases_the_reasons_its_audit_trail_showed(app, clock):
    case_id = submit(app)
    officer = StaffBrowser(app, make_staff(app, Role.OFFICER))
    officer.sign_in(clock.now)
    reason = "Applicant Quorra asked us to stop"
    record(officer, case_id, "triage", TRIAGE | {"decision": "withdrawn", "reason": reason})
    supervisor = StaffBrowser(app, make_staff(app, Role.SUPERVISOR, email="s@example.police.uk"))
    supervisor.sign_in(clock.now)
    trail = f"/admin/cases/{case_id}/audit"
    assert "Quorra" in supervisor.client.get(trail).get_data(as_text=True)

    clock.advance(days=365 * 7)
    app.test_cli_runner().invoke(args=["retention", "run"])
    supervisor.sign_in(clock.now)
    page = supervisor.client.get(trail).get_data(as_text=True)
    assert "case triage" in page and "case erased" in page  # the trail itself stays
    assert "Quorra" not in page
    with app.app_context():
        rows = db.session.execute(text("SELECT detail FROM audit_event")).scalars().all()
        assert not any("Quorra" in str(row) for row in rows)
