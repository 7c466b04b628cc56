"""Every scheme, from the landing page to the confirmation, with a keyboard
alone: with JavaScript, without it, and on a screen 320 CSS pixels wide,
where no page may scroll sideways (WCAG 1.4.10 Reflow).

The staff journey (sign in, find a case, work it to closure, see it in the
statistics) is in test_staff_journey.py, with the same KeyboardUser."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.journeys.registry import SCHEMES
from portal.models import Application

from ..support import PUBLIC_PAGES
from .conftest import DESKTOP, NARROW
from .support import KeyboardUser, apply_by_keyboard

pytestmark = pytest.mark.browser

WAYS = {
    "javascript": {"javascript": True, "viewport": DESKTOP},
    "no-javascript": {"javascript": False, "viewport": DESKTOP},
    "320px": {"javascript": True, "viewport": NARROW},
}


def too_wide(page) -> str | None:
    width = page.evaluate("document.documentElement.scrollWidth")
    screen = page.viewport_size["width"]
    return f"{page.url} is {width}px wide on a {screen}px screen" if width > screen else None


def assert_fits(page) -> None:
    """Nothing wider than the screen: no scrolling sideways."""
    problem = too_wide(page)
    assert problem is None, problem


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("scheme_slug", sorted(SCHEMES))
def test_apply_with_the_keyboard_alone(journeys, open_page, db_session, scheme_slug, way):
    page = open_page(**WAYS[way])
    narrow = WAYS[way]["viewport"] == NARROW
    user = KeyboardUser(page, check_page=assert_fits if narrow else None)

    reference = apply_by_keyboard(user, journeys, scheme_slug)

    assert len(reference) == 8
    stored = db_session.scalars(select(Application.reference)).all()
    assert stored == [reference]


def test_every_information_page_fits_a_320px_screen(open_page):
    page = open_page(viewport=NARROW)
    problems = []
    for url in PUBLIC_PAGES:
        page.goto(url)
        problems.append(too_wide(page))
    assert not any(problems), problems


def test_an_error_page_fits_a_320px_screen_and_the_summary_takes_focus(open_page):
    page = open_page(viewport=NARROW)
    user = KeyboardUser(page)
    page.goto("/apply/right-to-ask/immediate-danger")
    user.continue_()
    assert user.errors() == ["Select yes if anyone is in immediate danger"]
    assert user.focus_is(".govuk-error-summary")
    assert_fits(page)


def test_nothing_is_stored_by_a_keyboard_user_who_stops(open_page, db_session):
    """A person in danger is sent to 999 and the journey stops there."""
    page = open_page(javascript=False)
    user = KeyboardUser(page)
    page.goto("/apply/right-to-ask/immediate-danger")
    user.fill({"danger": "yes"})
    user.continue_()
    assert page.locator("h1").inner_text() == "Call 999 now"
    assert db_session.scalar(select(func.count()).select_from(Application)) == 0
