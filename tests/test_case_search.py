"""Finding a case by a person in it: by the subject's surname and date of
birth, another name, a postcode, the applicant or the person at risk; open or
closed; through keyed indexes only, with every search audited without its
terms."""

from __future__ import annotations

import hashlib
import hmac

from bs4 import BeautifulSoup
from sqlalchemy import select, text

from portal import crypto
from portal.casework import search
from portal.extensions import db
from portal.models import SearchKey

from .casework_support import TRIAGE, case_row, record, submit
from .staff_support import audit_after, audit_marker
from .support import SELF, SOMEONE_ELSE

URL = "/admin/cases/search"


def found(browser, **terms) -> tuple[list[tuple[str, str, str]], str]:
    """(reference, who matched, status) for each case found, and the page's text."""
    response = browser.post(URL, terms)
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    rows = [
        tuple(" ".join(cell.get_text(" ").split()) for cell in row.select("td"))
        for row in soup.select("#main-content tbody tr")
    ]
    return [(r[0], r[1], r[3]) for r in rows], " ".join(soup.get_text(" ").split())


def born(day, month, year) -> dict:
    return {
        "date_of_birth-day": str(day),
        "date_of_birth-month": str(month),
        "date_of_birth-year": str(year),
    }


def test_a_subject_is_found_by_surname_and_date_of_birth(app, officer):
    dated = SELF | {"subject-date-of-birth": {"known": "date"} | born(1, 2, 1988)}
    wanted, other = submit(app, dated), submit(app, SELF)  # the same name, no date of birth
    reference = case_row(app, wanted).reference
    rows, _page = found(officer, name="SUBJECT", **born(1, 2, 1988))
    assert rows == [(reference, "subject", "Awaiting triage")]
    rows, _page = found(officer, name="subject")
    assert {r[0] for r in rows} == {reference, case_row(app, other).reference}
    rows, page = found(officer, name="Subject", **born(2, 2, 1988))
    assert rows == [] and "0 cases found" in page


def test_other_names_postcodes_accents_and_each_person(app, officer):
    accented = SELF | {"subject-name": {"full_name": "Zoë O'Brien", "other_names": "Zed Smith"}}
    first = case_row(app, submit(app, accented)).reference
    second = case_row(app, submit(app, SOMEONE_ELSE)).reference
    assert found(officer, name="zoe obrien")[0] == []  # whole words only: O, Brien
    assert found(officer, name="  ZOE   o brien ")[0] == [(first, "subject", "Awaiting triage")]
    assert found(officer, name="zed")[0] == [(first, "subject", "Awaiting triage")]
    assert found(officer, postcode="cv12ab")[0] == [(first, "applicant", "Awaiting triage")]
    assert found(officer, name="Jo Daughter")[0] == [(second, "person at risk", "Awaiting triage")]
    assert found(officer, name="Pat Parent", postcode="WS1 1AA")[0] == [
        (second, "applicant", "Awaiting triage")
    ]
    assert found(officer, name="Pat Parent", postcode="CV1 2AB")[0] == []  # not one person


def test_a_closed_case_is_found_and_shown_closed(app, officer):
    case_id = submit(app)
    record(officer, case_id, "triage", TRIAGE | {"decision": "withdrawn", "reason": "Asked to"})
    rows, _page = found(officer, name="Alex Example")
    assert rows == [
        (case_row(app, case_id).reference, "applicant", "Closed Withdrawn by the applicant")
    ]


def test_a_search_needs_something_and_says_what_is_wrong(app, officer):
    _rows, page = found(officer)
    assert "Enter a name, date of birth, postcode or case reference" in page
    _rows, page = found(officer, postcode="B4 6N")
    assert "Enter a real postcode, like B4 6NQ" in page
    _rows, page = found(officer, **{"date_of_birth-day": "31", "date_of_birth-month": "2"})
    assert "Date of birth must include a year" in page


