"""Leaving quickly, and the time limit, in a real browser.

Exit this page: Shift pressed three times (with JavaScript), or the button
reached with Tab and Enter (without), takes the browser to the neutral site
and deletes the draft on the server. There is no network here, so the
neutral site is answered by the browser itself.

The time limit: Playwright's clock moves the page's time forward, so the
warning appears without waiting; it takes focus, its live region gets the
words, and Enter on "Continue with my answers" asks the server for more time."""

from __future__ import annotations

import base64

import pytest
from sqlalchemy import func, select

from portal.models import Draft

from .support import KeyboardUser

pytestmark = pytest.mark.browser

NEUTRAL_PAGE = "<!DOCTYPE html><html lang='en'><title>Weather</title><h1>Weather</h1></html>"
DIALOG = '[data-module="portal-timeout"] dialog'


def drafts(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(Draft))


def answer_first_question(page) -> KeyboardUser:
    """A draft exists once the first question is answered."""
    user = KeyboardUser(page)
    page.goto("/apply/right-to-ask/immediate-danger")
    user.fill({"danger": "no"})
    user.continue_()
    assert user.path == "/apply/right-to-ask/who-for"
    return user


def serve_the_neutral_site(page, exit_url: str) -> None:
    """Answer for the neutral site in the browser itself. Playwright's own
    page.route does not see a request that a redirect made, so this asks
    Chromium directly (the DevTools protocol's Fetch domain), which does."""
    cdp = page.context.new_cdp_session(page)

    def answer(event) -> None:
        cdp.send(
            "Fetch.fulfillRequest",
            {
                "requestId": event["requestId"],
                "responseCode": 200,
                "responseHeaders": [{"name": "Content-Type", "value": "text/html"}],
                "body": base64.b64encode(NEUTRAL_PAGE.encode()).decode(),
            },
        )

    cdp.on("Fetch.requestPaused", answer)
    cdp.send("Fetch.enable", {"patterns": [{"urlPattern": exit_url + "*"}]})


def assert_left_and_forgotten(page, app, db_session, user) -> None:
    assert page.url == app.extensions["force"].exit_url
    assert page.locator("h1").inner_text() == "Weather"
    assert drafts(db_session) == 0
    page.goto("/apply/right-to-ask/who-for")  # coming back: nothing to resume
    assert user.path == "/apply/right-to-ask"


def test_shift_pressed_three_times_leaves_and_deletes_the_answers(app, open_page, db_session):
    page = open_page()
    serve_the_neutral_site(page, app.extensions["force"].exit_url)
    user = answer_first_question(page)
    assert drafts(db_session) == 1

    with page.expect_navigation(url=app.extensions["force"].exit_url):
        for _ in range(3):
            page.keyboard.press("Shift")

    assert_left_and_forgotten(page, app, db_session, user)


def test_without_javascript_the_exit_button_leaves_and_deletes_the_answers(
    app, open_page, db_session
):
    page = open_page(javascript=False)
    serve_the_neutral_site(page, app.extensions["force"].exit_url)
    user = answer_first_question(page)
    assert drafts(db_session) == 1

    user.press_enter_on("a.govuk-exit-this-page__button")

    assert_left_and_forgotten(page, app, db_session, user)


def test_the_time_limit_warning_is_announced_and_more_time_can_be_had(app, open_page, db_session):
    idle = app.config["DRAFT_IDLE_MINUTES"] * 60
    warning = app.config["DRAFT_WARNING_MINUTES"] * 60
    page = open_page()
    page.clock.install()
    answer_first_question(page)
    dialog = page.locator(DIALOG)
    assert not dialog.is_visible()
    expires = db_session.scalar(select(Draft.expires_at))

    page.clock.fast_forward((idle - warning + 1) * 1000)

    page.wait_for_function(f"document.querySelector('{DIALOG}').open")
    assert dialog.is_visible()
    minutes = warning // 60
    assert page.locator("[data-timeout-announce]").inner_text() == (
        f"We will delete your answers in {minutes} minutes."
    )
    assert page.evaluate("document.activeElement.matches('[data-timeout-extend]')")
    with page.expect_response("**/apply/extend") as extended:
        page.keyboard.press("Enter")  # Continue with my answers
    assert extended.value.ok and extended.value.json()["extended"] is True
    page.wait_for_function(f"!document.querySelector('{DIALOG}').open")
    assert db_session.scalar(select(Draft.expires_at)) > expires

    page.clock.fast_forward((idle - warning - 10) * 1000)  # a full period from the extension
    assert not dialog.is_visible()
    assert page.url.endswith("/apply/right-to-ask/who-for")

    with page.expect_navigation(url="**/answers-deleted"):
        page.clock.fast_forward((warning + 20) * 1000)
    assert page.locator("h1").inner_text() == "Your answers were deleted"
