"""A post that is not UTF-8 (url-encoded or multipart), or is too long, is
refused with words that say what was not saved, and every answer saved before
is kept."""

from __future__ import annotations

import pytest

from tests.support import SELF, Applicant, page_url

FORM = "application/x-www-form-urlencoded"


def reach_your_name(app) -> Applicant:
    applicant = Applicant(app)
    for slug in ("immediate-danger", "who-for", "area"):
        applicant.answer(slug, SELF[slug])
    applicant.answer("your-name", {"full_name": "Alex Saved"})
    applicant.get(page_url("your-name"))
    return applicant


@pytest.fixture
def at_your_name(app) -> Applicant:
    return reach_your_name(app)


def post_raw(applicant: Applicant, body: bytes, url: str = page_url("your-name")):
    token = applicant.csrf_token().encode()
    return applicant.client.post(url, data=b"csrf_token=" + token + b"&" + body, content_type=FORM)


@pytest.mark.parametrize(
    "body",
    [
        b"full_name=Al%FF%FEex",  # percent-encoded bytes that are not UTF-8
        "full_name=Zoë".encode("latin-1"),  # a browser sending Latin-1
        b"full%C3=Alex",  # a field name that is not UTF-8
    ],
)
def test_a_post_that_is_not_utf8_is_not_saved_and_says_so(at_your_name, body):
    response = post_raw(at_your_name, body)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "characters we could not read" in html
    assert "Nothing on this page was saved. Your earlier answers are kept." in html
    # The page is shown again with what was saved before, and nothing else changed.
    assert 'value="Alex Saved"' in html
    page = at_your_name.get(page_url("your-name"))
    assert page.value_of("full_name") == "Alex Saved"
    assert at_your_name.get(page_url("area")).checked("area") == [SELF["area"]["area"]]


def post_multipart(applicant: Applicant, full_name: bytes):
    """The page's form sent as multipart/form-data, as a script might send it."""
    fields = [(b"csrf_token", applicant.csrf_token().encode()), (b"full_name", full_name)]
    body = b"".join(
        b'--edge\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % field
        for field in fields
    )
    return applicant.client.post(
        page_url("your-name"),
        data=body + b"--edge--\r\n",
        content_type="multipart/form-data; boundary=edge",
    )


def test_a_multipart_post_is_held_to_utf8_as_well(at_your_name):
    """Not only url-encoded forms: a multipart one in Latin-1 is refused rather
    than saved with its characters replaced, and the same in UTF-8 is saved."""
    response = post_multipart(at_your_name, "Zoë".encode("latin-1"))
    assert response.status_code == 400
    assert "characters we could not read" in response.get_data(as_text=True)
    assert at_your_name.get(page_url("your-name")).value_of("full_name") == "Alex Saved"
    assert post_multipart(at_your_name, "Zoë".encode()).status_code == 302
    assert at_your_name.get(page_url("your-name")).value_of("full_name") == "Zoë"


def test_an_unreadable_post_is_refused_before_its_security_token_is_read(make_app):
    """The check comes first of all: a post that cannot be read is answered as
    such, even with no token (the token check would read the form first). On
    an app made in this test, so that the order security.register sets up is
    part of what the test checks."""
    at_your_name = reach_your_name(make_app())
    response = at_your_name.client.post(
        page_url("your-name"), data=b"full_name=Al%FFex", content_type=FORM
    )
    assert response.status_code == 400
    assert "characters we could not read" in response.get_data(as_text=True)


def test_utf8_answers_in_any_script_are_saved(at_your_name):
    response = post_raw(at_your_name, "full_name=Zoë Wiśniewska محمد".encode())
    assert response.status_code == 302
    assert at_your_name.get(page_url("your-name")).value_of("full_name") == ("Zoë Wiśniewska محمد")


def test_a_post_too_long_is_not_saved_and_says_so(app, at_your_name):
    too_long = b"full_name=" + b"a" * app.config["MAX_CONTENT_LENGTH"]
    response = post_raw(at_your_name, too_long)
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "what you sent was too long" in html
    assert "Your earlier answers are kept" in html
    assert 'value="Alex Saved"' in html
    assert at_your_name.get(page_url("your-name")).value_of("full_name") == "Alex Saved"


def test_staff_pages_refuse_unreadable_posts_with_their_own_words(app, officer):
    token = officer.token("/admin/cases/key-in").encode()
    response = officer.client.post(
        "/admin/cases/key-in", data=b"csrf_token=" + token + b"&scheme=%FF", content_type=FORM
    )
    assert response.status_code == 400
    assert "nothing on that page was saved" in response.get_data(as_text=True)