def test_searches_are_audited_without_their_terms_and_never_in_the_address(app, officer):
    submit(app)
    marker = audit_marker(app)
    response = officer.post(URL, {"name": "Sam Subject", "postcode": "CV1 2AB"})
    assert response.status_code == 200
    (event,) = [e for e in audit_after(app, marker) if e.action == "case_search"]
    assert event.detail == {"terms": ["name", "postcode"], "results": 0}
    assert "Sam" not in str(event.detail) and "CV1" not in str(event.detail)
    form = BeautifulSoup(officer.client.get(URL).get_data(as_text=True), "html.parser")
    assert form.select_one("#main-content form")["method"] == "post"


def test_no_name_is_kept_or_compared_in_the_clear(app, officer):
    submit(app)
    with app.app_context():
        stored = [row.key for row in db.session.scalars(select(SearchKey))]
        assert stored and not any("subject" in key.lower() for key in stored)
        dump = " ".join(
            str(value)
            for row in db.session.execute(text("SELECT * FROM search_key"))
            for value in row
        )
        assert "Sam" not in dump and "1990" not in dump and "CV1" not in dump
        # The same word under another key is another index: a copy of the
        # table cannot be matched against a list of names without the key.
        for guess in (
            hmac.new(b"k" * 32, b"name:subject", hashlib.sha256).hexdigest(),
            hashlib.sha256(b"name:subject").hexdigest(),
        ):
            assert not any(key.endswith(guess) for key in stored)
        assert crypto.blind_index("name:subject") in stored
    assert found(officer, name="Subject")[0]  # and under the real key it is found


def test_keys_reindex_writes_search_keys_for_cases_that_had_none(app, officer):
    case_id = submit(app)
    with app.app_context():
        db.session.execute(text("DELETE FROM search_key"))
        db.session.commit()
    assert found(officer, name="Subject")[0] == []
    result = app.test_cli_runner().invoke(args=["keys", "reindex"])
    assert "Re-indexed 1 applications" in result.output
    assert found(officer, name="Subject")[0][0][0] == case_row(app, case_id).reference
    again = app.test_cli_runner().invoke(args=["keys", "reindex"])
    assert "Re-indexed 0 applications" in again.output


def test_search_texts_cover_every_person_and_list():
    answers = {
        "subject-name": {"full_name": "Sam Subject", "other_names": "Sammy, S. Smith"},
        "previous-addresses": {"items": [{"postcode": "b4 6nq"}, {"postcode": ""}]},
        "children": {"items": [{"name": "Kit Child"}]},
        "referrer": {"full_name": "Pro Fessional"},
    }
    assert search.texts(answers) == {
        ("subject", "name:sam"),
        ("subject", "name:subject"),
        ("subject", "name:sammy"),
        ("subject", "name:s"),
        ("subject", "name:smith"),
        ("subject", "postcode:B4 6NQ"),
        ("at_risk", "name:kit"),
        ("at_risk", "name:child"),
        ("applicant", "name:pro"),
        ("applicant", "name:fessional"),
    }


def test_an_erased_case_can_no_longer_be_found(app, officer):
    from portal import retention

    case_id = submit(app)
    record(officer, case_id, "triage", TRIAGE | {"decision": "withdrawn", "reason": "Asked to"})
    assert found(officer, name="Subject")[0]
    with app.app_context():
        assert retention.erase(case_id)
        assert db.session.scalars(select(SearchKey)).all() == []
    assert found(officer, name="Subject")[0] == []


def test_a_search_finding_more_than_it_shows_says_how_many_and_how_to_find_fewer(
    app, officer, monkeypatch
):
    monkeypatch.setattr(search, "SHOWN", 2)
    made = [submit(app) for _n in range(3)]
    newest = [case_row(app, case_id).reference for case_id in sorted(made, reverse=True)]
    rows, page = found(officer, name="Subject")
    assert [r[0] for r in rows] == newest[:2]
    assert "3 cases found" in page
    assert "The newest 2 are shown. Add a date of birth or a postcode to find fewer." in page
    rows, page = found(officer, name="Subject", reference=newest[2])
    assert [r[0] for r in rows] == [newest[2]] and "1 case found" in page
    assert "The newest" not in page
