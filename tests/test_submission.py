"""Sending is one transaction and idempotent: a double click, a refresh, or
Back then "Accept and send" again gives one application and the same
confirmation."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from portal.models import Application

from .support import SELF, Applicant, complete, page_url

CHECK = page_url("check-your-answers")


def count(db_session) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(Application))


def reference_on(page) -> str:
    return page.soup.select_one(".govuk-panel strong").get_text()


def test_sending_redirects_so_a_refresh_sends_nothing_again(applicant, db_session):
    complete(applicant, SELF)
    response = applicant.client.post(CHECK, data={"csrf_token": applicant.csrf_token()})
    assert response.status_code == 303
    assert response.location == page_url("confirmation")
    first = applicant.get(page_url("confirmation"))
    again = applicant.get(page_url("confirmation"))
    assert reference_on(first) == reference_on(again)
    assert count(db_session) == 1


def test_a_second_click_on_accept_and_send_gives_the_same_confirmation(applicant, db_session):
    complete(applicant, SELF)
    token = applicant.csrf_token()
    first = applicant.post(CHECK, {"csrf_token": token})
    second = applicant.post(CHECK, {"csrf_token": token})
    assert applicant.path == page_url("confirmation")
    assert reference_on(first) == reference_on(second)
    assert count(db_session) == 1


def test_back_then_send_again_gives_the_same_confirmation(applicant, db_session):
    complete(applicant, SELF)
    reference = reference_on(applicant.post(CHECK))
    applicant.get(CHECK)
    assert applicant.path == page_url("confirmation")
    applicant.get(page_url("communication"))  # a question page starts a new journey
    assert applicant.path == "/apply/right-to-ask"
    assert count(db_session) == 1
    assert reference_on(applicant.get(page_url("confirmation"))) == reference


def test_concurrent_sends_of_one_draft_make_one_application(app, db_session):
    applicant = Applicant(app)
    complete(applicant, SELF)
    token = applicant.csrf_token()
    cookie = applicant.session_cookie()
    statuses: list[tuple[int, str]] = []

    def send():
        client = app.test_client()
        client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
        response = client.post(CHECK, data={"csrf_token": token})
        statuses.append((response.status_code, response.location))

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [(303, page_url("confirmation"))] * 6
    assert count(db_session) == 1


def test_a_new_application_after_sending_starts_afresh(applicant, db_session):
    complete(applicant, SELF)
    first = reference_on(applicant.post(CHECK))
    complete(applicant, SELF)
    second = reference_on(applicant.post(CHECK))
    assert first != second
    assert count(db_session) == 2


def test_the_confirmation_needs_a_sent_application(applicant):
    applicant.get(page_url("confirmation"))
    assert applicant.path == "/apply/right-to-ask"


def test_an_incomplete_draft_cannot_be_sent(applicant, db_session):
    applicant.answer("immediate-danger", {"danger": "no"})
    applicant.post(CHECK)
    assert applicant.path == page_url("who-for")
    assert count(db_session) == 0


def test_the_confirmation_says_what_happens_next(applicant):
    complete(applicant, SELF)
    page = applicant.post(CHECK)
    text = page.soup.select_one("main").get_text()
    assert "24 hours" in text and "28 days" in text and "999" in text
    assert page.title.startswith("Application sent")
