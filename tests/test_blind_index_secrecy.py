"""The duplicate-detection index is keyed: someone with a copy of the database
but not BLIND_INDEX_KEY cannot test a guessed name and date of birth against
it, because the index is no plain hash of them and changes with the key."""

from __future__ import annotations

import base64
import hashlib

import pytest

from portal import crypto
from portal.applications import duplicate_keys, duplicate_texts
from portal.extensions import db
from portal.models import Application

from .staff_walk import send_application

OTHER_KEY = base64.b64encode(b"\x07" * 32).decode()


@pytest.fixture
def other_app(make_app, monkeypatch):
    """An app with another BLIND_INDEX_KEY; code outside any app context goes
    back to the suite's key ring when the test ends."""
    monkeypatch.setattr(crypto, "_outside_requests", crypto.ring())
    return make_app(BLIND_INDEX_KEY=OTHER_KEY)


def stored(app) -> Application:
    case_id = send_application(app)
    with app.app_context():
        case = db.session.get(Application, case_id)
        db.session.expunge(case)
        return case


def guesses(text: str) -> set[str]:
    """What an attacker without the key can compute from a guessed person:
    every plain hash the standard library offers, of the text as the portal
    normalises it and of its parts, in hex and in base64."""
    candidates = {text, *text.split("|")}
    found = set()
    for algorithm in sorted(hashlib.algorithms_guaranteed):
        for candidate in candidates:
            digest = hashlib.new(algorithm, candidate.encode())
            raw = digest.digest(32) if algorithm.startswith("shake") else digest.digest()
            found |= {raw.hex(), base64.b64encode(raw).decode()}
    return found


def digest_of(index: str) -> str:
    return index.rpartition(":")[2]  # "<key id>:<digest>", or a legacy bare digest


def test_the_stored_index_is_no_plain_hash_of_the_person(app):
    case = stored(app)
    with app.app_context():
        texts = duplicate_texts(case.answers)
    assert texts["subject_key"] == "sam subject|"  # the person the index stands for
    for column, text in texts.items():
        index = getattr(case, column)
        if text is None:
            assert index is None, column
            continue
        assert digest_of(index) not in guesses(text), f"{column} is a plain hash of {text!r}"


def test_the_same_person_indexes_differently_under_another_key(app, other_app):
    case = stored(app)
    with app.app_context():
        ours = duplicate_keys(case.answers)
    with other_app.app_context():
        theirs = duplicate_keys(case.answers)
    assert ours["subject_key"] == case.subject_key  # what was stored is what the key gives
    for column in ("subject_key", "applicant_key"):
        assert digest_of(ours[column]) != digest_of(theirs[column]), column


def test_the_same_person_still_matches_under_one_key(app):
    """Keyed, yet deterministic: the same person sent twice gives one index."""
    first, second = stored(app), stored(app)
    assert first.subject_key == second.subject_key is not None
    assert first.applicant_key == second.applicant_key is not None
    with app.app_context():
        changed = duplicate_keys(first.answers | {"subject-name": {"full_name": "Sam Other"}})
    assert changed["subject_key"] != first.subject_key
