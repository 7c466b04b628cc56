"""Drafts: answers on the server, only a random id in the cookie, the time
limit, Exit this page, and a fresh start for an unknown draft."""

from __future__ import annotations

import base64
import json
import zlib
from datetime import timedelta

import pytest
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import func, select, update

from portal.clock import utcnow
from portal.models import Draft

from .support import PUBLIC_PAGES, SELF, Applicant, page_url


def decode_cookie(app, value: str) -> dict:
    """Read a Flask session cookie the way anyone holding it could: it is
    signed, not encrypted."""
    payload = value.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    if value.startswith("."):
        raw = zlib.decompress(raw)
    decoded = json.loads(raw)
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    assert serializer.loads(value) == decoded  # and it is the app's own cookie
    return decoded


def draft_count(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(Draft))


def expire_all_drafts(db_session) -> None:
    db_session.execute(update(Draft).values(expires_at=utcnow() - timedelta(seconds=1)))
    db_session.commit()


def test_the_session_cookie_holds_no_answer(app, applicant):
    for slug in ("immediate-danger", "who-for", "area", "your-name"):
        applicant.answer(slug, SELF[slug])
    cookie = decode_cookie(app, applicant.session_cookie())
    assert set(cookie) <= {"drafts", "csrf_token"}
    assert "Alex" not in json.dumps(cookie)
    [(token, expires)] = cookie["drafts"].values()
    assert len(token) == 32  # 128 random bits, hex
    assert isinstance(expires, int)


def test_the_database_keeps_a_hash_of_the_draft_id(app, applicant, db_session):
    applicant.answer("immediate-danger", {"danger": "no"})
    [(token, _)] = decode_cookie(app, applicant.session_cookie())["drafts"].values()
    draft = db_session.scalars(select(Draft)).one()
    assert draft.id != token and len(draft.id) == 64


def test_no_draft_is_made_until_an_answer_is_saved(applicant, db_session):
    applicant.get(page_url("immediate-danger"))
    applicant.answer("immediate-danger", {})
    assert draft_count(db_session) == 0
    applicant.answer("immediate-danger", {"danger": "no"})
    assert draft_count(db_session) == 1


def test_exit_deletes_the_draft_and_clears_the_session(applicant, db_session):
    applicant.answer("immediate-danger", {"danger": "no"})
    assert draft_count(db_session) == 1
    page = applicant.get(page_url("who-for"))
    exit_link = page.soup.select_one(".govuk-exit-this-page__button")["href"]
    skip_link = page.soup.select_one(".govuk-js-exit-this-page-skiplink")["href"]
    assert exit_link == skip_link == "/exit"
    response = applicant.client.get(exit_link)
    assert response.status_code == 303
    assert response.location == "https://www.bbc.co.uk/weather"
    assert '"cookies"' in response.headers["Clear-Site-Data"]
    assert draft_count(db_session) == 0
    assert applicant.session_cookie() is None
    applicant.get(page_url("who-for"))
    assert applicant.path == "/apply/right-to-ask"


def test_exit_this_page_is_on_every_public_page(applicant):
    for url in [*PUBLIC_PAGES, "/no-such-page"]:
        page = applicant.get(url)
        assert page.soup.select_one(".govuk-exit-this-page a[href='/exit']"), url
        assert page.soup.select_one("a.govuk-js-exit-this-page-skiplink[href='/exit']"), url


def test_an_expired_draft_is_deleted_and_the_applicant_told(applicant, db_session):
    applicant.answer("immediate-danger", {"danger": "no"})
    expire_all_drafts(db_session)
    page = applicant.get(page_url("who-for"))
    assert applicant.path == "/answers-deleted"
    assert page.h1 == "Your answers were deleted"
    assert draft_count(db_session) == 0


def test_a_draft_purged_in_the_background_still_says_the_answers_were_deleted(
    app, applicant, db_session
):
    applicant.answer("immediate-danger", {"danger": "no"})
    expire_all_drafts(db_session)
    result = app.test_cli_runner().invoke(args=["drafts", "purge"])
    assert "Deleted 1 expired drafts." in result.output
    assert draft_count(db_session) == 0
    with applicant.client.session_transaction() as session:
        [(token, _)] = session["drafts"].values()
        session["drafts"] = {"right-to-ask": [token, int(utcnow().timestamp()) - 1]}
    applicant.get(page_url("who-for"))
    assert applicant.path == "/answers-deleted"


def test_starting_a_new_draft_purges_expired_ones(applicant, app, db_session):
    applicant.answer("immediate-danger", {"danger": "no"})
    expire_all_drafts(db_session)
    Applicant(app).answer("immediate-danger", {"danger": "no"})
    assert draft_count(db_session) == 1


def test_an_unknown_draft_id_starts_a_fresh_journey(applicant):
    applicant.answer("immediate-danger", {"danger": "no"})
    with applicant.client.session_transaction() as session:
        expires = session["drafts"]["right-to-ask"][1]
        session["drafts"] = {"right-to-ask": ["0" * 32, expires]}
    applicant.get(page_url("who-for"))
    assert applicant.path == "/apply/right-to-ask"
    page = applicant.answer("immediate-danger", {"danger": "no"})
    assert applicant.path == page_url("who-for") and page.status == 200


