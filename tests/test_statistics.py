"""Statistics: measured on the server with no person in them, each journey
counted once per page and question, counted into monthly cells by form
version that a rebuild reproduces, and shown to analysts and supervisors
only."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from portal import clock
from portal.extensions import db
from portal.models import Draft, JourneyEvent, JourneyStat, Role
from portal.stats import events as analytics
from portal.stats import versions

from .staff_support import StaffBrowser, make_staff
from .support import SELF, Applicant, complete, page_url


def rollups(app) -> set[tuple]:
    with app.app_context():
        rows = db.session.execute(
            select(
                JourneyStat.month,
                JourneyStat.scheme,
                JourneyStat.version,
                JourneyStat.kind,
                JourneyStat.page,
                JourneyStat.question,
                JourneyStat.message,
                JourneyStat.value,
                JourneyStat.count,
                JourneyStat.offset,
            )
        )
        return {tuple(row) for row in rows}


def events(app) -> list[JourneyEvent]:
    with app.app_context():
        rows = list(db.session.scalars(select(JourneyEvent).order_by(JourneyEvent.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def test_a_journey_is_measured_without_its_answers(app):
    applicant = Applicant(app)
    applicant.get(page_url("immediate-danger"))
    applicant.answer("immediate-danger", {})  # an error first
    complete(applicant, SELF)
    applicant.post(page_url("check-your-answers"))
    seen = events(app)
    kinds = [e.kind for e in seen]
    assert kinds.count("started") == 1 and kinds.count("submitted") == 1
    assert kinds.count("opened") >= 1
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
    assert columns == {
        "id",
        "at",
        "day",
        "month",
        "scheme",
        "version",
        "kind",
        "page",
        "question",
        "message",
        "value",
        "language",  # of the pages (English, Cymraeg...), never anything of the person
    }
    with app.app_context():
        assert {e.version for e in seen} == {versions.current("right-to-ask")}


def test_each_journey_counts_once_per_page_reached_and_per_question_got_wrong(app):
    applicant = Applicant(app)
    applicant.answer("immediate-danger", {"danger": "no"})
    applicant.answer("who-for", {})  # wrong twice on the same question
    applicant.answer("who-for", {})
    applicant.get(page_url("who-for"))  # and shown again
    applicant.answer("who-for", SELF["who-for"])
    applicant.get(page_url("who-for"))  # back to it after answering
    seen = [(e.kind, e.page, e.question) for e in events(app)]
    assert seen.count(("reached", "who-for", "")) == 1
    assert seen.count(("answered", "who-for", "")) == 1
    assert seen.count(("met_error", "who-for", "who")) == 1
    assert seen.count(("error", "who-for", "who")) == 2
    assert seen.count(("reached", "immediate-danger", "")) == 1
    other = Applicant(app)  # another journey counts again
    other.answer("immediate-danger", {"danger": "no"})
    other.answer("who-for", {})
    assert [(e.kind, e.page) for e in events(app)].count(("met_error", "who-for")) == 2


def test_what_a_journey_was_counted_for_goes_with_its_draft(app):
    applicant = Applicant(app)
    applicant.answer("immediate-danger", {"danger": "no"})
    with app.app_context():
        draft = db.session.scalars(select(Draft)).one()
        counted, stored = draft.counted, draft.counted_sealed
    assert "immediate-danger" not in stored  # sealed: the pages reached hint at the answers
    # Slugs only: the first page answered, and the next one shown.
    assert counted == [
        "reached:immediate-danger:",
        "answered:immediate-danger:",
        "reached:who-for:",
    ]
    applicant.client.get("/exit")
    with app.app_context():
        assert db.session.scalars(select(Draft)).all() == []


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
    assert f"Rebuilt {len(before)} monthly rows from the events" in result.output
    assert rollups(app) == before


def test_a_rebuild_keeps_months_whose_raw_events_are_gone(app):
    old = clock.utcnow() - timedelta(days=800)  # beyond the raw events' retention
    with app.app_context():
        analytics.record("started", "right-to-ask", page="immediate-danger", at=old)
        db.session.execute(JourneyEvent.__table__.delete())
        db.session.commit()
    before = rollups(app)
    app.test_cli_runner().invoke(args=["stats", "rebuild"])
    assert rollups(app) == before


def test_a_rebuild_gives_migrated_cells_their_own_rounding_offsets(app):
    from portal.stats.events import KEY
    from portal.stats.suppression import offset_of

    old = clock.utcnow() - timedelta(days=800)
    with app.app_context():
        for n in range(30):
            analytics.record("started", "right-to-ask", page=f"page-{n}", at=old)
        db.session.execute(JourneyEvent.__table__.delete())
        db.session.execute(update(JourneyStat).values(offset=2))  # as the migration left them
        db.session.commit()
    app.test_cli_runner().invoke(args=["stats", "rebuild"])
    with app.app_context():
        cells = db.session.scalars(select(JourneyStat)).all()
        wanted = [offset_of("journey_stat", tuple(getattr(c, k) for k in KEY)) for c in cells]
        assert [c.offset for c in cells] == wanted
        assert len(set(wanted)) > 1  # not all the nearest-5 rounding any more


def test_the_first_journey_on_a_version_registers_it(app):
    applicant = Applicant(app)
    applicant.get(page_url("immediate-danger"))
    with app.app_context():
        found = versions.of_scheme("right-to-ask")
        assert [v.version for v in found] == [versions.current("right-to-ask")]
        assert versions.of_scheme("right-to-know") == []


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
    assert "Forms sent online" in html and "<svg" in html
    from portal.admin.dashboard import all_tables, chosen_scope

    with app.test_request_context("/admin/statistics"):
        names = [t.name for t in all_tables(chosen_scope()[0])]
    pages = [html] + [
        analyst.client.get(f"/admin/statistics/{name}.csv").get_data(as_text=True) for name in names
    ]
    pages.append(analyst.client.get("/admin/statistics/yearly-return").get_data(as_text=True))
    pages.append(analyst.client.get("/admin/statistics/compare").get_data(as_text=True))
    for text in pages:
        assert reference not in text
        assert "Zebedee" not in text and "Sentinel free text" not in text


def test_new_applications_appear_in_the_figures(app, analyst):
    def sent() -> str:
        html = analyst.client.get("/admin/statistics?period=this-month").get_data(as_text=True)
        return html.split("Forms sent online</th>")[1].split("</td>")[0].split(">")[-1]

    before = sent()
    for _n in range(5):
        applicant = Applicant(app)
        complete(applicant, SELF)
        applicant.post(page_url("check-your-answers"))
    assert (before, sent()) == ("0", "5")


def test_custom_months_are_checked(app, analyst):
    html = analyst.client.get("/admin/statistics?period=custom&from=13 2026&to=x").get_data(
        as_text=True
    )
    assert "Enter the first and last months as a month and year" in html
    ok = analyst.client.get("/admin/statistics?period=custom&from=1 2026&to=2026-06")
    assert "Showing January 2026 to June 2026, beside July 2025 to December 2025." in ok.get_data(
        as_text=True
    )
    backwards = analyst.client.get("/admin/statistics?period=custom&from=6 2026&to=1 2026")
    assert "The first month must be before the last month" in backwards.get_data(as_text=True)


def test_an_unknown_table_is_not_found(analyst):
    assert analyst.client.get("/admin/statistics/nothing.csv").status_code == 404


def test_demo_data_is_never_seeded_in_production(app, monkeypatch):
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--applications", "5"])
    assert result.exit_code != 0 and "never seeds" in result.output


def test_application_counts_follow_the_case_and_a_rebuild_agrees(app, clock):
    from portal.models import ApplicationStat
    from portal.stats import applications as application_stats

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
        ("language", "en", 2),
        ("outcome", "no_information", 1),
        ("outcome", "withdrawn", 1),
        ("quality", "partly", 1),
        ("quality", "yes", 1),
        ("right_scheme", "yes", 2),
        ("crime_report", "no", 2),
        ("deadline_triage", "met", 2),
        ("deadline_completion", "met", 2),
        ("closed_days", "0", 2),
        ("closed_days_bucket", "0-7", 2),
        ("within_target", "1", 2),
        ("disclosed", "0", 2),
        ("support_consent", "yes", 2),
    }
    with app.app_context():
        application_stats.rebuild()
        db.session.commit()
    assert counts() == live


def test_the_deadlines_table_states_the_terms_the_rules_set(app, analyst, monkeypatch):
    from portal.force import Force

    monkeypatch.setitem(app.extensions, "force", Force(triage_hours=48, contact_working_days=5))
    html = analyst.client.get("/admin/statistics?section=outcomes").get_data(as_text=True)
    terms = html.split('id="table-deadlines"')[1].split("</table>")[0]
    assert "48 hours" in terms and "5 working days" in terms
    from portal.journeys.registry import SCHEMES

    for scheme in SCHEMES.values():  # each scheme's own completion deadline, by its name
        term = terms.split("Completion</th>")[1].split("</td>")[0]
        assert f"{scheme.deadline_days} days (" in term
        assert ("Clare’s Law" if scheme.code == "dvds" else "Sarah’s Law") in term


def test_the_comparison_says_when_there_is_nothing_to_compare(app, analyst):
    Applicant(app).get(page_url("immediate-danger"))  # the current version, seen
    page = analyst.client.get("/admin/statistics/compare?scheme=right-to-ask")
    assert "only one version so far" in page.get_data(as_text=True)
    with app.app_context():
        current = versions.current("right-to-ask")
        versions.register("right-to-ask", "0000earlier", clock.utcnow() - timedelta(days=90))
        db.session.commit()
    same = analyst.client.get(
        f"/admin/statistics/compare?scheme=right-to-ask&a={current}&b={current}"
    )
    assert "Choose two different versions." in same.get_data(as_text=True)
    both = analyst.client.get("/admin/statistics/compare?scheme=right-to-ask").get_data(
        as_text=True
    )
    assert "Going on from each page" in both and "Not enough data yet" in both


def test_satisfaction_counts_once_even_when_an_old_cookie_is_replayed(app):
    applicant = Applicant(app)
    complete(applicant, SELF)
    applicant.post(page_url("check-your-answers"))
    before = applicant.session_cookie()  # the cookie from before the survey was answered
    applicant.post(page_url("confirmation"), {"score": "5"})
    cookie = app.config["SESSION_COOKIE_NAME"]
    for score in ("1", "2"):
        replay = app.test_client()
        replay.set_cookie(cookie, before)
        page = replay.get(page_url("confirmation")).get_data(as_text=True)
        assert "Thank you for your feedback." in page
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        data = {"score": score, "csrf_token": token.group(1) if token else ""}
        replay.post(page_url("confirmation"), data=data)
    scores = [e.value for e in events(app) if e.kind == "satisfaction"]
    assert scores == [5]
