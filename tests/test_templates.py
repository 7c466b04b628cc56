"""Every template compiles, and every public page renders with one h1."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from .support import PUBLIC_PAGES

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
NAMES = sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("name", NAMES)
def test_template_compiles(app, name):
    app.jinja_env.get_template(name)


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_render_with_one_heading(client, url):
    response = client.get(url)
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert response.status_code == 200
    assert len(soup.find_all("h1")) == 1
    assert soup.select_one("header .govuk-generic-header")  # the force's header, not GOV.UK's
    assert "GOV.UK" not in soup.select_one("header").get_text()
    assert not soup.select(".govuk-logo, .govuk-footer__crown, .govuk-footer__copyright-logo")
    assert "Crown copyright" not in soup.get_text()


def test_page_titles_are_generic(client):
    """A page title shows in the browser's history and tabs: it must not say
    what the applicant is doing."""
    for url in ["/apply/right-to-ask", "/apply/right-to-ask/immediate-danger", "/safety"]:
        title = BeautifulSoup(client.get(url).get_data(as_text=True), "html.parser").title
        text = title.get_text().lower()
        assert "abuse" not in text and "clare" not in text and "violence" not in text
