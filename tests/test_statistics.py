"""Statistics: measured on the server with no person in them, counted into
daily rollups that a rebuild reproduces, and shown with small numbers
suppressed, to analysts and supervisors only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from portal import analytics, clock
from portal.extensions import db
from portal.models import DailyStat, Draft, JourneyEvent, Role
from portal.statistics import Period, rate, suppress

from .staff_support import StaffBrowser, make_staff
from .support import SELF, Applicant, complete, page_url


def rollups(app) -> set[tuple]:
    with app.app_context():
        rows = db.session.execute(
            select(
                DailyStat.day,
                DailyStat.scheme,
                DailyStat.kind,
                DailyStat.page,
                DailyStat.question,
                DailyStat.message,
                DailyStat.value,
                DailyStat.count,
            )
        )
        return {tuple(row) for row in rows}


def events(app) -> list[JourneyEvent]:
    with app.app_context():
        rows = list(db.session.scalars(select(JourneyEvent).order_by(JourneyEvent.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def kinds(app) -> list[str]:
    return [e.kind for e in events(app)]


@pytest.mark.parametrize(
    ("count", "shown"),
    [(0, "0"), (1, "fewer than 5"), (4, "fewer than 5"), (5, "5"), (1234, "1,234")],
)
def test_small_counts_are_suppressed(app, count, shown):
    with app.test_request_context():
        assert suppress(count) == shown


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [
        (2, 4, "not shown"),
        (0, 4, "not shown"),
        (5, 10, "50.0%"),
        (4, 10, "not shown"),
        (0, 10, "0.0%"),
        (10, 10, "100.0%"),
    ],
)
def test_rates_on_small_numbers_are_not_shown(app, part, whole, shown):
    with app.test_request_context():
        assert rate(part, whole) == shown


def test_a_journey_is_measured_without_its_answers(app):
    applicant = Applicant(app)
    applicant.answer("immediate-danger", {})  # an error first
    complete(applicant, SELF)
    applicant.post(page_url("check-your-answers"))
    seen = events(app)
    assert [e.kind for e in seen].count("started") == 1
    assert [e.kind for e in seen].count("submitted") == 1
    error = next(e for e in seen if e.kind == "error")
    assert (error.page, error.question, error.message) == (
        "immediate-danger",
        "danger",
        "Select yes if anyone is in immediate danger",
    )
    flat = " ".join(f"{e.page} {e.question} {e.message}" for e in seen)
    for answer in ("Alex Example", "Sam Subject", "1 Test Street", "He checks my phone"):
        assert answer not in flat
    columns = set(JourneyEvent.__table__.columns.keys())
    assert columns == {"id", "at", "day", "scheme", "kind", "page", "question", "message", "value"}


def test_exits_and_expiries_count_the_page_reached(app):
    leaving = Applicant(app)
    for slug in ("immediate-danger", "who-for", "area"):
        leaving.answer(slug, SELF[slug])
    leaving.client.get("/exit")
    waiting = Applicant(app)
    waiting.answer("immediate-danger", {"danger": "no"})
    with app.app_context():
        db.session.execute(update(Draft).values(expires_at=clock.utcnow() - timedelta(seconds=1)))
        db.session.commit()
    waiting.get(page_url("who-for"))
    ended = [(e.kind, e.page) for e in events(app) if e.kind in ("exited", "expired")]
    assert ended == [("exited", "your-name"), ("expired", "who-for")]


def test_changes_from_check_answers_are_counted(app):
    applicant = Applicant(app)
    complete(applicant, SELF)
    applicant.answer("your-name", {"full_name": "Alex Changed"}, change=True)
    assert [e.page for e in events(app) if e.kind == "changed"] == ["your-name"]


def test_satisfaction_is_asked_once_and_not_linked(app):
    applicant = Applicant(app)
    complete(applicant, SELF)
    page = applicant.post(page_url("check-your-answers"))
    assert "Overall, how did you feel about using this service?" in page.html
    page = applicant.post(page_url("confirmation"), {"score": "4"})
    assert "Thank you for your feedback." in page.html
    applicant.post(page_url("confirmation"), {"score": "1"})
    scores = [e.value for e in events(app) if e.kind == "satisfaction"]
    assert scores == [4]


def test_the_rollups_are_kept_current_and_a_rebuild_gives_the_same(app):
    applicant = Applicant(app)
    applicant.answer("immediate-danger", {})
    complete(applicant, SELF)
    before = rollups(app)
    assert before
    with app.app_context():
        analytics.rebuild()
        db.session.commit()
        analytics.rebuild()
        db.session.commit()
    assert rollups(app) == before
    result = app.test_cli_runner().invoke(args=["stats", "rebuild"])
    assert f"Rebuilt {len(before)} daily rows from the events" in result.output
    assert rollups(app) == before


def test_metrics_from_a_hand_built_set_of_events(app):
    from portal.admin.dashboard import headline, problems

    with app.test_request_context():
        for _n in range(10):
            analytics.record("started", "right-to-ask", page="immediate-danger")
        for _n in range(6):
            analytics.record("submitted", "right-to-ask", value=15)
        for _n in range(20):
            analytics.record("attempt", "right-to-ask", page="your-name")
        for _n in range(5):
            analytics.record(
                "error",
                "right-to-ask",
                page="your-name",
                question="full_name",
                message="Enter your full name",
            )
        analytics.record(
            "error",
            "right-to-ask",
            page="your-name",
            question="full_name",
            message="Your full name must be 100 characters or fewer",
        )
        db.session.commit()
        today = clock.utcnow().date()
        period = Period(today - timedelta(days=1), today + timedelta(days=1))
        rows = dict(headline(period, {}).rows)
        assert rows["Forms started"] == "10"
        assert rows["Forms sent"] == "6"
        assert rows["Completion rate (sent ÷ started)"] == "60.0%"
        assert rows["Median time to complete"] == "15 minutes or more"
        problem = problems(period).rows[0]
        assert problem == ["your-name", "full_name", "6", "20", "30.0", "Enter your full name"]
        other = Period(today - timedelta(days=1), today + timedelta(days=1), "right-to-know")
        assert dict(headline(other, {}).rows)["Forms started"] == "0"


def test_where_forms_stopped_and_which_answers_changed_most_come_first(app):
    from portal.admin.dashboard import changed, drop_off

    with app.test_request_context():
        for kind, page, times in (
            ("exited", "your-name", 7),
            ("expired", "your-name", 2),
            ("exited", "area", 6),
            ("changed", "your-address", 5),
            ("changed", "subject-name", 8),
        ):
            for _n in range(times):
                analytics.record(kind, "right-to-ask", page=page)
        db.session.commit()
        today = clock.utcnow().date()
        period = Period(today - timedelta(days=1), today + timedelta(days=1))
        stopped = drop_off(period)
        assert stopped.columns == ["Page", "Forms that stopped there"]
        assert stopped.rows == [["your-name", "9"], ["area", "6"]]  # exits and expiries
        assert changed(period).rows == [["subject-name", "8"], ["your-address", "5"]]


@pytest.fixture
def analyst(app, clock):
    browser = StaffBrowser(app, make_staff(app, Role.ANALYST))
    browser.sign_in(clock.now)
    return browser


def test_analysts_see_figures_and_csv_but_no_person(app, analyst):
    answers = SELF | {
        "your-name": {"full_name": "Zebedee Sentinel"},
        "concern-details": {"details": "Sentinel free text"},
    }
    applicant = Applicant(app)
    complete(applicant, answers)
    page = applicant.post(page_url("check-your-answers"))
    reference = page.soup.select_one(".govuk-panel strong").get_text()
    with app.app_context():
        from portal.demo import seed

        seed(300)
    html = analyst.client.get("/admin/statistics").get_data(as_text=True)
    assert "Forms sent" in html and "<svg" in html
    from portal.admin.dashboard import all_tables

    with app.test_request_context():
        names = [t.name for t in all_tables(Period(clock.utcnow().date(), clock.utcnow().date()))]
    pages = [html] + [
        analyst.client.get(f"/admin/statistics/{name}.csv").get_data(as_text=True) for name in names
    ]
    for text in pages:
        assert reference not in text
        assert "Zebedee" not in text and "Sentinel free text" not in text


def test_a_new_application_appears_in_the_figures(app, analyst):
    def sent() -> str:
        html = analyst.client.get("/admin/statistics?period=4w").get_data(as_text=True)
        return html.split("Forms sent</th>")[1].split("</td>")[0].split(">")[-1]

    before = sent()
    for _n in range(5):
        applicant = Applicant(app)
        complete(applicant, SELF)
        applicant.post(page_url("check-your-answers"))
    assert (before, sent()) == ("0", "5")


def test_custom_dates_are_checked(app, analyst):
    html = analyst.client.get("/admin/statistics?period=custom&from=2026-13-01&to=x").get_data(
        as_text=True
    )
    assert "Enter the dates in the format 2026-01-31" in html
    ok = analyst.client.get("/admin/statistics?period=custom&from=2026-01-01&to=2026-06-30")
    assert "Showing 2026-01-01 to 2026-06-30." in ok.get_data(as_text=True)


def test_an_unknown_table_is_not_found(analyst):
    assert analyst.client.get("/admin/statistics/nothing.csv").status_code == 404


def test_demo_data_is_never_seeded_in_production(app, monkeypatch):
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--applications", "5"])
    assert result.exit_code != 0 and "never seeds" in result.output


def test_application_counts_follow_the_case_and_a_rebuild_agrees(app, clock):
    from portal import application_stats
    from portal.models import ApplicationStat

    from .casework_support import TRIAGE, record, submit

    officer = StaffBrowser(app, make_staff(app, Role.OFFICER))
    officer.sign_in(clock.now)
    first, second = submit(app), submit(app)
    record(officer, first, "triage", TRIAGE | {"identifies_subject": "partly"})
    record(officer, first, "closure", {"outcome": "no_information"})
    record(officer, second, "triage", TRIAGE | {"decision": "withdrawn", "reason": "Asked"})

    def counts() -> set[tuple]:
        with app.app_context():
            rows = db.session.execute(
                select(
                    ApplicationStat.dimension, ApplicationStat.value, ApplicationStat.count
                ).where(ApplicationStat.count != 0, ApplicationStat.dimension != "channel")
            )
            return {tuple(row) for row in rows}

    live = counts()
    assert live == {
        ("all", "1", 2),
        ("applicant_type", "self", 2),
        ("outcome", "no_information", 1),
        ("outcome", "withdrawn", 1),
        ("quality", "partly", 1),
        ("quality", "yes", 1),
        ("closed_days", "0", 2),
        ("within_target", "1", 2),
        ("disclosed", "0", 2),
    }
    with app.app_context():
        application_stats.rebuild()
        db.session.commit()
    assert counts() == live
