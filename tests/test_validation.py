"""Every validation message, as the applicant sees it: in the error summary
and on the field, in the same words, with "Error: " in the title and the
applicant's answer kept."""

from __future__ import annotations

from datetime import date

import pytest

from .support import SELF, SOMEONE_ELSE, assert_error, page_url, reach

NEXT_YEAR = str(date.today().year + 1)


def dob(day="", month="", year="", prefix="date_of_birth"):
    return {f"{prefix}-day": day, f"{prefix}-month": month, f"{prefix}-year": year}


SUBJECT_DOB = {"known": "date"}

CASES = [
    ("immediate-danger", SELF, {}, ["Select yes if anyone is in immediate danger"]),
    ("who-for", SELF, {}, ["Select who this application is for"]),
    ("who-for", SELF, {"who": "everyone"}, ["Select who this application is for"]),
    ("person-at-risk", SOMEONE_ELSE, {}, ["Enter the full name of the person at risk"]),
    (
        "person-at-risk",
        SOMEONE_ELSE,
        {"full_name": "Jo", "age": "abc"},
        ["Enter their age as a number, like 35"],
    ),
    (
        "person-at-risk",
        SOMEONE_ELSE,
        {"full_name": "Jo", "age": "200"},
        ["Age must be between 1 and 120"],
    ),
    (
        "person-at-risk",
        SOMEONE_ELSE,
        {"full_name": "J" * 101},
        ["Name of the person at risk must be 100 characters or fewer"],
    ),
    ("relationship-to-person", SOMEONE_ELSE, {}, ["Select how you know the person at risk"]),
    (
        "relationship-to-person",
        SOMEONE_ELSE,
        {"relationship": "other"},
        ["Enter how you know the person at risk"],
    ),
    ("person-knows", SOMEONE_ELSE, {}, ["Select yes if the person at risk knows you are applying"]),
    ("area", SELF, {}, ["Select where you live"]),
    ("area", SOMEONE_ELSE, {}, ["Select where the person at risk lives"]),
    (
        "contact-at-risk",
        SOMEONE_ELSE,
        {},
        ["Select whether it is safe for us to contact the person at risk"],
    ),
    (
        "at-risk-safe-contact",
        SOMEONE_ELSE,
        {},
        ["Select at least one safe way to contact the person at risk"],
    ),
    (
        "at-risk-safe-contact",
        SOMEONE_ELSE,
        {"channels": ["phone"]},
        ["Enter a phone number we can call them on safely"],
    ),
    (
        "at-risk-safe-times",
        SOMEONE_ELSE,
        {},
        [
            "Select the days when it is safe to contact the person at risk",
            "Select the times of day when it is safe to contact the person at risk",
        ],
    ),
    ("at-risk-voicemail", SOMEONE_ELSE, {}, ["Select yes if we can leave them a message"]),
    (
        "at-risk-say-police",
        SOMEONE_ELSE,
        {},
        ["Select yes if we can say we are the police to them"],
    ),
    ("your-name", SELF, {}, ["Enter your full name"]),
    ("your-name", SELF, {"full_name": "   "}, ["Enter your full name"]),
    (
        "your-name",
        SELF,
        {"full_name": "Alex\x07Example"},
        ["Your full name must not include hidden control characters"],
    ),
    ("your-date-of-birth", SELF, dob(), ["Enter your date of birth"]),
    ("your-date-of-birth", SELF, dob("", "4", "1990"), ["Your date of birth must include a day"]),
    (
        "your-date-of-birth",
        SELF,
        dob("3", "", ""),
        ["Your date of birth must include a month and a year"],
    ),
    (
        "your-date-of-birth",
        SELF,
        dob("31", "2", "1990"),
        ["Your date of birth must be a real date"],
    ),
    ("your-date-of-birth", SELF, dob("a", "b", "c"), ["Your date of birth must be a real date"]),
    ("your-date-of-birth", SELF, dob("1", "1", "90"), ["Year must include 4 numbers"]),
    (
        "your-date-of-birth",
        SELF,
        dob("1", "1", NEXT_YEAR),
        ["Your date of birth must be in the past"],
    ),
    ("your-date-of-birth", SELF, dob("1", "1", "1850"), ["Your date of birth must be after 1900"]),
    (
        "your-address",
        SELF,
        {},
        [
            "Enter address line 1, typically the building and street",
            "Enter town or city",
            "Enter postcode",
        ],
    ),
    (
        "your-address",
        SELF,
        {"line_1": "1 Road", "town": "Coventry", "postcode": "12345"},
        ["Enter a real postcode, like B4 6NQ"],
    ),
    ("subject-name", SELF, {}, ["Enter the full name of the person you are worried about"]),
    ("subject-date-of-birth", SELF, {}, ["Select yes if you know their date of birth"]),
    ("subject-date-of-birth", SELF, SUBJECT_DOB, ["Enter their date of birth"]),
    ("subject-date-of-birth", SELF, {"known": "age"}, ["Enter their approximate age"]),
    (
        "subject-date-of-birth",
        SELF,
        {"known": "age", "approximate_age": "forty"},
        ["Enter their approximate age as a number, like 35"],
    ),
    (
        "subject-date-of-birth",
        SELF,
        {"known": "age", "approximate_age": "5"},
        ["Approximate age must be between 10 and 120"],
    ),
    ("subject-address", SELF, {}, ["Select yes if you know where they live now"]),
    ("subject-address", SELF, {"known": "yes"}, ["Enter their address"]),
    ("relationship", SELF, {}, ["Select their relationship"]),
    ("relationship", SELF, {"relationship": "other"}, ["Enter their relationship"]),
    ("living", SELF, {}, ["Select whether they live with you or are in contact"]),
    (
        "living",
        SOMEONE_ELSE,
        {},
        ["Select whether they live with the person at risk or are in contact"],
    ),
    ("concerns", SELF, {}, ["Select what has made you worried"]),
    ("concerns", SELF, {"concerns": ["threats", "made_up"]}, ["Select what has made you worried"]),
    ("concern-details", SELF, {}, ["Tell us what has happened"]),
    (
        "concern-details",
        SELF,
        {"details": "x" * 5001},
        ["What has happened must be 5000 characters or fewer"],
    ),
    ("children", SELF, {}, ["Select yes if there are children"]),
    ("safe-contact", SELF, {}, ["Select at least one safe way to contact you"]),
    ("safe-contact", SELF, {"channels": ["phone"]}, ["Enter a phone number we can call safely"]),
    ("safe-contact", SELF, {"channels": ["text"]}, ["Enter a mobile number we can text safely"]),
    (
        "safe-contact",
        SELF,
        {"channels": ["phone"], "phone": "12345"},
        [
            "Enter the whole telephone number with its area code: a UK number has 10 or 11 "
            "digits, like 01632 960 001"
        ],
    ),
    (
        "safe-contact",
        SELF,
        {"channels": ["phone"], "phone": "077009009821"},
        ["Telephone number is too long: a UK number has 10 or 11 digits, like 07700 900 982"],
    ),
    (
        "safe-contact",
        SELF,
        {"channels": ["phone"], "phone": "+999 1234 5678"},
        [
            "Enter a UK number, or start an international number with + and its country "
            "code, like +44 808 157 0192"
        ],
    ),
    (
        "safe-contact",
        SELF,
        {"channels": ["phone"], "phone": "call me at home"},
        ["Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"],
    ),
    (
        "safe-contact",
        SELF,
        {"channels": ["email"], "email": "not-an-email"},
        ["Enter an email address in the correct format, like name@example.com"],
    ),
    ("safe-contact", SELF, {"channels": ["email"]}, ["Enter an email address that is safe to use"]),
    ("safe-contact", SELF, {"channels": ["letter"]}, ["Enter an address we can write to safely"]),
    (
        "safe-contact",
        SELF,
        {"channels": ["support_worker"]},
        ["Enter your support worker's name, and a phone number or email"],
    ),
    (
        "safe-times",
        SELF,
        {},
        [
            "Select the days when it is safe to contact you",
            "Select the times of day when it is safe to contact you",
        ],
    ),
    ("voicemail", SELF, {}, ["Select yes if we can leave you a message"]),
    ("say-police", SELF, {}, ["Select yes if we can say we are the police"]),
    ("communication", SELF, {}, ["Select the help you need, or select 'No, I do not need help'"]),
    (
        "communication",
        SELF,
        {"needs": ["bsl", "none"]},
        ["Select the help you need, or select 'No, I do not need help'"],
    ),
    (
        "communication",
        SELF,
        {"needs": ["interpreter"]},
        ["Enter the language you need an interpreter for"],
    ),
    ("communication", SELF, {"needs": ["other"]}, ["Tell us what help you need"]),
]


