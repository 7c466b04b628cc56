"""Right to Know referrals and Sarah's Law: their own questions, messages and
stored columns, and the landing question that leads to each scheme."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.models import Application

from .support import assert_error, complete, days_to_complete, page_url, reach

RTK = "right-to-know"
CSODS = "child-protection"

REFERRAL = {
    "immediate-danger": {"danger": "no"},
    "role": {"role": "idva"},
    "referrer": {
        "full_name": "Robin Adviser",
        "organisation": "Safe Futures",
        "job_title": "IDVA",
        "email": "Robin@Example.org",
        "phone": "0121 626 5000",
    },
    "person-at-risk": {"full_name": "Jo Client"},
    "person-at-risk-date-of-birth": {"known": "age", "approximate_age": "31"},
    "area": {"area": "dudley"},
    "person-at-risk-address": {"address": "4 Safe Street\nDudley", "postcode": "dy1 1aa"},
    "aware": {"aware": "yes"},
    "person-at-risk-contact": {"safe_contact": "Through me, weekday mornings"},
    "subject-name": {"full_name": "Lee Concern", "other_names": ""},
    "subject-date-of-birth": {"known": "unknown"},
    "subject-address": {"known": "no"},
    "previous-addresses": {"more": "no"},
    "relationship": {"relationship": "ex_partner"},
    "risk-information": {"categories": ["police_reports", "previous_partners"]},
    "risk-details": {"details": "Two call-outs in 2025."},
    "source": {"source": "police"},
    "risk-level": {"risk_level": "high"},
    "children": {"children": "no"},
    "marac": {"marac": "yes"},
    "urgency": {"urgency": "urgent"},
    "lawful-basis": {"basis": "safeguarding"},
    "support": {"consent": "not_asked"},
}

CHILD = {"name": "AB", "age": "7", "relationship": "parent"}
SARAHS_LAW = {
    "immediate-danger": {"danger": "no"},
    "area": {"area": "solihull"},
    "your-name": {"full_name": "Max Parent"},
    "your-date-of-birth": {
        "date_of_birth-day": "9",
        "date_of_birth-month": "9",
        "date_of_birth-year": "1985",
    },
    "your-address": {"line_1": "5 Park Road", "town": "Solihull", "postcode": "B91 3AA"},
    "subject-name": {"full_name": "Dale Concern", "other_names": ""},
    "subject-date-of-birth": {"known": "unknown"},
    "subject-address": {"known": "no"},
    "subject-description": {"description": "Short, grey hair, works at the leisure centre"},
    "contact-with-child": {"contact": "partner_of_parent"},
    "concern": {"concern": "He asks to babysit a lot."},
    "safe-contact": {"channels": ["email"], "email": "max@example.com"},
    "safe-times": {"safe_days": ["saturday"], "safe_periods": ["evening"]},
    "say-police": {"say_police": "yes"},
    "communication": {"needs": ["none"]},
    "support": {"consent": "no"},
}


def add_child(applicant, child: dict = CHILD):
    applicant.answer("immediate-danger", {"danger": "no"}, CSODS)
    assert applicant.path == page_url("children/add", CSODS)
    return applicant.post(applicant.path, child)


def test_a_professional_referral_is_stored_with_its_assessment(applicant, db_session):
    check = complete(applicant, REFERRAL, RTK)
    rows = check.summary()
    assert rows["Work email address"] == "Robin@example.org"
    assert rows["Risk level"] == "High"
    assert rows["Where the person at risk lives"] == "Dudley"
    assert "Now send your referral" in check.html
    page = applicant.post(page_url("check-your-answers", RTK))
    assert page.title.startswith("Referral sent")
    application = db_session.scalars(select(Application)).one()
    assert (application.scheme, application.route) == ("dvds", "right_to_know")
    assert application.applicant_type == "professional"
    assert (application.risk_level, application.urgency) == ("high", "urgent")
    assert application.concern_types == ["police_reports", "previous_partners"]
    assert application.local_authority == "Dudley"
    assert application.answers["referrer"]["organisation"] == "Safe Futures"


def test_a_sarahs_law_application_lists_the_children(applicant, db_session):
    page = add_child(applicant)
    assert page.h1 == "You have told us about 1 child"
    applicant.post(applicant.path, {"more": "yes"})
    applicant.post(
        applicant.path,
        {"name": "C", "age": "0", "relationship": "other", "other_relationship": "Neighbour"},
    )
    assert applicant.page.h1 == "You have told us about 2 children"
    applicant.post(applicant.path, {"more": "no"})
    assert applicant.path == page_url("area", CSODS)
    check = complete(
        applicant, {k: v for k, v in SARAHS_LAW.items() if k != "immediate-danger"}, CSODS
    )
    assert check.summary()["Children"] == ("AB, aged 7 (you: Parent)\nC, aged 0 (you: Neighbour)")
    applicant.post(page_url("check-your-answers", CSODS))
    application = db_session.scalars(select(Application)).one()
    assert (application.scheme, application.route) == ("csods", "right_to_ask")
    assert application.applicant_type == "parent_or_carer"
    assert days_to_complete(application) == 45
    assert application.subject_relationship == "partner_of_parent"
    assert len(application.answers["children"]["items"]) == 2


def test_the_first_child_cannot_be_skipped(applicant):
    applicant.answer("immediate-danger", {"danger": "no"}, CSODS)
    back = applicant.page.soup.select_one(".govuk-back-link")["href"]
    assert back == page_url("immediate-danger", CSODS)
    applicant.get(page_url("area", CSODS))
    assert applicant.path == page_url("children/add", CSODS)
    add_child(applicant)
    applicant.post(page_url("children/0/remove", CSODS), {"remove": "yes"})
    assert applicant.path == page_url("children/add", CSODS)


def test_children_outside_the_area_are_sent_to_their_own_force(applicant):
    add_child(applicant)
    applicant.post(applicant.path, {"more": "no"})
    page = applicant.answer("area", {"area": "elsewhere"}, CSODS)
    assert applicant.path == page_url("other-force", CSODS)
    assert "children live" in page.html


@pytest.mark.parametrize(
    ("slug", "data", "messages"),
    [
        ("role", {}, ["Select what kind of professional you are"]),
        ("role", {"role": "other"}, ["Enter your profession"]),
        (
            "referrer",
            {},
            [
                "Enter your full name",
                "Enter the name of your organisation",
                "Enter your job title",
                "Enter your work email address",
                "Enter your work phone number",
            ],
        ),
        (
            "referrer",
            REFERRAL["referrer"] | {"email": "robin at example"},
            ["Enter an email address in the correct format, like name@example.com"],
        ),
        ("person-at-risk", {}, ["Enter the full name of the person at risk"]),
        ("area", {}, ["Select where the person at risk lives"]),
        ("person-at-risk-address", {}, ["Enter the address of the person at risk"]),
        ("aware", {}, ["Select yes if the person at risk knows about this referral"]),
        ("risk-information", {}, ["Select the kind of information you have"]),
        ("risk-details", {}, ["Describe the information"]),
        ("source", {}, ["Select where the information came from"]),
        ("source", {"source": "other"}, ["Enter where the information came from"]),
        ("risk-level", {}, ["Select the current level of risk"]),
        ("marac", {}, ["Select yes if the case has been referred to a MARAC"]),
        ("urgency", {}, ["Select how urgent this referral is"]),
        ("lawful-basis", {}, ["Select your lawful basis for sharing this information"]),
        ("lawful-basis", {"basis": "other"}, ["Enter your lawful basis"]),
    ],
)
def test_referral_validation_messages(applicant, slug, data, messages):
    reach(applicant, slug, REFERRAL, RTK)
    assert_error(applicant.answer(slug, data, RTK), messages)


@pytest.mark.parametrize(
    ("data", "messages"),
    [
        (
            {},
            [
                "Enter the child's first name or initials",
                "Enter the child's age",
                "Select your relationship to the child",
            ],
        ),
        (CHILD | {"age": "18"}, ["The child must be 17 or under"]),
        (CHILD | {"age": "seven"}, ["Enter the child's age as a number, like 7"]),
        (CHILD | {"relationship": "other"}, ["Enter your relationship to the child"]),
    ],
)
def test_child_validation_messages(applicant, data, messages):
    assert_error(add_child(applicant, data), messages)


@pytest.mark.parametrize(
    ("slug", "data", "messages"),
    [
        ("area", {}, ["Select where the children live"]),
        ("contact-with-child", {}, ["Select how they have contact with the children"]),
        (
            "contact-with-child",
            {"contact": "other"},
            ["Enter how they have contact with the children"],
        ),
        ("concern", {}, ["Tell us what has made you worried"]),
    ],
)
def test_sarahs_law_validation_messages(applicant, slug, data, messages):
    add_child(applicant)
    applicant.post(applicant.path, {"more": "no"})
    reach(applicant, slug, {k: v for k, v in SARAHS_LAW.items() if k != "immediate-danger"}, CSODS)
    assert_error(applicant.answer(slug, data, CSODS), messages)


@pytest.mark.parametrize(
    ("worry", "scheme"),
    [
        ("my_partner", "right-to-ask"),
        ("someone_elses_partner", "right-to-ask"),
        ("professional", "right-to-know"),
        ("child", "child-protection"),
    ],
)
def test_the_landing_question_leads_to_the_right_scheme(applicant, worry, scheme):
    applicant.get("/")
    page = applicant.post("/", {"worry": worry})
    assert applicant.path == f"/apply/{scheme}"
    assert page.soup.select_one("a.govuk-button--start")


def test_the_landing_question_needs_an_answer(applicant):
    applicant.get("/")
    assert applicant.page.h1 == "What are you worried about?"
    assert_error(applicant.post("/", {}), ["Select what you are worried about"])


def test_a_draft_belongs_to_its_scheme(applicant):
    applicant.answer("immediate-danger", {"danger": "no"}, RTK)
    applicant.get(page_url("who-for"))
    assert applicant.path == "/apply/right-to-ask"
