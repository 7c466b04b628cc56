"""Access rules of the back office (portal/admin/auth.py) that a person meets:
a signed-out visit to a staff page asks for sign-in and comes back to that
page, and only staff pages on this site are a place to come back to."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from portal.admin import auth
from portal.models import Role

from .staff_support import StaffBrowser, make_staff


def test_a_signed_out_visit_signs_in_and_returns_to_the_page(app, clock):
    browser = StaffBrowser(app, make_staff(app, Role.ADMINISTRATOR))
    response = browser.client.get("/admin/staff")
    assert response.status_code == 302
    where = urlsplit(response.location)
    assert where.path == "/admin/sign-in"
    assert parse_qs(where.query) == {"next": ["/admin/staff"]}
    assert browser.sign_in(clock.now, next_url="/admin/staff").location == "/admin/staff"
    assert browser.client.get("/admin/staff").status_code == 200


@pytest.mark.parametrize(
    ("next_url", "lands"),
    [
        ("", "/admin/"),
        ("/admin/staff?sort=name", "/admin/staff"),
        ("/admin", "/admin/"),
        ("javascript:alert(1)", "/admin/"),
        ("javascript:/admin/staff", "/admin/"),
        ("///admin/staff", "/admin/"),
    ],
)
def test_only_a_staff_page_is_a_place_to_return_to(app, clock, next_url, lands):
    browser = StaffBrowser(app, make_staff(app, Role.ADMINISTRATOR))
    assert browser.sign_in(clock.now, next_url=next_url).location == lands


def test_signed_in_staff_without_the_role_are_refused_not_sent_to_sign_in(app, clock):
    browser = StaffBrowser(app, make_staff(app, Role.ANALYST))
    browser.sign_in(clock.now)
    response = browser.client.get("/admin/staff")
    assert response.status_code == 403
    assert browser.client.get("/admin/").status_code == 200  # still signed in


def test_each_declaration_admits_exactly_the_staff_it_names(app, make_app, clock):
    """Declarations made now, on routes added now: what the decorators record
    is what the guard enforces."""
    other = make_app()
    declared = {
        "open": auth.public,
        "anyone": auth.signed_in,
        "analysts": auth.role_required(Role.ANALYST, Role.SUPERVISOR),
    }
    for name, declare in declared.items():

        def view(name=name):
            return f"the {name} page"

        view.__name__ = f"view_{name}"
        other.add_url_rule(f"/admin/test/{name}", endpoint=f"admin.{name}", view_func=declare(view))
    anonymous = StaffBrowser(other)
    analyst = StaffBrowser(other, make_staff(app, Role.ANALYST))
    officer = StaffBrowser(other, make_staff(app, Role.OFFICER))
    analyst.sign_in(clock.now)
    officer.sign_in(clock.now)
    statuses = {
        who: [browser.client.get(f"/admin/test/{name}").status_code for name in declared]
        for who, browser in (("anonymous", anonymous), ("analyst", analyst), ("officer", officer))
    }
    assert statuses == {
        "anonymous": [200, 302, 302],
        "analyst": [200] * 3,
        "officer": [200, 200, 403],
    }
