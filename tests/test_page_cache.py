"""Pages rendered once and kept (portal/page_cache.py): each request still
gets its own CSRF token and script nonce, each applicant the words for their
own application, and no answer is ever kept."""

from __future__ import annotations

import re

from portal.page_cache import store

from .support import SELF, SOMEONE_ELSE, Applicant, complete, page_url, reach

NONCE = re.compile(r"'nonce-([^']+)'")


def token_and_nonce(response) -> tuple[str, str, str]:
    html = response.get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    in_page = re.search(r'<script[^>]* nonce="([^"]+)"', html).group(1)
    in_header = NONCE.search(response.headers["Content-Security-Policy"]).group(1)
    return token, in_page, in_header


def test_every_request_gets_its_own_token_and_nonce_from_a_kept_page(app):
    first, second = app.test_client(), app.test_client()
    one = token_and_nonce(first.get("/"))
    two = token_and_nonce(second.get("/"))
    again = token_and_nonce(first.get("/"))
    assert one[1] == one[2] and two[1] == two[2] and again[1] == again[2]
    assert len({one[1], two[1], again[1]}) == 3  # a fresh nonce every time
    assert one[0] != two[0]  # each visitor's own token
    assert any(key[0] == "public/index.html" for key in store_of(app))
    posted = first.post("/", data={"csrf_token": again[0], "worry": "professional"})
    assert posted.status_code == 303  # the token from the kept page works


def store_of(app) -> dict:
    with app.app_context():
        return dict(store())


def test_each_applicant_sees_the_words_for_their_own_application(app):
    for_self, for_another = Applicant(app), Applicant(app)
    reach(for_self, "area", SELF)
    reach(for_another, "area", SOMEONE_ELSE)
    for _ in range(2):
        assert for_self.get(page_url("area")).h1 == "Where do you live?"
        assert for_another.get(page_url("area")).h1 == "Where does the person at risk live?"


def test_a_page_with_an_answer_shows_the_answer_and_is_not_kept(app):
    applicant = Applicant(app)
    complete(applicant, SELF)
    page = applicant.get(page_url("your-name"))
    assert page.value_of("full_name") == "Alex Example"
    page = applicant.get(page_url("your-name") + "?change=1")
    assert page.value_of("full_name") == "Alex Example"
    kept = "".join(store_of(app).values())
    for slug in ("your-name", "subject-name", "safe-contact", "concern-details"):
        for value in SELF[slug].values():
            if isinstance(value, str) and len(value) > 4:
                assert value not in kept, f"{value!r} is in a kept page"


def test_the_timeout_warning_counts_from_this_drafts_time_left(app):
    applicant = Applicant(app)
    reach(applicant, "your-name", SELF)
    for _ in range(2):
        shown = applicant.get(page_url("your-name")).soup.select_one("[data-seconds-left]")
        seconds = int(shown["data-seconds-left"])
        assert app.config["DRAFT_IDLE_MINUTES"] * 60 - 5 <= seconds
        assert seconds <= app.config["DRAFT_IDLE_MINUTES"] * 60
        assert "\ue000" not in applicant.page.html


def test_pages_that_need_no_database_do_not_touch_it(app):
    from sqlalchemy import event

    from portal.extensions import db

    with app.app_context():
        engine = db.engine
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    needless = ["/", "/other-needs", "/safety", "/cookies", "/privacy", "/accessibility"]
    needless += ["/contact", "/answers-deleted"]
    needless += [f"/apply/{slug}" for slug in ("right-to-ask", "right-to-know", "child-protection")]
    needless += [url + "/before-you-start" for url in needless if url.startswith("/apply/")]
    client = app.test_client()
    event.listen(engine, "before_cursor_execute", count)
    try:
        for url in needless:
            for _ in range(2):  # rendered, then kept
                statements.clear()
                assert client.get(url).status_code == 200
                assert statements == [], f"{url} ran {statements}"
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_change_of_the_forces_settings_is_shown_at_once(app, monkeypatch):
    from portal.force import Force

    client = app.test_client()
    assert "within 24 hours" in client.get("/apply/right-to-ask").get_data(as_text=True)
    monkeypatch.setitem(app.extensions, "force", Force(triage_hours=48))
    assert "within 48 hours" in client.get("/apply/right-to-ask").get_data(as_text=True)
