"""The security headers in full (portal/security.py), as a browser receives
them: the whole content security policy with a fresh nonce per response, the
framing, sniffing, referrer, opener and permissions rules, HSTS only where
configured, and static files left cacheable."""

from __future__ import annotations

import re

import pytest

POLICY = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
FIXED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


def nonce_of(response) -> str:
    found = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
    return found.group(1)


@pytest.mark.parametrize("url", ["/", "/admin/sign-in", "/no-such-page"])
def test_every_page_gets_the_whole_policy(client, url):
    response = client.get(url)
    nonce = nonce_of(response)
    assert len(nonce) >= 16
    assert response.headers["Content-Security-Policy"] == POLICY.format(nonce=nonce)
    assert {name: response.headers.get(name) for name in FIXED} == FIXED
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers


@pytest.mark.parametrize("url", ["/", "/admin/sign-in"])  # a page kept rendered, and not
def test_each_response_has_its_own_nonce_and_the_page_uses_it(make_app, url):
    """On an app made in this test, as each server process makes its own, so
    that what security.register sets up is part of what the test checks."""
    client = make_app().test_client()
    first, second = client.get(url), client.get(url)
    assert nonce_of(first) != nonce_of(second)
    html = first.get_data(as_text=True)
    assert f'nonce="{nonce_of(first)}"' in html


def test_https_deployments_are_told_to_stay_on_https(make_app):
    response = make_app(HSTS=True).test_client().get("/")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_static_files_may_be_cached_and_keep_the_other_headers(client):
    html = client.get("/").get_data(as_text=True)
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', html).group(1)
    response = client.get(stylesheet)
    response.close()  # the file's bytes are not needed
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") != "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
