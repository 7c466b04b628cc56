"""What the duplicate-detection indexes stand for (portal/applications.py):
the same person written differently gives the same index, another person or
another date of birth does not, and each scheme's pages feed the right index."""

from __future__ import annotations

import base64

import pytest

from portal import crypto
from portal.applications import duplicate_keys, duplicate_lookups, duplicate_texts, person_text

OLD_KEY = base64.b64encode(b"\x05" * 32).decode()


@pytest.mark.parametrize(
    "written",
    ["Sam O'Brien-Smith", "  sam   o brien smith ", "SAM O.BRIEN SMITH", "Sam\tO’Brien_Smith"],
)
def test_case_spacing_and_punctuation_are_ignored(written):
    assert person_text(written, "1990-01-02") == "sam o brien smith|1990-01-02"


def test_letters_and_digits_in_names_count():
    assert person_text("Zoë 2nd") == "zoë 2nd|"
    assert person_text("Sam Smith") != person_text("Sam Smyth")
    assert person_text("Sam Smith", "1990-01-02") != person_text("Sam Smith", "1990-01-03")


def test_no_name_gives_no_index():
    assert person_text(None, "1990-01-02") is None
    assert person_text("", "1990-01-02") is None


def right_to_ask(**pages) -> dict:
    return {
        "subject-name": {"full_name": "Sam Subject"},
        "subject-date-of-birth": {"date_of_birth": "1980-05-17"},
        "your-name": {"full_name": "Alex Example"},
        "your-date-of-birth": {"date_of_birth": "1990-04-03"},
        "person-at-risk": {"full_name": "Jo Daughter"},
        **pages,
    }


def test_each_index_reads_its_own_pages():
    assert duplicate_texts(right_to_ask()) == {
        "subject_key": "sam subject|1980-05-17",
        "applicant_key": "alex example|1990-04-03",
        "at_risk_key": "jo daughter|",
    }


def test_a_referral_is_indexed_by_the_referrers_email():
    answers = {"referrer": {"email": "Robin@Example.org"}, "subject-name": {"full_name": "Lee"}}
    assert duplicate_texts(answers) == {
        "subject_key": "lee|",
        "applicant_key": "robin example org|",
        "at_risk_key": None,
    }


def test_the_stored_keys_are_the_current_keys_indexes(app):
    with app.app_context():
        keys = duplicate_keys(right_to_ask())
        texts = duplicate_texts(right_to_ask())
        assert keys == {name: crypto.blind_index(text) for name, text in texts.items()}
        assert duplicate_keys({}) == dict.fromkeys(texts)


def test_lookups_match_under_every_key_in_the_ring(make_app, monkeypatch):
    monkeypatch.setattr(crypto, "_outside_requests", crypto.ring())
    current = base64.b64encode(b"\x06" * 32).decode()
    other = make_app(BLIND_INDEX_KEY=f"new={current},old={OLD_KEY}")
    with other.app_context():
        lookups = duplicate_lookups(right_to_ask())
        subject = "sam subject|1980-05-17"
        assert lookups["subject_key"] == crypto.ring().blind_indexes(subject)
        assert [value.partition(":")[0] for value in lookups["subject_key"]] == ["new", "old"]
        assert lookups["at_risk_key"] == crypto.ring().blind_indexes("jo daughter|")
        assert duplicate_lookups({})["subject_key"] == []