@pytest.mark.parametrize(
    ("slug", "route", "data", "messages"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_validation_message(applicant, slug, route, data, messages):
    reach(applicant, slug, route)
    page = applicant.answer(slug, data)
    assert page.status == 200
    assert applicant.path == page_url(slug)
    assert_error(page, messages)


def test_answers_are_kept_on_error(applicant):
    reach(applicant, "your-address", SELF)
    page = applicant.answer(
        "your-address", {"line_1": "1 Kept Road", "town": "", "postcode": "cv1 2ab"}
    )
    assert page.value_of("line_1") == "1 Kept Road"
    assert page.value_of("postcode") == "CV1 2AB"  # kept, and tidied


def test_only_the_wrong_part_of_a_date_is_marked(applicant):
    reach(applicant, "your-date-of-birth", SELF)
    page = applicant.answer("your-date-of-birth", dob("", "4", "1990"))
    marked = [i["name"] for i in page.soup.select("input.govuk-input--error")]
    assert marked == ["date_of_birth-day"]
    assert page.error_links == ["#date_of_birth-day"]
    assert page.value_of("date_of_birth-year") == "1990"


def test_a_revealed_answer_is_dropped_when_its_choice_is_not_selected(applicant):
    reach(applicant, "subject-date-of-birth", SELF)
    applicant.answer(
        "subject-date-of-birth",
        {"known": "unknown", "approximate_age": "x", **dob("1", "1", "1980")},
    )
    assert applicant.path == page_url("subject-address")
    page = applicant.get(page_url("subject-date-of-birth"))
    assert page.value_of("approximate_age") == ""
    assert page.value_of("date_of_birth-year") == ""


def test_removing_an_address_needs_an_answer(applicant):
    reach(applicant, "previous-addresses", SELF)
    applicant.answer("previous-addresses", {"more": "yes"})
    applicant.post(applicant.path, {"address": "9 First Way"})
    page = applicant.post(page_url("previous-addresses/0/remove"), {})
    assert page.status == 200
    assert page.error_summary == ["Select yes if you want to remove it"]


def test_an_address_needs_an_address(applicant):
    reach(applicant, "previous-addresses", SELF)
    applicant.answer("previous-addresses", {"more": "yes"})
    page = applicant.post(applicant.path, {"address": ""})
    assert page.error_summary == ["Enter the address"]


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("07700 900 982", "07700 900982"),
        ("01632 960 001", "01632 960001"),
        ("+44 808 157 0192", "0808 157 0192"),
        ("(0121) 626-5000", "0121 626 5000"),
        ("+1 202 555 0143", "+1 202-555-0143"),
    ],
)
def test_the_numbers_people_have_are_accepted(applicant, typed, kept):
    """The examples the error message gives among them (they are Ofcom's
    numbers for drama, which a strict check refuses)."""
    reach(applicant, "safe-contact", SELF)
    page = applicant.answer("safe-contact", {"channels": ["phone"], "phone": typed})
    assert not page.error_summary, page.error_summary
    check = applicant.get(page_url("safe-contact"))
    assert check.value_of("phone") == kept
