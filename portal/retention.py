"""Retention: nothing is kept longer than the force's rules allow.

- Drafts go when their time limit passes (see drafts.py).
- A closed case's personal data is erased once it has been closed for
  RETENTION_CASE_YEARS (default 6, the police records-management review
  point): the answers and what each stage recorded, which holds every reason
  an officer wrote (the audit rows and missed deadlines only point at it).
  What it is counted under stays, so the statistics do not change.
  Each erasure writes an audit row that names the case, never its content.
- Raw journey events go after RETENTION_EVENT_MONTHS (default 13); their
  daily rollups, kept current as they arrived, stay.

`flask --app wsgi retention run` is safe to run repeatedly and concurrently:
each case is erased in its own transaction, after locking it and checking it
has not been erased already.
"""

from __future__ import annotations

from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import delete, select

from portal import audit, clock, deadlines
from portal.database import lift_statement_timeout
from portal.extensions import db
from portal.models import Application, CaseRecord, JourneyEvent, SearchKey


def case_cutoff():
    return clock.utcnow() - timedelta(days=365 * current_app.config["RETENTION_CASE_YEARS"])


def event_cutoff():
    months = current_app.config["RETENTION_EVENT_MONTHS"]
    return deadlines.local_date(clock.utcnow()) - timedelta(days=round(months * 30.44))


def due_for_erasure(limit: int = 200) -> list[int]:
    query = (
        select(Application.id)
        .where(Application.closed_at < case_cutoff(), Application.erased_at.is_(None))
        .order_by(Application.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def erase(case_id: int) -> bool:
    """Erase one case's personal data; False if another run got there first."""
    case = db.session.scalars(
        select(Application).where(Application.id == case_id).with_for_update()
    ).one_or_none()
    if case is None or case.erased_at is not None:
        db.session.rollback()
        return False
    case.answers = {}
    case.subject_key = case.applicant_key = case.at_risk_key = None
    db.session.execute(delete(SearchKey).where(SearchKey.application_id == case.id))
    for row in db.session.scalars(select(CaseRecord).where(CaseRecord.application_id == case.id)):
        row.data = {}
    case.erased_at = clock.utcnow()
    audit.record("case_erased", application_id=case.id, rule="retention")
    db.session.commit()
    return True


def delete_old_events() -> int:
    lift_statement_timeout(db.session)
    result = db.session.execute(
        delete(JourneyEvent).where(JourneyEvent.day < event_cutoff()),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    return result.rowcount or 0


def run() -> dict[str, int]:
    from portal.drafts import purge_expired

    drafts = purge_expired()
    db.session.commit()
    erased = 0
    while batch := due_for_erasure():
        erased += sum(erase(case_id) for case_id in batch)
    return {"drafts": drafts, "cases": erased, "events": delete_old_events()}


retention_cli = AppGroup("retention", help="Delete or erase what the retention rules say.")


@retention_cli.command("run")
def run_command() -> None:
    """Apply the retention rules now (schedule it daily)."""
    done = run()
    click.echo(
        f"Deleted {done['drafts']} expired drafts, erased {done['cases']} closed cases, "
        f"deleted {done['events']} raw journey events."
    )


def register(app: Flask) -> None:
    app.cli.add_command(retention_cli)
