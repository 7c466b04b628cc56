"""Every staff form refuses a post without its CSRF token, with CSRF on as in
production: each POST endpoint of the back office, found in app.url_map, is
posted to by a role that may use it, and the post changes nothing."""

from __future__ import annotations

from sqlalchemy import select

from portal.models import Base

from .staff_walk import back_office, staff_rules

# The wording of the page Flask-WTF's refusal shows (templates/shared/errors/400.html).
CSRF_REFUSED = "This page was open for too long, or your browser blocked our cookie"

# What a real form would send, so that only the missing token stands in the way.
FORM = {
    "email": "walk.officer@example.police.uk",
    "password": "plum kettle harbour sonnet",
    "code": "123456",
    "name": "Someone New",
    "role": "supervisor",
    "note": "A note",
    "officer": "1",
    "confirm": "yes",
}


def everything(db_session) -> dict[str, list[tuple]]:
    db_session.expire_all()
    return {
        table.name: sorted(map(tuple, db_session.execute(select(table))), key=repr)
        for table in Base.metadata.sorted_tables
    }


def test_every_staff_form_refuses_a_post_without_its_token(make_app, clock, db_session):
    app = make_app(WTF_CSRF_ENABLED=True)
    office = back_office(app, clock.now)
    rules = staff_rules(app, "POST")
    assert len(rules) >= 10, [rule.endpoint for rule in rules]
    before = everything(db_session)
    for rule in rules:
        browser = office.browser_for(rule.endpoint)
        response = browser.client.post(office.url(rule), data=FORM)
        assert response.status_code == 400, f"{rule.endpoint} accepted a post with no token"
        assert CSRF_REFUSED in response.get_data(as_text=True), rule.endpoint
    assert everything(db_session) == before
