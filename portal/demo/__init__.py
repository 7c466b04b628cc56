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

from portal import clock, crypto, deadlines
from portal.casework.outcomes import DISCLOSURE_OUTCOMES, OUTCOMES
from portal.casework.stages import DEADLINES, LATE, STAGES
from portal.extensions import db
from portal.force import current_force
from portal.journeys.engine import CHECK
from portal.journeys.registry import SCHEMES
from portal.models import Application, JourneyEvent
from portal.references import new_reference
from portal.stats import applications as application_stats
from portal.stats import events as analytics
from portal.stats import versions, words

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
    closed = outcome = decided = disclosed = None
    if (now - submitted).days > 50 or rng.random() < 0.5:
        closed = min(submitted + timedelta(days=rng.gammavariate(4, 6)), now)
        outcome = pick(rng, OUTCOME_MIX)
        if outcome in DECIDED:
            decided = submitted + (closed - submitted) * rng.uniform(0.6, 0.9)
        if outcome in DISCLOSURE_OUTCOMES:
            disclosed = decided + (closed - decided) * rng.uniform(0.2, 0.9)
    key = secrets.token_hex(32)
    row = {
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
        "triaged_at": submitted + timedelta(hours=rng.gammavariate(2, 8)),
        "first_contact_at": submitted + timedelta(days=rng.gammavariate(2, 3)),
        "decision_signed_off_at": decided,
        "disclosed_at": disclosed,
        "closed_at": closed,
        "outcome": outcome,
        "current_risk": pick(rng, [("standard", 60), ("medium", 30), ("high", 10)]),
        "quality_identifies": pick(rng, [("yes", 70), ("partly", 22), ("no", 8)]),
        "quality_right_scheme": pick(rng, [("yes", 92), ("no", 8)]),
        "quality_crime_report": pick(rng, [("no", 90), ("yes", 10)]),
    }
    row["deviations"] = [
        {
            "rule": LATE.rule,
            "stage": kind,
            "at": row[deadline.met].isoformat(),
            "category": pick(rng, LATE_MIX),
        }
        for kind, stage in STAGES.items()
        if (deadline := DEADLINES.get(stage.deadline or ""))
        and row[deadline.met] is not None
        and row[deadline.met] > row[deadline.due]
    ]
    return row


LATE_MIX = [
    ("waiting_for_others", 40),
    ("no_safe_contact", 25),
    ("complex", 15),
    ("capacity", 15),
    ("other", 5),
]


# Outcomes reached by a decision (the rest close earlier).
DECIDED = frozenset(
    {
        "disclosed_to_person_at_risk",
        "disclosed_to_third_party",
        "no_information",
        "threshold_not_met",
    }
)
# Right to Ask's earlier wording lost more people on this page: the demo's
# "change to a form" that the comparison of versions shows.
CHANGED_PAGE = "subject-name"
CHANGE_DAYS_AGO = 150


