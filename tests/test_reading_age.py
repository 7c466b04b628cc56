"""How plain the public pages' words are: the reading age (Flesch-Kincaid
grade + 5, as textstat 0.7.3 counts it: tests/readability.py) of the main
text of every public page, each question page of every path included.
GOV.UK aims at a reading age of 9; a page above 12 fails, with the worst
listed. Run with -s to see the table.

Only the service's own words are read: answers shown back (check answers)
and typed values are left out."""

from __future__ import annotations

import re
import statistics

import pytest
from bs4 import BeautifulSoup

from portal.journeys.registry import SCHEMES

from .readability import flesch_kincaid_grade
from .support import PUBLIC_PAGES, SELF, Applicant, complete, page_url
from .test_every_path import steps, walk

MAXIMUM_AGE = 12
GOVUK_AIM = 9
BLOCKS = "h1, h2, h3, p, li, label, legend, .govuk-hint, .govuk-caption-l, dt, th, .govuk-button"
ENDS_SENTENCE = re.compile(r"[.!?:]$")


def main_text(html: str) -> str:
    """The page's own words in <main>, one sentence per block (a heading or a
    list item is a sentence of its own, as a reader takes it)."""
    main = BeautifulSoup(html, "html.parser").select_one("main")
    for answer in main.select(".govuk-summary-list__value, .portal-reference, input, textarea"):
        answer.decompose()
    sentences = []
    for block in main.select(BLOCKS):
        if block.select_one(BLOCKS):
            continue  # its inner blocks are read on their own
        text = " ".join(block.get_text(" ").split())
        if text:
            sentences.append(text if ENDS_SENTENCE.search(text) else f"{text}.")
    return " ".join(sentences)


def reading_age(text: str) -> float:
    return round(flesch_kincaid_grade(text) + 5, 1)


def every_public_page(app) -> dict[str, str]:
    """{url: html} for every public page: the service's own pages, each
    scheme's pages on every path, stop
    pages, check answers and the confirmation."""
    pages: dict[str, str] = {}
    client = app.test_client()
    for url in PUBLIC_PAGES:
        pages[url] = client.get(url).get_data(as_text=True)
    for scheme in SCHEMES.values():
        pages[f"/apply/{scheme.slug}"] = client.get(f"/apply/{scheme.slug}").get_data(as_text=True)
        with app.test_request_context():
            plans = [steps(scheme, slugs, answers) for slugs, answers in walk(scheme).items()]
        for planned in plans:
            applicant = Applicant(app)
            applicant.get(page_url(scheme.first, scheme.slug))
            for _slug, forms in planned:
                pages.setdefault(applicant.path, applicant.page.html)
                for number, data in enumerate(forms):
                    if number < len(forms) - 1 and not applicant.path.endswith("/add"):
                        applicant.post(applicant.path, {"more": "yes"})
                    applicant.post(applicant.path, data)
            pages.setdefault(applicant.path, applicant.page.html)
    applicant = Applicant(app)
    complete(applicant, SELF)
    pages[applicant.path] = applicant.page.html
    applicant.post(applicant.path)
    pages[applicant.path] = applicant.page.html
    return pages


@pytest.fixture(scope="module")
def ages(app) -> dict[str, float]:
    return {
        url: reading_age(main_text(html))
        for url, html in every_public_page(app).items()
        if main_text(html).count(" ") >= 3
    }


def test_every_public_page_reads_at_an_age_of_12_or_under(ages):
    table = sorted(ages.items(), key=lambda row: -row[1])
    print(f"\nReading age (Flesch-Kincaid grade + 5) of {len(table)} public pages")
    print(f"median {statistics.median(ages.values()):.1f}, GOV.UK aims at {GOVUK_AIM}")
    for url, age in table:
        print(f"{age:5.1f}  {url}")
    too_hard = [(url, age) for url, age in table if age > MAXIMUM_AGE]
    assert not too_hard, f"above a reading age of {MAXIMUM_AGE}, worst first: {too_hard}"


def test_every_scheme_and_page_kind_was_read(ages):
    for scheme in SCHEMES.values():
        assert f"/apply/{scheme.slug}" in ages
        assert page_url("immediate-danger", scheme.slug) in ages
    assert "/other-needs" in ages
    assert page_url("check-your-answers") in ages
    assert page_url("confirmation") in ages
    assert len(ages) > 60


def test_the_measure_tells_plain_words_from_hard_ones():
    plain = "We will check our records. We will tell you what we find. You can call us."
    hard = (
        "Notwithstanding the aforementioned considerations, the determination regarding "
        "disclosure necessitates comprehensive multi-agency deliberation."
    )
    assert reading_age(plain) <= GOVUK_AIM < MAXIMUM_AGE < reading_age(hard)