@pytest.mark.parametrize(
    "held",
    [
        {"right-to-ask": {"not": "a token"}},
        {"right-to-ask": ["short", 1]},
        {"right-to-ask": ["0" * 32, "soon"]},
        {"no-such-scheme": ["0" * 32, 1]},
        "not a mapping",
    ],
)
def test_a_malformed_draft_id_starts_a_fresh_journey(applicant, held):
    with applicant.client.session_transaction() as session:
        session["drafts"] = held
    assert applicant.get(page_url("immediate-danger")).status == 200
    assert applicant.answer("immediate-danger", {"danger": "no"}).status == 200
    assert applicant.path == page_url("who-for")


def test_a_tampered_cookie_is_ignored(app, applicant):
    applicant.answer("immediate-danger", {"danger": "no"})
    value = applicant.session_cookie()
    applicant.client.set_cookie(app.config["SESSION_COOKIE_NAME"], value[:-3] + "abc")
    applicant.get(page_url("who-for"))
    assert applicant.path == "/apply/right-to-ask"


def test_the_time_limit_is_stated_and_the_warning_is_ready(applicant):
    applicant.answer("immediate-danger", {"danger": "no"})
    page = applicant.page
    assert "60 minutes" in page.soup.select_one("main").get_text()
    timeout = page.soup.select_one('[data-module="portal-timeout"]')
    assert timeout is not None and timeout.has_attr("hidden")
    assert 3590 <= int(timeout["data-seconds-left"]) <= 3600
    assert timeout["data-warning-seconds"] == "300"
    assert timeout.select_one("dialog[aria-labelledby]")


def test_extending_the_time_limit(applicant, db_session):
    applicant.answer("immediate-danger", {"danger": "no"})
    soon = utcnow() + timedelta(minutes=2)
    db_session.execute(update(Draft).values(expires_at=soon))
    db_session.commit()
    token = applicant.page.soup.select_one('[data-module="portal-timeout"]')["data-csrf-token"]
    response = applicant.client.post("/apply/extend", headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert response.json["seconds_left"] >= 3590
    db_session.expire_all()
    draft = db_session.scalars(select(Draft)).one()
    assert draft.expires_at.replace(tzinfo=None) > soon.replace(tzinfo=None)


def test_extending_needs_a_token(applicant):
    applicant.answer("immediate-danger", {"danger": "no"})
    assert applicant.client.post("/apply/extend").status_code == 400


def test_extending_an_expired_draft_fails(applicant, db_session):
    applicant.answer("immediate-danger", {"danger": "no"})
    expire_all_drafts(db_session)
    token = applicant.csrf_token()
    response = applicant.client.post("/apply/extend", headers={"X-CSRFToken": token})
    assert response.status_code == 410


def test_a_new_secret_key_with_the_old_one_as_fallback_keeps_drafts_going(app, make_app):
    """Changing SECRET_KEY routinely: with the old key in SECRET_KEY_FALLBACKS,
    an applicant part-way through carries on with every answer; without it,
    their cookie no longer opens and they start again."""
    applicant = Applicant(app)
    for slug in ("immediate-danger", "who-for"):
        applicant.answer(slug, SELF[slug])
    cookie = applicant.session_cookie()
    new_key = "N3w-s3cret-k3y-" + "x7Qp2LmZ9rTv4WbY8cKd"

    rotated = make_app(SECRET_KEY=new_key, SECRET_KEY_FALLBACKS=[app.config["SECRET_KEY"]])
    carrying_on = Applicant(rotated)
    carrying_on.client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    page = carrying_on.get(page_url("who-for"))
    assert carrying_on.path == page_url("who-for")
    assert page.soup.select_one("input[name=who][checked]")["value"] == SELF["who-for"]["who"]
    carrying_on.answer("area", SELF["area"])  # a token signed with the new key works
    assert carrying_on.path != page_url("area") and not carrying_on.page.error_summary

    without = make_app(SECRET_KEY=new_key)
    starting_again = Applicant(without)
    starting_again.client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    starting_again.get(page_url("who-for"))
    assert starting_again.path == "/apply/right-to-ask"  # the start page: answers gone


def test_a_page_view_starts_the_time_limit_again_without_a_write_each_time(
    applicant, db_session, clock
):
    from portal.drafts import SEEN_EVERY

    applicant.answer("immediate-danger", {"danger": "no"})
    first = db_session.scalar(select(Draft.expires_at))
    clock.advance(seconds=SEEN_EVERY.total_seconds() / 2)
    applicant.get(page_url("who-for"))
    db_session.expire_all()
    assert db_session.scalar(select(Draft.expires_at)) == first  # a quick look: no write
    clock.advance(seconds=SEEN_EVERY.total_seconds())
    applicant.get(page_url("who-for"))
    db_session.expire_all()
    later = db_session.scalar(select(Draft.expires_at))
    assert later > first  # a view after a while: the full time again from now
    assert later - first >= SEEN_EVERY
