"""The public pages in each language, in the browser: the language chosen
with the keyboard from the toggle, then Right to Ask from the landing page to
the confirmation with the keyboard alone, with JavaScript and without it, and
for Urdu on a screen 320 pixels wide, mirrored right to left; axe on every page
state of Right to Ask and the information pages in each language. English is
covered by test_keyboard_journeys.py and test_axe.py. What CI leaves to the
slow tier is marked so below."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.journeys.registry import SCHEMES
from portal.languages import LANGUAGES, TRANSLATED
from portal.models import Application

from ..support import PUBLIC_PAGES, page_url
from .conftest import DESKTOP, NARROW
from .support import KeyboardUser, apply_by_keyboard
from .test_axe import Scanner, scan_scheme
from .test_keyboard_journeys import assert_fits

pytestmark = pytest.mark.browser

RIGHT_TO_ASK = "right-to-ask"
WAYS = {
    "javascript": {"javascript": True, "viewport": DESKTOP},
    "no-javascript": {"javascript": False, "viewport": DESKTOP},
}
# CI runs each language with JavaScript, and Urdu (the one written right to
# left) every way; the rest is the slow tier (`make test-slow`), for a change
# to the translations or the layout.
SLOW = pytest.mark.slow
RUNS = [
    pytest.param(code, way, marks=() if way == "javascript" or code == "ur" else SLOW)
    for code in TRANSLATED
    for way in WAYS
] + [("ur", "320px")]


def choose_by_keyboard(user: KeyboardUser, code: str) -> None:
    user.page.goto("/")
    user.press_enter_on(f'.portal-language-select a[hreflang="{code}"]')
    assert user.page.get_attribute("html", "lang") == code


@pytest.mark.parametrize(("code", "way"), RUNS)
def test_right_to_ask_in_each_language_with_the_keyboard_alone(
    journeys, open_page, db_session, code, way
):
    narrow = way == "320px"
    page = open_page(**(WAYS.get(way) or {"javascript": True, "viewport": NARROW}))
    user = KeyboardUser(page, check_page=assert_fits if narrow else None)
    choose_by_keyboard(user, code)

    reference = apply_by_keyboard(user, journeys, RIGHT_TO_ASK)

    assert page.get_attribute("html", "lang") == code
    assert page.get_attribute("body", "dir") == LANGUAGES[code].direction
    (stored,) = db_session.execute(select(Application.reference, Application.language)).all()
    assert tuple(stored) == (reference, code)


RADIO_AND_LABEL = """() => ({
  input: document.querySelector(".govuk-radios__input").getBoundingClientRect().x,
  label: document.querySelector(".govuk-radios__label").getBoundingClientRect().x,
})"""


def test_urdu_mirrors_the_page_and_english_does_not(open_page):
    page = open_page(viewport=NARROW)
    page.goto(page_url("immediate-danger"))
    english = page.evaluate(RADIO_AND_LABEL)
    assert english["input"] < english["label"]  # the radio left of its words
    page.goto("/language/ur?next=" + page_url("immediate-danger"))
    urdu = page.evaluate(RADIO_AND_LABEL)
    assert urdu["input"] > urdu["label"]  # right of them
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).direction") == "rtl"
    assert_fits(page)


@pytest.mark.parametrize(
    "code", [pytest.param(code, marks=() if code == "ur" else SLOW) for code in TRANSLATED]
)
def test_no_page_of_right_to_ask_or_information_page_fails_axe_in_each_language(
    open_page, journeys, axe_log, code
):
    scanner = Scanner(None, axe_log)
    scan_scheme(scanner, open_page, journeys, SCHEMES[RIGHT_TO_ASK], f"/language/{code}?next=/")
    for url in PUBLIC_PAGES:
        scanner.visit(url, form=url == "/")
    assert scanner.page.get_attribute("html", "lang") == code
    scanner.assert_no_violations()
