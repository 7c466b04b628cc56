"""Synthetic history for demonstrations and benchmarks: applications across
schemes and channels with outcomes and timings over two years, and the
journey events behind them (starts, drop-offs, errors, satisfaction). No
real person is in it. Never in production."""

from __future__ import annotations

import random
import secrets
from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import insert

from portal import analytics, application_stats, clock, crypto, deadlines
from portal.casework.outcomes import OUTCOMES
from portal.extensions import db
from portal.force import current_force
from portal.journeys.engine import Page
from portal.journeys.registry import SCHEMES
from portal.models import Application, JourneyEvent
from portal.references import new_reference

CHUNK = 5000
CHANNELS = [("online", 70), ("phone", 20), ("front_counter", 7), ("officer", 3)]
SCHEME_MIX = [("right-to-ask", 55), ("right-to-know", 35), ("child-protection", 10)]
OUTCOME_MIX = [
    (OUTCOMES[0][0], 30),
    (OUTCOMES[1][0], 8),
    (OUTCOMES[2][0], 25),
    (OUTCOMES[3][0], 10),
    (OUTCOMES[4][0], 6),
    (OUTCOMES[5][0], 8),
    (OUTCOMES[6][0], 6),
    (OUTCOMES[7][0], 2),
    (OUTCOMES[8][0], 3),
    (OUTCOMES[9][0], 1),
    (OUTCOMES[10][0], 1),
]


def pick(rng: random.Random, weighted):
    return rng.choices([v for v, _w in weighted], weights=[w for _v, w in weighted])[0]


def application_row(rng, scheme, now, references, force):
    submitted = now - timedelta(days=rng.uniform(0, 730))
    reference = new_reference()
    while reference in references:
        reference = new_reference()
    references.add(reference)
    closed = None
    outcome = None
    if (now - submitted).days > 50 or rng.random() < 0.5:
        closed = submitted + timedelta(days=rng.gammavariate(4, 6))
        closed = min(closed, now)
        outcome = pick(rng, OUTCOME_MIX)
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
        "deviations": [],
        "stage": "closed" if closed else "triaged",
        "triaged_at": submitted + timedelta(hours=rng.uniform(1, 30)),
        "closed_at": closed,
        "outcome": outcome,
        "quality_identifies": pick(rng, [("yes", 70), ("partly", 22), ("no", 8)]),
        "quality_right_scheme": pick(rng, [("yes", 92), ("no", 8)]),
        "quality_crime_report": pick(rng, [("no", 90), ("yes", 10)]),
    }


def journey_events(rng, scheme, submitted_at, finished: bool):
    """A journey's events: started, pages saved (with some errors), and either
    sent or abandoned at a page."""
    pages = [p.slug for p in scheme.pages if isinstance(p, Page)]
    start = submitted_at - timedelta(minutes=rng.uniform(6, 40))
    reached = len(pages) if finished else rng.randint(1, len(pages) - 1)
    events = [("started", pages[0], "", "", 0, start)]
    for slug in pages[:reached:3]:
        events.append(("attempt", slug, "", "", 0, start))
        if rng.random() < 0.08:
            events.append(("error", slug, "answer", "Enter an answer", 0, start))
            events.append(("attempt", slug, "", "", 0, start))
    if finished:
        minutes = analytics.time_bucket(start, submitted_at)
        events.append(("submitted", "", "", "", minutes, submitted_at))
        if rng.random() < 0.3:
            events.append(
                (
                    "satisfaction",
                    "",
                    "",
                    "",
                    pick(rng, [(5, 40), (4, 35), (3, 12), (2, 8), (1, 5)]),
                    submitted_at,
                )
            )
    else:
        events.append((rng.choice(["exited", "expired"]), pages[reached], "", "", 0, start))
    return [
        {
            "at": at,
            "day": deadlines.local_date(at),
            "scheme": scheme.slug,
            "kind": kind,
            "page": page,
            "question": question,
            "message": message,
            "value": value,
        }
        for kind, page, question, message, value, at in events
    ]


def seed(applications: int, *, seed_value: int = 1) -> tuple[int, int]:
    rng = random.Random(seed_value)  # noqa: S311  (synthetic data, repeatable on purpose)
    now = clock.utcnow()
    references: set[str] = set()
    force = current_force()
    apps, events, total_events = [], [], 0
    for _n in range(applications):
        scheme = SCHEMES[pick(rng, SCHEME_MIX)]
        row = application_row(rng, scheme, now, references, force)
        apps.append(row)
        online = row["channel"] == "online"
        if online:
            events += journey_events(rng, scheme, row["submitted_at"], finished=True)
            if rng.random() < 0.6:  # an unfinished journey for every few sent
                events += journey_events(rng, scheme, row["submitted_at"], finished=False)
        if len(apps) >= CHUNK:
            flush(apps, events)
            total_events += len(events)
            apps, events = [], []
    total_events += len(events)
    flush(apps, events)
    analytics.rebuild()
    application_stats.rebuild()
    db.session.commit()
    return applications, total_events


def flush(apps: list[dict], events: list[dict]) -> None:
    if apps:
        db.session.execute(insert(Application), apps)
    if events:
        db.session.execute(insert(JourneyEvent), events)
    db.session.commit()


demo_cli = AppGroup("demo", help="Synthetic data for demonstrations and benchmarks.")


@demo_cli.command("seed")
@click.option("--applications", default=2000, show_default=True, type=click.IntRange(1))
def seed_command(applications: int) -> None:
    """Write a synthetic two-year history (never in production)."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("Production never seeds demo data.")
    made, events = seed(applications)
    db.session.commit()
    click.echo(f"Seeded {made:,} applications and {events:,} journey events.")


def register(app: Flask) -> None:
    app.cli.add_command(demo_cli)
