"""No 500 for a number out of range, on either database: an id in a path
beyond what an id column holds is a 404; a page number or a filter beyond
any real one is a page, not a database error."""

from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from portal.ids import MAX_ID, MAX_PAGE, page_number, row_id

from .staff_walk import back_office, staff_rules
from .support import SELF, Applicant, reach

HUGE = [MAX_ID + 1, 2**63, 2**64 + 7, 10**30]


def int_arguments(rule) -> list[str]:
    return [
        name
        for name, converter in rule._converters.items()
        if isinstance(converter, IntegerConverter)
    ]


def test_every_staff_route_with_an_id_refuses_one_out_of_range(app, clock):
    office = back_office(app, clock.now)
    tried = 0
    for method in ("GET", "POST"):
        for rule in staff_rules(app, method):
            names = int_arguments(rule)
            if not names:
                continue
            browser = office.browser_for(rule.endpoint)
            for huge in HUGE:
                url = rule.build({**office.values, **{name: huge for name in names}})[1]
                response = (
                    browser.client.get(url)
                    if method == "GET"
                    else browser.post(url, token_from="/admin")
                )
                assert response.status_code == 404, (method, url, response.status_code)
                tried += 1
    assert tried > 40


def test_a_list_index_out_of_range_on_the_public_side(app):
    applicant = Applicant(app)
    reach(applicant, "previous-addresses", SELF)
    for huge in HUGE:
        for suffix in ("", "/remove"):
            url = f"/apply/right-to-ask/previous-addresses/{huge}{suffix}"
            assert applicant.client.get(url).status_code == 404, url


@pytest.mark.parametrize(
    "query",
    [
        "page=99999999999999999999999",
        "page=-5",
        "page=abc",
        f"page={MAX_PAGE * 10}",
        "officer=99999999999999999999",
        f"officer={MAX_ID + 1}",
        "officer=-1",
    ],
)
def test_the_queue_takes_any_page_or_officer(app, supervisor, query):
    response = supervisor.client.get(f"/admin/cases?{query}")
    assert response.status_code == 200, query


@pytest.mark.parametrize("person", ["99999999999999999999", str(MAX_ID + 1), "-3", "x"])
def test_the_staff_trail_takes_any_person(app, clock, person):
    from portal.models import Role

    from .staff_support import StaffBrowser, make_staff

    admin = StaffBrowser(app, make_staff(app, Role.ADMINISTRATOR, email="a@example.police.uk"))
    admin.sign_in(clock.now)
    assert admin.client.get(f"/admin/staff/trail?person={person}").status_code == 200


def test_the_limits_themselves():
    assert row_id(str(MAX_ID)) == MAX_ID
    for text in (str(MAX_ID + 1), "0", "-1"):
        with pytest.raises(ValueError):
            row_id(text)
    assert page_number("3") == 3
    assert page_number(str(10**30)) == MAX_PAGE
