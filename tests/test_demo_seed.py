"""The demo seed (portal/demo/): every seeded case is where its records lead,
with the dates, outcome and clocks they set, and says so on its page; the
cases to work are spread over the journey, found by the people in them, and
the demo officer and supervisor can take the next step on each open one
through the normal pages; the command says what it made, and production
never seeds."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from portal import clock, deadlines
from portal.casework import engine
from portal.casework.outcomes import RISK_RANK
from portal.casework.stages import DEADLINES, STAGES
from portal.clock import as_utc
from portal.demo import cases, seed
from portal.demo.staff import EMAILS
from portal.extensions import db
from portal.models import Application, CaseRecord, Role, SearchKey, Staff

from .casework_support import TRIAGE, record, sign_off
from .staff_support import StaffBrowser, make_staff

HISTORY = 60
TO_WORK = cases.DEFAULT
# What the stages set on a case, besides its status (engine.move sets that,
# and the closing time with it).
SET_BY_RECORDS = (
    "stage",
    "triaged_at",
    "first_contact_at",
    "decision_signed_off_at",
    "decision_signed_off_by_id",
    "disclosed_at",
    "closed_at",
    "outcome",
    "current_risk",
    "quality_identifies",
    "quality_right_scheme",
    "quality_crime_report",
    "last_contact_on",
    "update_due_at",
    "review_due_at",
    "risk_raised_at",
    "plan_recorded_at",
    "support_referral",
)
DUE = tuple(deadline.due for deadline in DEADLINES.values())


@pytest.fixture
def caseworkers(app, clock):
    """The demo officer and supervisor, set up (as `staff demo` and their
    links would leave them) before the seed, and signed in."""
    browsers = {}
    for role in (Role.OFFICER, Role.SUPERVISOR):
        staff = make_staff(app, role, email=EMAILS[role], name=f"Demo {role.label}")
        browsers[role] = StaffBrowser(app, staff)
        browsers[role].sign_in(clock.now)
    return browsers


@pytest.fixture
def seeded(app, caseworkers):
    with app.app_context():
        made = seed(HISTORY, journeys=0, cases=TO_WORK)
    assert (made.applications, made.cases) == (HISTORY, TO_WORK)
    return caseworkers


def every_case(app) -> list[Application]:
    with app.app_context():
        found = list(db.session.scalars(select(Application).order_by(Application.id)))
        for case in found:
            _ = case.records, [row.data for row in case.records], case.answers
            db.session.expunge(case)
        return found


def to_work(app) -> list[Application]:
    """The cases to work, in the order made: the only ones with people in them."""
    return [case for case in every_case(app) if case.answers]


def replayed(case: Application, roles: dict[int, str]) -> dict:
    """The case's columns as its records, applied in order by the stages'
    own effects and the engine's move, leave them; each record first held to
    the rules the engine checks before it records one (who may, what must
    come first, what the answers lack)."""
    sketch = SimpleNamespace(
        **{name: None for name in SET_BY_RECORDS} | {"stage": "received"},
        **{name: getattr(case, name) for name in DUE},
        records=[],
        answers=case.answers,
    )
    sketch.current_risk = case.risk_level if case.risk_level in RISK_RANK else None
    for row in case.records:
        at, stage = as_utc(row.recorded_at), STAGES[row.kind]
        staff = SimpleNamespace(id=row.recorded_by_id, role=roles[row.recorded_by_id])
        assert engine.refusal(sketch, stage, staff) is None, (case.reference, row.kind)
        assert engine.problems(sketch, stage, row.data, at) == {}, (case.reference, row.kind)
        sketch.records.append(row)
        if stage.effect:
            stage.effect(sketch, row.data, at, staff)
        engine.move(sketch, at)
    return {name: getattr(sketch, name) for name in SET_BY_RECORDS}


def stored(case: Application) -> dict:
    values = {name: getattr(case, name) for name in SET_BY_RECORDS}
    return {k: as_utc(v) if hasattr(v, "tzinfo") else v for k, v in values.items()}


def task_list(browser, case_id) -> dict[str, str]:
    """The case page's task list: each stage's title with its status."""
    page = browser.client.get(f"/admin/cases/{case_id}")
    assert page.status_code == 200
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    return {
        " ".join(
            item.select_one(".govuk-task-list__name-and-hint > *").get_text().split()
        ): " ".join(item.select_one(".govuk-task-list__status").get_text().split())
        for item in soup.select(".govuk-task-list__item")
    }


def test_every_seeded_case_is_where_its_records_lead_and_its_page_says_so(app, seeded):
    found = every_case(app)
    assert len(found) == HISTORY + TO_WORK
    shown = {}
    with app.app_context():
        roles = dict(db.session.execute(select(Staff.id, Staff.role)).all())
    for case in found:
        assert case.stage == engine.status_of(case.records), case.reference
        with app.app_context():  # the force's clocks
            assert stored(case) == replayed(case, roles), case.reference
        assert [r.recorded_at for r in case.records] == sorted(r.recorded_at for r in case.records)
        by_uid = {row.uid: row for row in case.records}
        for departure in case.deviations:  # each points at the record with its reason
            row = by_uid[departure["record"]]
            assert row.kind == departure["stage"] and row.data["late_reason"]
            assert departure["by"] == row.recorded_by_id
        kinds = tuple(row.kind for row in case.records)
        shown.setdefault((case.stage, kinds), case)
    stages = {stage for stage, _kinds in shown}
    assert {"received", "triaged", "in_contact", "decision_made", "signed_off"} <= stages
    assert {"disclosed", "closed"} <= stages
    supervisor = seeded[Role.SUPERVISOR]
    for case in shown.values():  # each kind of history once
        tasks = task_list(supervisor, case.id)
        for kind, stage in STAGES.items():
            done = sum(row.kind == kind for row in case.records)
            status = tasks[str(stage.title)]
            if done:
                assert status == f"{done} recorded", (case.reference, kind)
            else:
                assert "recorded" not in status, (case.reference, kind)


def test_the_cases_to_work_are_spread_over_the_journey_with_people_in_them(app, seeded):
    worked = to_work(app)
    assert [case.stage for case in worked] == [cases.plan(n).goal for n in range(TO_WORK)]
    assert {(case.scheme, case.route) for case in worked} == {
        ("dvds", "right_to_ask"),
        ("dvds", "right_to_know"),
        ("csods", "right_to_ask"),
    }
    assert {"self", "third_party", "professional"} <= {case.applicant_type for case in worked}
    assert {case.current_risk for case in worked if case.triaged_at} == set(RISK_RANK)
    officer_id = seeded[Role.OFFICER].staff.id
    owners = {case.assigned_to_id for case in worked if case.closed_at is None}
    assert owners == {None, officer_id}
    for case in worked:
        assert case.subject_key and case.applicant_key  # as a submission keys them
        decisions = [row for row in case.records if row.kind == "decision"]
        for row in case.records:
            if row.kind == "sign_off":  # four eyes
                assert row.recorded_by_id != decisions[-1].recorded_by_id
    with app.app_context():
        keyed = db.session.scalar(select(func.count(func.distinct(SearchKey.application_id))))
        records = db.session.scalar(select(func.count()).select_from(CaseRecord))
    assert keyed == TO_WORK and records > TO_WORK


def test_a_case_to_work_is_found_by_its_subjects_surname(app, seeded):
    officer = seeded[Role.OFFICER]
    case = next(case for case in to_work(app) if case.stage == "triaged")
    subject = case.answers["subject-name"]["full_name"]
    response = officer.post("/admin/cases/search", {"name": subject.split()[-1].upper()})
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    rows = [
        [" ".join(cell.get_text(" ").split()) for cell in row.select("td")]
        for row in soup.select("#main-content tbody tr")
    ]
    assert [case.reference, "subject"] in [row[:2] for row in rows]
    page = officer.client.get(f"/admin/cases/{case.id}").get_data(as_text=True)
    assert subject in page  # the application's answers are on its page


def last_weekday() -> date:
    day = deadlines.local_date(clock.utcnow())
    while day.weekday() > 4:
        day -= timedelta(days=1)
    return day


def on(field: str, day: date) -> dict:
    return {
        f"{field}-day": str(day.day),
        f"{field}-month": str(day.month),
        f"{field}-year": str(day.year),
    }


def test_the_next_step_is_taken_on_each_open_case_through_its_page(app, seeded):
    officer, supervisor = seeded[Role.OFFICER], seeded[Role.SUPERVISOR]
    day = last_weekday()
    contact = {
        "person": "applicant",
        "purpose": "contact",
        **on("contacted_on", day),
        "contacted_time": "10:30am",
        "channel": "phone",
        "result": "reached",
        "police_named": "no",
    }
    identity = {
        "document_1": "Passport",
        "document_2": "Bank statement",
        "photographic": "yes",
        "verified_by": "Demo Officer",
        **on("met_on", day),
    }
    disclosure = {
        **on("disclosed_on", day),
        "to_whom": "The person at risk",
        "by_whom": "Demo Officer",
        "in_person": "yes",
        "undertaking": "signed",
        "safety_plan": "no",
        "referred_to_support": "yes",
    }
    steps = {
        "received": (lambda i: record(officer, i, "triage", TRIAGE), "triaged"),
        "triaged": (lambda i: record(officer, i, "contact", contact), "in_contact"),
        "in_contact": (lambda i: record(officer, i, "identity", identity), "identity_verified"),
        "decision_made": (lambda i: sign_off(supervisor, i), "signed_off"),
        "signed_off": (lambda i: record(officer, i, "disclosure", disclosure), "disclosed"),
        "disclosed": (
            lambda i: record(officer, i, "closure", {"outcome": "disclosed_to_third_party"}),
            "closed",
        ),
    }
    first = {}
    for case in to_work(app):
        first.setdefault(case.stage, case)
    assert set(steps) <= set(first)
    for stage, (step, after) in steps.items():
        response = step(first[stage].id)
        assert response.status_code == 302, (stage, response.get_data(as_text=True)[:2000])
        with app.app_context():
            assert db.session.get(Application, first[stage].id).stage == after


def test_the_command_says_what_it_made_and_production_never_seeds(app, monkeypatch):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "seed", "--applications", "5", "--cases", "3"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "Seeded 5 applications, 3 cases to work (sign in as demo.officer@example.police.uk or "
        "demo.supervisor@example.police.uk) and "
    )
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Application)) == 8
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    refused = runner.invoke(args=["demo", "seed", "--applications", "5"])
    assert refused.exit_code != 0 and "Production never seeds demo data." in refused.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Application)) == 8
