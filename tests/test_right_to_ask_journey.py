"""The Right to Ask journey from start to confirmation, and its branches."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.models import Application, Draft
from portal.references import is_reference

from .support import SELF, SOMEONE_ELSE, complete, days_to_complete, page_url, reach


def test_start_page_leads_to_the_first_question(applicant):
    start = applicant.get("/apply/right-to-ask")
    assert start.status == 200
    assert "999" in start.html and "55" in start.html and "18000" in start.html
    before = applicant.get(start.soup.select_one("a.govuk-button--start")["href"])
    assert "Shift" in before.html
    first = applicant.get(before.soup.select_one("main a.govuk-button")["href"])
    assert first.h1 == "Is anyone in immediate danger right now?"


def test_applying_for_yourself_ends_with_a_reference(applicant, db_session):
    check = complete(applicant, SELF)
    rows = check.summary()
    assert rows["Your full name"] == "Alex Example"
    assert rows["Your date of birth"] == "3 April 1990"
    assert rows["Your address"] == "1 Test Street\nCoventry\nCV1 2AB"
    assert rows["Where you live"] == "Coventry"
    assert [h.get_text() for h in check.soup.select("main h2")][:2] == [
        "Your application",
        "About you",
    ]
    assert rows["Safe ways to contact you"] == "Phone call\nIn person"
    assert rows["Phone number"] == "07911 123456"
    assert rows["Previous addresses"] == "None given"
    assert "Name of the person at risk" not in rows

    done = applicant.post(page_url("check-your-answers"))
    assert done.status == 200 and applicant.path == page_url("confirmation")
    reference = done.soup.select_one(".govuk-panel strong").get_text()
    assert is_reference(reference)
    assert reference not in done.title and reference not in applicant.path

    application = db_session.scalars(select(Application)).one()
    assert application.reference == reference
    assert (application.scheme, application.route, application.channel) == (
        "dvds",
        "right_to_ask",
        "online",
    )
    assert application.applicant_type == "self"
    assert application.local_authority == "Coventry"
    assert application.concern_types == ["threats", "controlling_behaviour"]
    assert application.contact_channels == ["phone", "in_person"]
    assert (application.triage_due_at - application.submitted_at).total_seconds() == 24 * 3600
    assert days_to_complete(application) == 28
    assert application.answers["your-name"] == {"full_name": "Alex Example"}


def test_applying_for_someone_else_asks_about_the_person_at_risk(applicant, db_session):
    check = complete(applicant, SOMEONE_ELSE)
    rows = check.summary()
    assert rows["Name of the person at risk"] == "Jo Daughter"
    assert rows["How you know them"] == "I am their parent"
    assert rows["Where the person at risk lives"] == "Walsall"
    assert rows["Their date of birth"] == "1 February 1988"
    assert rows["Language"] == "Polish"
    assert "Voicemail or messages" not in rows  # no phone or text chosen
    applicant.post(page_url("check-your-answers"))
    application = db_session.scalars(select(Application)).one()
    assert application.applicant_type == "third_party"
    assert application.local_authority == "Walsall"
    assert application.communication_needs == ["interpreter"]


def test_questions_name_the_person_at_risk_for_a_third_party(applicant):
    reach(applicant, "area", SOMEONE_ELSE)
    assert applicant.page.h1 == "Where does the person at risk live?"


def test_questions_speak_to_an_applicant_for_themselves(applicant):
    for slug in ("immediate-danger", "who-for"):
        applicant.answer(slug, SELF[slug])
    assert applicant.page.h1 == "Where do you live?"


def test_immediate_danger_stops_with_emergency_advice(applicant, db_session):
    page = applicant.answer("immediate-danger", {"danger": "yes"})
    assert applicant.path == page_url("emergency")
    assert "999" in page.html and "55" in page.html
    assert page.soup.find("form") is None
    assert db_session.scalar(select(func.count()).select_from(Application)) == 0


def test_someone_outside_the_area_is_told_which_force_to_apply_to(applicant):
    applicant.answer("immediate-danger", {"danger": "no"})
    applicant.answer("who-for", {"who": "myself"})
    page = applicant.answer("area", {"area": "elsewhere"})
    assert applicant.path == page_url("other-force")
    assert page.soup.find("a", href="https://www.police.uk/pu/find-a-police-force/")
    # The stop page is the end: later questions cannot be reached.
    assert applicant.get(page_url("your-name")).url == page_url("other-force")


def test_an_applicant_under_16_is_pointed_to_help(applicant):
    for slug in ("immediate-danger", "who-for", "area", "your-name"):
        applicant.answer(slug, SELF[slug])
    applicant.answer(
        "your-date-of-birth",
        {"date_of_birth-day": "1", "date_of_birth-month": "1", "date_of_birth-year": "2015"},
    )
    assert applicant.path == page_url("under-16")
    assert "0800 1111" in applicant.page.html


def test_pages_cannot_be_skipped_by_url(applicant):
    page = applicant.get(page_url("concerns"))
    assert applicant.path == "/apply/right-to-ask"
    applicant.answer("immediate-danger", {"danger": "no"})
    page = applicant.get(page_url("concerns"))
    assert page.url == page_url("who-for")
    assert applicant.get(page_url("check-your-answers")).url == page_url("who-for")


def test_back_links_follow_the_applicants_own_path(applicant):
    for slug in ("immediate-danger", "who-for", "area"):
        applicant.answer(slug, SELF[slug])
    page = applicant.get(page_url("your-name"))
    assert page.soup.select_one(".govuk-back-link")["href"] == page_url("area")
    first = applicant.get(page_url("immediate-danger"))
    assert first.soup.select_one(".govuk-back-link")["href"].endswith("/before-you-start")


def test_answers_are_kept_when_going_back(applicant):
    complete(applicant, SELF)
    page = applicant.get(page_url("your-date-of-birth"))
    assert [page.value_of(f"date_of_birth-{p}") for p in ("day", "month", "year")] == [
        "3",
        "4",
        "1990",
    ]
    assert applicant.get(page_url("concerns")).checked("concerns") == [
        "threats",
        "controlling_behaviour",
    ]


def test_change_from_check_answers_returns_to_check_answers(applicant):
    check = complete(applicant, SELF)
    change = check.soup.find("a", href=page_url("your-name") + "?change=1")
    assert change is not None
    assert "your full name" in change.get_text()
    page = applicant.answer("your-name", {"full_name": "Alex Changed"}, change=True)
    assert applicant.path == page_url("check-your-answers")
    assert page.summary()["Your full name"] == "Alex Changed"
    back = applicant.get(page_url("your-name") + "?change=1")
    assert back.soup.select_one(".govuk-back-link")["href"] == page_url("check-your-answers")


def test_a_change_that_opens_new_questions_asks_them_then_returns(applicant):
    complete(applicant, SELF)
    applicant.answer("who-for", {"who": "someone_else"}, change=True)
    assert applicant.path == page_url("person-at-risk")
    slugs = list(SOMEONE_ELSE)
    opened = slugs[slugs.index("person-at-risk") : slugs.index("your-name")]
    for slug in [slug for slug in opened if slug != "area"]:  # the area is answered
        url = applicant.path
        assert url == page_url(slug)
        applicant.post(url + "?change=1", SOMEONE_ELSE[slug])
    assert applicant.path == page_url("check-your-answers")
    assert applicant.page.summary()["Name of the person at risk"] == "Jo Daughter"


def test_answers_left_behind_by_a_changed_branch_are_not_shown_or_sent(applicant, db_session):
    complete(applicant, SOMEONE_ELSE)
    page = applicant.answer("who-for", {"who": "myself"}, change=True)
    assert applicant.path == page_url("check-your-answers")
    assert "Name of the person at risk" not in page.summary()
    assert "Jo Daughter" not in page.html
    applicant.post(page_url("check-your-answers"))
    application = db_session.scalars(select(Application)).one()
    assert "person-at-risk" not in application.answers
    assert application.applicant_type == "self"


def test_a_change_to_safe_contact_asks_about_voicemail_only_when_needed(applicant):
    complete(applicant, SOMEONE_ELSE)
    applicant.answer("safe-contact", {"channels": ["text"], "mobile": "07400 123456"}, change=True)
    assert applicant.path == page_url("voicemail")
    applicant.post(page_url("voicemail") + "?change=1", {"voicemail": "yes"})
    assert applicant.path == page_url("check-your-answers")
    assert applicant.page.summary()["Voicemail or messages"] == "Yes"


def test_previous_addresses_can_be_added_changed_and_removed(applicant):
    for slug, data in SELF.items():
        if slug == "previous-addresses":
            break
        applicant.answer(slug, data)
    page = applicant.answer("previous-addresses", {"more": "yes"})
    assert applicant.path == page_url("previous-addresses/add")
    page = applicant.post(
        applicant.path, {"address": "9 First Way", "postcode": "b1 1aa", "when": "2020 to 2022"}
    )
    assert applicant.path == page_url("previous-addresses")
    assert page.h1 == "You have added 1 address"
    page = applicant.post(applicant.path, {"more": "yes"})
    applicant.post(applicant.path, {"address": "10 Second Way"})
    assert applicant.page.h1 == "You have added 2 addresses"
    applicant.get(page_url("previous-addresses/0"))
    assert applicant.page.value_of("postcode") == "B1 1AA"
    applicant.post(
        page_url("previous-addresses/0"), {"address": "9 First Way", "postcode": "", "when": "2019"}
    )
    applicant.post(page_url("previous-addresses/1/remove"), {"remove": "yes"})
    assert applicant.page.h1 == "You have added 1 address"
    applicant.post(page_url("previous-addresses"), {"more": "no"})
    assert applicant.path == page_url("subject-description")
    for slug, data in list(SELF.items())[10:]:
        applicant.answer(slug, data)
    rows = applicant.page.summary()
    assert rows["Previous addresses"] == "9 First Way\nLived there: 2019"


def test_the_add_another_question_needs_an_answer(applicant):
    for slug, data in SELF.items():
        if slug == "previous-addresses":
            break
        applicant.answer(slug, data)
    page = applicant.answer("previous-addresses", {})
    assert page.status == 200
    assert page.error_summary == ["Select yes if they have lived at another address"]


def test_one_application_for_one_journey(applicant, db_session):
    complete(applicant, SELF)
    applicant.post(page_url("check-your-answers"))
    assert db_session.scalar(select(func.count()).select_from(Application)) == 1
    draft = db_session.scalars(select(Draft)).one()
    assert draft.answers == {}  # the answers live on the application only
