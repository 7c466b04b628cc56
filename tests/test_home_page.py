"""The home page: its answer carries into the journey, so nobody is asked
twice who the application is for; "None of these" leads to the right places
for other needs. And the promises the start pages make are kept."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy import func, select

from portal.models import Draft, JourneyEvent

from .casework_support import submit
from .support import SELF, SOMEONE_ELSE, Applicant, complete, page_url


def from_home(applicant: Applicant, worry: str):
    applicant.get("/")
    return applicant.post("/", {"worry": worry})


def test_my_partner_on_the_home_page_is_not_asked_again(applicant):
    start = from_home(applicant, "my_partner")
    assert applicant.path == "/apply/right-to-ask"
    assert start.soup.select_one("a.govuk-button--start")
    page = applicant.answer("immediate-danger", {"danger": "no"})
    assert applicant.path == page_url("area")
    assert page.h1 == "Where do you live?"
    back = page.soup.select_one(".govuk-back-link")["href"]
    assert back == page_url("immediate-danger")


def test_the_rest_of_the_journey_follows_the_home_page_answer(applicant):
    from_home(applicant, "my_partner")
    check = complete(applicant, {k: v for k, v in SELF.items() if k != "who-for"})
    assert check.summary()["Applying for"] == "Me: I think my partner or ex-partner may harm me"
    assert check.soup.find("a", href=page_url("who-for") + "?change=1")


def test_someone_elses_partner_goes_straight_to_the_person_at_risk(applicant):
    from_home(applicant, "someone_elses_partner")
    page = applicant.answer("immediate-danger", {"danger": "no"})
    assert applicant.path == page_url("person-at-risk")
    assert page.soup.select_one(".govuk-caption-l").get_text() == "The person at risk"


def test_the_carried_answer_can_be_changed_from_check_answers(applicant, db_session):
    from_home(applicant, "my_partner")
    complete(applicant, {k: v for k, v in SELF.items() if k != "who-for"})
    page = applicant.get(page_url("who-for") + "?change=1")
    assert page.checked("who") == ["myself"]
    applicant.post(page_url("who-for") + "?change=1", {"who": "someone_else"})
    assert applicant.path == page_url("person-at-risk")
    applicant.post(page_url("person-at-risk") + "?change=1", SOMEONE_ELSE["person-at-risk"])
    back = applicant.page.soup.select_one(".govuk-back-link")["href"]
    assert back == page_url("check-your-answers")


def test_the_home_page_does_not_overwrite_an_answer_given_in_the_journey(applicant, db_session):
    for slug in ("immediate-danger", "who-for"):
        applicant.answer(slug, SOMEONE_ELSE[slug])
    from_home(applicant, "my_partner")
    draft = db_session.scalars(select(Draft)).one()
    assert draft.answers["who-for"] == {"who": "someone_else"}


def test_a_journey_from_the_home_page_is_counted_opened_and_started_once(applicant, db_session):
    from_home(applicant, "my_partner")
    applicant.get(page_url("immediate-danger"))
    applicant.answer("immediate-danger", {"danger": "no"})
    applicant.answer("area", SELF["area"])
    kinds = dict(
        db_session.execute(
            select(JourneyEvent.kind, func.count())
            .where(JourneyEvent.scheme == "right-to-ask")
            .group_by(JourneyEvent.kind)
        ).all()
    )
    assert kinds["started"] == 1
    assert kinds["opened"] >= 1
    reached = db_session.scalars(
        select(JourneyEvent.page).where(JourneyEvent.kind == "reached")
    ).all()
    assert sorted(reached) == ["area", "immediate-danger", "your-name"]


def test_a_home_page_answer_alone_is_not_counted_as_a_journey_left(app, applicant, db_session):
    from_home(applicant, "someone_elses_partner")
    applicant.client.get("/exit")
    left = db_session.scalar(
        select(func.count()).select_from(JourneyEvent).where(JourneyEvent.kind == "exited")
    )
    assert left == 0
    assert db_session.scalar(select(func.count()).select_from(Draft)) == 0


def test_none_of_these_leads_to_the_right_places_for_other_needs(applicant, db_session):
    page = from_home(applicant, "none")
    assert applicant.path == "/other-needs"
    assert page.h1 == "Other ways to get help"
    links = {a["href"] for a in page.soup.select("main a[href]")}
    assert "https://www.gov.uk/request-copy-criminal-record" in links  # a DBS check
    assert "https://www.gov.uk/report-domestic-abuse" in links
    assert "/contact" in links  # a subject access request
    assert "999" in page.html
    assert db_session.scalar(select(func.count()).select_from(Draft)) == 0


def test_the_home_page_still_needs_an_answer(applicant):
    page = from_home(applicant, "")
    assert page.error_summary == ["Select what you are worried about"]


def test_sarahs_law_asks_for_the_description_its_start_page_promises(applicant):
    start = applicant.get("/apply/child-protection")
    assert "what they look like" in start.html
    from portal.journeys.registry import SCHEMES

    scheme = SCHEMES["child-protection"]
    with applicant.app.test_request_context():
        fields = [
            (str(field.label.text), str(field.description))
            for page in scheme.pages
            if getattr(page, "form", None) is not None
            for field in page.form(formdata=None, meta={"csrf": False}).answer_fields()
        ]
    labels = [label for label, _hint in fields]
    hints = [hint for _label, hint in fields]
    assert any("Describe the person you are worried about" in label for label in labels)
    assert any("what they look like" in hint for hint in hints)


def test_the_case_shows_how_to_reach_the_person_at_risk_beside_the_applicant(app, officer):
    case_id = submit(app, SOMEONE_ELSE)
    html = officer.client.get(f"/admin/cases/{case_id}").get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    banners = {
        " ".join(b.select_one(".govuk-notification-banner__title").get_text().split()): b
        for b in soup.select(".govuk-notification-banner")
    }
    applicant = banners["Contact the applicant only in these ways"].get_text(" ")
    at_risk = banners["Contact the person at risk only in these ways"].get_text(" ")
    assert "pat@example.com" in applicant
    assert "07700 900982" in at_risk
    assert "Saturday" in at_risk
    assert "pat@example.com" not in at_risk


def test_an_applicant_for_themselves_has_no_person_at_risk_banner(app, officer):
    case_id = submit(app, SELF)
    html = officer.client.get(f"/admin/cases/{case_id}").get_data(as_text=True)
    assert "Contact the applicant only in these ways" in html
    assert "Contact the person at risk only in these ways" not in html
