"""Finding a case by a person in it: the applicant, the person at risk (or a
child, under Sarah's Law) or the subject, by name (any of their names, or any
word of one, such as a surname), date of birth or postcode.

Nothing personal is stored or compared in the clear: each word of a name,
each date of birth and each postcode is kept only as a keyed blind index (an
HMAC under BLIND_INDEX_KEY, like the duplicate keys; see crypto.py), one
`SearchKey` row each, after normalising (case, spacing, punctuation and
accents ignored). A search computes the same indexes of what the officer
typed, under every key in the ring, and finds the people who match all of
it. The caller commits."""

from __future__ import annotations

import unicodedata
from collections import defaultdict

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import load_only

from portal import crypto
from portal.extensions import db
from portal.journeys.fields import normalise_postcode
from portal.models import Application, SearchKey

PEOPLE = {
    "applicant": _l("applicant"),
    "at_risk": _l("person at risk"),
    "subject": _l("subject"),
}
# Where each person's details are in the answers, as (page, field); every
# scheme uses the same page names. Lists of people (previous addresses,
# children) are read item by item.
WHERE = {
    "applicant": {
        "name": [("your-name", "full_name"), ("referrer", "full_name")],
        "born": [("your-date-of-birth", "date_of_birth")],
        "postcode": [("your-address", "postcode")],
    },
    "at_risk": {
        "name": [("person-at-risk", "full_name"), ("children", "name")],
        "born": [("person-at-risk-date-of-birth", "date_of_birth")],
        "postcode": [("person-at-risk-address", "postcode")],
    },
    "subject": {
        "name": [("subject-name", "full_name"), ("subject-name", "other_names")],
        "born": [("subject-date-of-birth", "date_of_birth")],
        "postcode": [("subject-address", "postcode"), ("previous-addresses", "postcode")],
    },
}


def name_words(text: str | None) -> set[str]:
    """The words of a name as compared: letters and digits only, lower case,
    accents dropped ("Zoë O'Brien" is "zoe", "o", "brien")."""
    plain = unicodedata.normalize("NFKD", (text or "").casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return set("".join(c if c.isalnum() else " " for c in plain).split())


def values(answers: dict, page: str, field: str) -> list:
    stored = answers.get(page) or {}
    items = stored.get("items") if isinstance(stored, dict) and "items" in stored else [stored]
    return [item.get(field) for item in items if isinstance(item, dict) and item.get(field)]


def texts(answers: dict) -> set[tuple[str, str]]:
    """(person, what is indexed) for everyone in an application's answers."""
    found = set()
    for person, where in WHERE.items():
        for page, field in where["name"]:
            for text in values(answers, page, field):
                found |= {(person, f"name:{word}") for word in name_words(text)}
        for page, field in where["born"]:
            found |= {(person, f"born:{day}") for day in values(answers, page, field)}
        for page, field in where["postcode"]:
            for text in values(answers, page, field):
                code = normalise_postcode(text)
                found |= {(person, f"postcode:{code}")} if code else set()
    return found


def index(application: Application) -> None:
    """(Re)write an application's search keys under the current index key."""
    db.session.execute(delete(SearchKey).where(SearchKey.application_id == application.id))
    for person, text in sorted(texts(application.answers or {})):
        db.session.add(
            SearchKey(application_id=application.id, person=person, key=crypto.blind_index(text))
        )


def terms(*, name: str = "", born: str = "", postcode: str = "") -> list[str]:
    """What is looked up for a search: every one must match the same person."""
    found = [f"name:{word}" for word in sorted(name_words(name))]
    found += [f"born:{born}"] if born else []
    code = normalise_postcode(postcode) if postcode else None
    found += [f"postcode:{code}"] if code else []
    return found


SHOWN = 50  # the most cases a search shows, newest first


def find(
    looked_up: list[str], *, limit: int | None
) -> tuple[list[tuple[Application, list[str]]], int]:
    """Cases in which one person matches every term, newest first, each with
    who matched (applicant, person at risk, subject), at most `limit` of them
    (None: all); and how many there are in all."""
    if not looked_up:
        return [], 0
    matches: dict[tuple[int, str], int] = defaultdict(int)
    for text in looked_up:
        query = select(SearchKey.application_id, SearchKey.person).where(
            SearchKey.key.in_(crypto.blind_indexes(text))
        )
        for pair in set(db.session.execute(query).all()):
            matches[tuple(pair)] += 1
    people: dict[int, list[str]] = defaultdict(list)
    for (case_id, person), count in sorted(matches.items()):
        if count == len(looked_up):
            people[case_id].append(person)
    ids = sorted(people, reverse=True)[:limit]
    cases = db.session.scalars(
        select(Application)
        .where(Application.id.in_(ids))
        .options(load_only(*(getattr(Application, name) for name in LISTED)))
    )
    by_id = {case.id: case for case in cases}
    return [(by_id[i], [str(PEOPLE[p]) for p in people[i]]) for i in ids], len(people)


# What a list of cases found shows of each.
LISTED = ("id", "reference", "submitted_at", "stage", "closed_at", "outcome")
