"""Synthetic data for demonstrations and benchmarks. No real person is in it.
Never in production.

- A two-year history (history.py, events.py): applications across schemes
  and channels, each case's casework up to now as records that lead to its
  stage, dates and outcome, and the journey events behind the applications
  (starts, drop-offs, errors, satisfaction). Its answers are empty: it is
  there to be counted.
- Cases to work (cases.py): invented people whose answers are those the
  public forms store, each case taken by the casework engine, as the demo
  officer and the demo supervisor, to a different point of its journey, so
  that a demonstration can take the next step on each."""

from __future__ import annotations

import random
import secrets
from datetime import timedelta
from typing import NamedTuple

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import insert, select

from portal import clock, crypto, deadlines
from portal.extensions import db
from portal.force import current_force
from portal.journeys.registry import SCHEMES
from portal.models import Application, CaseRecord, JourneyEvent
from portal.references import new_reference
from portal.stats import applications as application_stats
from portal.stats import events as analytics

from . import cases as workable
from . import history
from . import staff as demo_staff
from .events import Pages, journey_events, pick, register_versions, version_at

CHUNK = 5000
CHANNELS = [("online", 70), ("phone", 20), ("front_counter", 7), ("officer", 3)]
SCHEME_MIX = [("right-to-ask", 55), ("right-to-know", 35), ("child-protection", 10)]


class Seeded(NamedTuple):
    applications: int  # of the history
    cases: int  # to work
    events: int  # journey events


def application_row(rng, scheme, now, references, force) -> dict:
    """An application of the history as it was received: no answers kept."""
    submitted = now - timedelta(days=rng.uniform(0, 730))
    reference = new_reference()
    while reference in references:
        reference = new_reference()
    references.add(reference)
    key = secrets.token_hex(32)
    return {
        "reference": reference,
        "submission_key": key,
        "scheme": scheme.code,
        "route": scheme.route,
        "channel": pick(rng, CHANNELS),
        "applicant_type": rng.choice(["self", "third_party"])
        if scheme.route == "right_to_ask"
        else "professional",
        "submitted_at": submitted,
        "submitted_on": deadlines.local_date(submitted),
        **deadlines.for_application(submitted, force=force, deadline_days=scheme.deadline_days),
        "concern_types": [],
        "contact_channels": [],
        "communication_needs": [],
        "answers_sealed": crypto.seal_json({}, f"application.answers.{key}"),
    }


def seed(
    applications: int, *, seed_value: int = 1, journeys: float = 1.0, cases: int = 0
) -> Seeded:
    """`journeys`: the share of online applications whose journeys are written
    (each is some 60 events; the benchmarks write fewer to keep seeding short).
    `cases`: how many cases to work to add (cases.py; the benchmarks need none)."""
    rng = random.Random(seed_value)  # noqa: S311  (synthetic data, repeatable on purpose)
    now = clock.utcnow()
    references: set[str] = set()
    force = current_force()
    known = register_versions(now)
    caseworkers = demo_staff.caseworkers()
    templates, pages = history.Templates(now), Pages()
    apps, records, events, total_events = [], {}, [], 0
    for _n in range(applications):
        scheme = SCHEMES[pick(rng, SCHEME_MIX)]
        case = history.Sketch(application_row(rng, scheme, now, references, force))
        history.work(rng, case, now, caseworkers, templates)
        apps.append(case.row())
        records[case.submission_key] = case.records
        if case.channel == "online" and rng.random() < journeys:
            version, worse = version_at(known[scheme.slug], case.submitted_at)
            events += journey_events(rng, scheme, case.submitted_at, True, version, worse, pages)
            if rng.random() < 0.6:  # an unfinished journey for every few sent
                events += journey_events(
                    rng, scheme, case.submitted_at, False, version, worse, pages
                )
        if len(apps) >= CHUNK:
            flush(apps, records, events)
            total_events += len(events)
            apps, records, events = [], {}, []
    total_events += len(events)
    flush(apps, records, events)
    worked = workable.seed_cases(cases, now=now, caseworkers=caseworkers)
    analytics.rebuild()
    application_stats.rebuild()
    db.session.commit()
    return Seeded(applications, worked, total_events)


def flush(apps: list[dict], records: dict[str, list], events: list[dict]) -> None:
    """Write a chunk in bulk, by table (Core inserts: one statement a table,
    with none of the ORM's work per row): the applications, their case records
    (sealed as CaseRecord.data seals them, bound to each record's uid) and the
    journey events."""
    if apps:
        db.session.execute(insert(Application.__table__), [columns_of(row) for row in apps])
        keys = [key for key, made in records.items() if made]
        ids = dict(
            db.session.execute(
                select(Application.submission_key, Application.id).where(
                    Application.submission_key.in_(keys)
                )
            ).all()
        )
        rows = [
            {
                "uid": row.uid,
                "application_id": ids[key],
                "kind": row.kind,
                "data": crypto.seal_json(row.data, f"case_record.data.{row.uid}"),
                "recorded_by_id": row.recorded_by_id,
                "recorded_at": row.recorded_at,
            }
            for key in keys
            for row in records[key]
        ]
        if rows:
            db.session.execute(insert(CaseRecord.__table__), rows)
    if events:
        db.session.execute(insert(JourneyEvent.__table__), events)
    db.session.commit()


def columns_of(row: dict) -> dict:
    """An application's row by column name (its sealed answers' column is "answers")."""
    row = dict(row)
    row["answers"] = row.pop("answers_sealed")
    return row


demo_cli = AppGroup("demo", help="Synthetic data for demonstrations and benchmarks.")


@demo_cli.command("seed")
@click.option("--applications", default=2000, show_default=True, type=click.IntRange(0))
@click.option(
    "--cases",
    default=workable.DEFAULT,
    show_default=True,
    type=click.IntRange(0),
    help="Cases to work, taken to each point of the journey.",
)
def seed_command(applications: int, cases: int) -> None:
    """Write a synthetic two-year history and cases to work (never in production)."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("Production never seeds demo data.")
    made = seed(applications, cases=cases)
    officer, supervisor = demo_staff.caseworkers()
    click.echo(
        f"Seeded {made.applications:,} applications, {made.cases:,} cases to work "
        f"(sign in as {officer.email} or {supervisor.email}) "
        f"and {made.events:,} journey events."
    )
    if not (officer.totp_enabled and supervisor.totp_enabled):
        click.echo("Set up those accounts first: flask --app wsgi staff demo")


def register(app: Flask) -> None:
    app.cli.add_command(demo_cli)