def journey_events(rng, scheme, submitted_at, finished: bool, version: str, worse: str = ""):
    """A journey's events, as the public forms record them: the first
    question opened, started, each page reached and answered (with some
    errors), then sent, or abandoned at a page."""
    pages = [page.slug for page in words.pages(scheme)]
    first_fields = {page.slug: first_field(page) for page in words.pages(scheme)}
    start = submitted_at - timedelta(minutes=rng.uniform(6, 40))
    stop = None
    if not finished:
        stop = next(
            (slug for slug in pages[1:] if rng.random() < (0.25 if slug == worse else 0.06)),
            pages[-1],
        )
    events = [("opened", pages[0], "", "", 0, start)]
    if not finished and rng.random() < 0.3:  # read the first question and left
        return rows_of(scheme, version, events)
    events.append(("started", pages[0], "", "", 0, start))
    for slug in pages:
        events.append(("reached", slug, "", "", 0, start))
        wrong = 0.3 if slug == worse else 0.05
        if rng.random() < wrong and first_fields[slug]:
            question, message = first_fields[slug]
            events.append(("met_error", slug, question, "", 0, start))
            for _try in range(rng.choice((1, 1, 2))):
                events.append(("error", slug, question, message, 0, start))
        if slug == stop:
            break
        events.append(("answered", slug, "", "", 0, start))
    if finished:
        events.append(("reached", CHECK, "", "", 0, submitted_at))
        if rng.random() < 0.1:
            events.append(("changed", rng.choice(pages), "", "", 0, submitted_at))
        minutes = analytics.time_bucket(start, submitted_at)
        events.append(("submitted", "", "", "", minutes, submitted_at))
        if rng.random() < 0.3:
            score = pick(rng, [(5, 40), (4, 35), (3, 12), (2, 8), (1, 5)])
            events.append(("satisfaction", "", "", "", score, submitted_at))
    else:
        events.append((rng.choice(["exited", "expired"]), stop, "", "", 0, start))
    return rows_of(scheme, version, events)


def rows_of(scheme, version: str, events: list[tuple]) -> list[dict]:
    rows = []
    for kind, page, question, message, value, at in events:
        day = deadlines.local_date(at)
        rows.append(
            {
                "at": at,
                "day": day,
                "month": day.replace(day=1),
                "scheme": scheme.slug,
                "version": version,
                "kind": kind,
                "page": page,
                "question": question,
                "message": message,
                "value": value,
            }
        )
    return rows


def first_field(page) -> tuple[str, str] | None:
    """A page's first question and the message it shows when left empty."""
    fields = versions.fields_of(page.form)
    if not fields:
        return None
    name, unbound = fields[0]
    return name, str(unbound.kwargs.get("required") or "Enter an answer")


def demo_versions(now) -> dict[str, list[tuple]]:
    """Each form's versions for the demo: (version, first seen, label). Right
    to Ask has an earlier wording, changed CHANGE_DAYS_AGO days ago."""
    found = {}
    for slug in SCHEMES:
        current = versions.current(slug)
        found[slug] = [(current, now - timedelta(days=731), None)]
    earlier = versions.current("right-to-ask")[:6] + "e0"
    found["right-to-ask"] = [
        (earlier, now - timedelta(days=731), "Demo: the wording before the change"),
        (versions.current("right-to-ask"), now - timedelta(days=CHANGE_DAYS_AGO), None),
    ]
    return found


def version_at(found: list[tuple], at) -> tuple[str, str]:
    """The version shown at a moment, and the page it made harder."""
    current = found[0]
    for entry in found:
        if entry[1] <= at:
            current = entry
    worse = CHANGED_PAGE if current[2] else ""
    return current[0], worse


def seed(applications: int, *, seed_value: int = 1, journeys: float = 1.0) -> tuple[int, int]:
    """`journeys`: the share of online applications whose journeys are written
    (each is some 60 events; the benchmarks write fewer to keep seeding short)."""
    rng = random.Random(seed_value)  # noqa: S311  (synthetic data, repeatable on purpose)
    now = clock.utcnow()
    references: set[str] = set()
    force = current_force()
    known = demo_versions(now)
    for slug, entries in known.items():
        for version, seen, label in entries:
            versions.register(slug, version, seen, label=label)
    apps, events, total_events = [], [], 0
    for _n in range(applications):
        scheme = SCHEMES[pick(rng, SCHEME_MIX)]
        row = application_row(rng, scheme, now, references, force)
        apps.append(row)
        if row["channel"] == "online" and rng.random() < journeys:
            version, worse = version_at(known[scheme.slug], row["submitted_at"])
            events += journey_events(rng, scheme, row["submitted_at"], True, version, worse)
            if rng.random() < 0.6:  # an unfinished journey for every few sent
                events += journey_events(rng, scheme, row["submitted_at"], False, version, worse)
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
