"""Headers on every response, error pages included; bad input gets a clear
answer and nothing is lost; no input produces a 500."""

from __future__ import annotations

import hashlib

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from portal.models import Draft

from .support import PUBLIC_PAGES, SELF, page_url


def assert_safe_headers(response):
    headers = response.headers
    assert headers["Cache-Control"] == "no-store"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "script-src 'self' 'nonce-" in csp
    assert "Strict-Transport-Security" not in headers  # HTTPS only: production


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_pages_have_safe_headers(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert_safe_headers(response)


def test_the_inline_script_carries_the_policy_nonce(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in response.get_data(as_text=True)


def test_no_third_party_requests(client):
    html = client.get(page_url("immediate-danger")).get_data(as_text=True)
    for attribute in ("src=", "href="):
        for part in html.split(attribute)[1:]:
            url = part[1:].split(part[0])[0]
            if url.startswith("http"):
                # Only plain links out (the exit site), never loaded resources.
                assert attribute == "href=", url
    assert '<link rel="stylesheet" href="/static/' in html


def test_not_found_page(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    assert_safe_headers(response)


def test_unknown_scheme_and_page_are_not_found(client):
    assert client.get("/apply/no-such-scheme").status_code == 404
    assert client.get(page_url("no-such-page")).status_code == 404


def test_an_oversized_body_gets_a_friendly_page_and_keeps_the_draft(applicant, db_session):
    applicant.answer("immediate-danger", {"danger": "no"})
    response = applicant.client.post(
        page_url("who-for"), data={"csrf_token": applicant.csrf_token(), "who": "x" * 200_000}
    )
    assert response.status_code == 413
    assert "what you sent was too long" in response.get_data(as_text=True)
    assert_safe_headers(response)
    assert db_session.scalars(select(Draft)).one().answers == {"immediate-danger": {"danger": "no"}}


def test_server_errors_show_a_reference_and_have_safe_headers(app, make_app):
    broken = make_app(PROPAGATE_EXCEPTIONS=False)

    @broken.get("/broken")
    def broken_view():
        raise RuntimeError("boom")

    response = broken.test_client().get("/broken")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Sorry, there is a problem with the service" in html
    assert "error reference" in html and "boom" not in html
    assert_safe_headers(response)


def test_session_cookie_flags(applicant):
    applicant.get(page_url("immediate-danger"))
    saved = applicant.client.post(
        page_url("immediate-danger"), data={"csrf_token": applicant.csrf_token(), "danger": "no"}
    )
    header = next(h for h in saved.headers.getlist("Set-Cookie") if h.startswith("portal_session="))
    assert "HttpOnly" in header and "SameSite=Lax" in header


def test_an_expired_token_shows_the_page_again_with_the_answers(applicant, db_session):
    for slug in ("immediate-danger", "who-for", "area"):
        applicant.answer(slug, SELF[slug])
    applicant.get(page_url("your-name"))
    page = applicant.post(
        page_url("your-name"), {"csrf_token": "expired-token", "full_name": "Alex Kept"}
    )
    assert page.status == 200
    assert applicant.path == page_url("your-name")
    assert page.value_of("full_name") == "Alex Kept"
    assert "We could not save this page" in page.html
    fresh = page.soup.find("input", attrs={"name": "csrf_token"})["value"]
    assert fresh != "expired-token"
    applicant.post(page_url("your-name"), {"csrf_token": fresh, "full_name": "Alex Kept"})
    assert applicant.path == page_url("your-date-of-birth")
    saved = db_session.scalars(select(Draft)).one().answers
    assert saved["your-name"] == {"full_name": "Alex Kept"}


def test_an_expired_token_on_check_answers_shows_the_answers_again(applicant):
    from .support import complete

    complete(applicant, SELF)
    page = applicant.post(page_url("check-your-answers"), {"csrf_token": "stale"})
    assert page.status == 200
    assert page.summary()["Your full name"] == "Alex Example"
    assert "We could not save this page" in page.html


def test_a_post_without_a_token_elsewhere_gets_a_clear_page(client):
    response = client.post("/apply/extend")
    assert response.status_code == 400
    assert "Sorry, there is a problem" in response.get_data(as_text=True)


def test_only_declared_fields_are_stored(applicant, db_session):
    applicant.answer("immediate-danger", {"danger": "no", "injected": "<script>"})
    assert db_session.scalars(select(Draft)).one().answers == {"immediate-danger": {"danger": "no"}}


def test_control_characters_are_refused_but_line_breaks_kept(applicant, db_session):
    for slug, data in SELF.items():
        if slug == "concern-details":
            break
        applicant.answer(slug, data)
    page = applicant.answer("concern-details", {"details": "Line one\x00"})
    assert page.error_summary == ["What has happened must not include hidden control characters"]
    applicant.answer("concern-details", {"details": "Line one\r\n\tLine two"})
    db_session.expire_all()
    stored = db_session.scalars(select(Draft)).one().answers["concern-details"]["details"]
    assert stored == "Line one\r\n\tLine two"


JUNK = [
    "",
    "\x00",
    "x" * 10_000,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\ud800".encode("utf-8", "surrogatepass"),
    "%00",
    "../../etc/passwd",
    "99999999999999999999",
]


@pytest.mark.parametrize("value", JUNK, ids=range(len(JUNK)))
def test_no_input_produces_a_server_error(applicant, value):
    for slug, data in SELF.items():
        fields = {name: value for name in data} | {"extra": value}
        response = applicant.client.post(
            page_url(slug), data={"csrf_token": applicant.csrf_token(), **fields}
        )
        assert response.status_code < 500, slug
        applicant.answer(slug, data)
    response = applicant.client.post(
        page_url("previous-addresses/add"),
        data={"csrf_token": applicant.csrf_token(), "address": value, "postcode": value},
    )
    assert response.status_code < 500
    for path in ("previous-addresses/999", "previous-addresses/-1/remove", "extend"):
        assert applicant.client.get(page_url(path)).status_code < 500


def test_public_posts_are_rate_limited_and_the_answers_kept(app, applicant, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_RATE_LIMIT", "3 per minute")
    for slug in ("immediate-danger", "who-for", "area"):
        applicant.answer(slug, SELF[slug])
    page = applicant.answer("your-name", {"full_name": "Alex Kept Waiting"})
    assert page.status == 429
    assert applicant.path == page_url("your-name")
    assert page.value_of("full_name") == "Alex Kept Waiting"
    assert "too many attempts from your connection" in page.html
    assert "Wait a minute" in page.html


def test_the_client_address_comes_from_the_trusted_proxy_hop_only(app, monkeypatch, make_app):
    monkeypatch.setenv("TRUSTED_PROXY_HOPS", "1")
    proxied = make_app(PUBLIC_RATE_LIMIT="2 per minute")
    client = proxied.test_client()
    token = BeautifulSoup(
        client.get(page_url("immediate-danger")).get_data(as_text=True), "html.parser"
    ).find("input", attrs={"name": "csrf_token"})["value"]

    def post(forwarded: str) -> int:
        return client.post(
            page_url("immediate-danger"),
            data={"csrf_token": token},
            headers={"X-Forwarded-For": forwarded},
        ).status_code

    assert [post("203.0.113.1"), post("203.0.113.1"), post("203.0.113.1")] == [200, 200, 429]
    assert post("203.0.113.2") == 200  # another client behind the same proxy


def stored_limit_keys() -> list[str]:
    from portal.extensions import limiter

    return list(limiter.storage.storage)  # the memory store the tests use; Redis keys are the same


def test_the_rate_limiter_keeps_no_client_address_or_e_mail(app, make_app, clock):
    limited = make_app(PUBLIC_RATE_LIMIT="2 per minute", SIGN_IN_RATE_LIMIT="2 per minute")
    client = limited.test_client()
    client.environ_base["REMOTE_ADDR"] = "203.0.113.77"
    token = BeautifulSoup(
        client.get(page_url("immediate-danger")).get_data(as_text=True), "html.parser"
    ).find("input", attrs={"name": "csrf_token"})["value"]
    statuses = [
        client.post(page_url("immediate-danger"), data={"csrf_token": token}).status_code
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
    email = "someone.typed@example.police.uk"
    for _ in range(3):
        client.post("/admin/sign-in", data={"csrf_token": token, "email": email, "password": "x"})
    keys = " ".join(stored_limit_keys())
    assert "client:" in keys and "account:" in keys
    assert "203.0.113.77" not in keys and "203-0-113-77" not in keys
    assert email not in keys and hashlib.sha256(email.encode()).hexdigest() not in keys
    # The keys of one day cannot be linked to the next day's.
    from portal.extensions import limit_key

    with limited.test_request_context():
        today = limit_key("client", "203.0.113.77")
        assert today in keys
        clock.advance(days=1)
        assert limit_key("client", "203.0.113.77") != today
