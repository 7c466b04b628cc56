"""The words of every question page, as the applicant reads them: each page
says which part of the form it is in, and each question names its person
unambiguously. Pages are found by walking every path of every scheme (as
tests/test_every_path.py does); each is read as shown and again with the
errors an empty answer gets."""

from __future__ import annotations

import re

import pytest

from portal.journeys import child_protection, common, right_to_ask, right_to_know
from portal.journeys.engine import Page
from portal.journeys.registry import SCHEMES

from .support import Applicant, page_url
from .test_every_path import steps, walk

# The section captions that name the person their questions are about, so a
# question there may say "they" and "their".
PERSON_CAPTIONS = {
    str(right_to_ask.SUBJECT),
    str(right_to_ask.AT_RISK),
    str(common.AT_RISK_CONTACT),
    str(right_to_know.SUBJECT),
    str(child_protection.CHILDREN),
}
SUBJECT_CAPTIONS = {str(right_to_ask.SUBJECT), str(right_to_know.SUBJECT)}
PRONOUN = re.compile(r"\b(they|their|them|themselves)\b", re.IGNORECASE)


def words(page) -> dict:
    """The caption, and the question's own words: the heading, labels,
    legends, hints and choices; and any error messages."""
    soup = page.soup
    form = soup.select_one("main form") or soup.select_one("main")
    parts = [
        node.get_text(" ")
        for node in form.select(
            "h1, legend, label, .govuk-hint, .govuk-radios__label, .govuk-checkboxes__label"
        )
    ]
    caption = soup.select_one("main .govuk-caption-l")
    return {
        "caption": " ".join(caption.get_text().split()) if caption else "",
        "question": " ".join(" ".join(parts).split()),
        "errors": page.inline_errors,
    }


def read_every_page(app, scheme) -> list[tuple[str, bool, dict]]:
    """(slug, for the applicant themselves, words) for every question page on
    every path, each read as shown and with the errors of an empty answer."""
    with app.test_request_context():
        paths = walk(scheme)
        plans = [(answers, steps(scheme, slugs, answers)) for slugs, answers in paths.items()]
        captions = {
            id(answers): {
                page.slug: page.section_title(answers)
                for page in scheme.path(answers)
                if isinstance(page, Page)
            }
            for answers, _planned in plans
        }
    read = []
    for answers, planned in plans:
        for_self = scheme.slug == "right-to-ask" and right_to_ask.for_self(answers)
        applicant = Applicant(app)
        applicant.get(page_url(scheme.first, scheme.slug))
        for slug, forms in planned:
            shown = words(applicant.page)
            url = applicant.path
            applicant.post(url, {})
            shown["errors"] = words(applicant.page)["errors"]
            applicant.get(url)
            shown["section"] = captions[id(answers)][slug]
            read.append((slug, for_self, shown))
            for number, data in enumerate(forms):
                if number < len(forms) - 1 and not applicant.path.endswith("/add"):
                    applicant.post(applicant.path, {"more": "yes"})
                applicant.post(applicant.path, data)
    return read


@pytest.fixture(scope="module")
def every_page(app):
    return {slug: read_every_page(app, scheme) for slug, scheme in SCHEMES.items()}


@pytest.mark.parametrize("scheme_slug", sorted(SCHEMES))
def test_every_question_page_shows_its_section_as_a_caption(every_page, scheme_slug):
    scheme = SCHEMES[scheme_slug]
    read = every_page[scheme_slug]
    assert {slug for slug, _self, _words in read} == {
        page.slug for page in scheme.pages if isinstance(page, Page)
    }
    for slug, _for_self, shown in read:
        assert shown["caption"], f"{scheme_slug}/{slug} has no caption"
        assert shown["caption"] == shown["section"], slug


@pytest.mark.parametrize("scheme_slug", sorted(SCHEMES))
def test_worried_about_always_means_the_person_you_are_worried_about(every_page, scheme_slug):
    """ "Who are you worried about?" asks about the suspected abuser, and only
    there; elsewhere the words appear only as "the person you are worried about"."""
    for slug, _for_self, shown in every_page[scheme_slug]:
        text = " ".join([shown["question"], *shown["errors"]]).lower()
        if shown["caption"] in SUBJECT_CAPTIONS:
            continue
        loose = text.replace("the person you are worried about", "")
        assert "worried about" not in loose, f"{scheme_slug}/{slug}: {shown['question']}"


def test_an_applicant_for_themselves_is_you_never_the_person_at_risk(every_page):
    self_pages = [(slug, shown) for slug, for_self, shown in every_page["right-to-ask"] if for_self]
    assert len(self_pages) > 15
    for slug, shown in self_pages:
        text = " ".join([shown["caption"], shown["question"], *shown["errors"]]).lower()
        assert "person at risk" not in text, f"{slug}: {text}"


def test_an_applicant_for_someone_else_is_asked_about_the_person_at_risk_by_name(every_page):
    other = {slug: shown for slug, for_self, shown in every_page["right-to-ask"] if not for_self}
    for slug in ("person-at-risk", "contact-at-risk", "at-risk-safe-contact", "area"):
        assert "person at risk" in (other[slug]["caption"] + other[slug]["question"]).lower()


@pytest.mark.parametrize("scheme_slug", sorted(SCHEMES))
def test_they_and_their_are_used_only_where_the_caption_names_the_person(every_page, scheme_slug):
    for slug, _for_self, shown in every_page[scheme_slug]:
        text = " ".join([shown["question"], *shown["errors"]])
        if PRONOUN.search(text):
            assert shown["caption"] in PERSON_CAPTIONS, (
                f"{scheme_slug}/{slug} says {PRONOUN.search(text).group()!r} under "
                f"{shown['caption']!r}: {text}"
            )


@pytest.mark.parametrize("scheme_slug", sorted(SCHEMES))
def test_error_messages_speak_to_the_person_answering(every_page, scheme_slug):
    """GOV.UK's error messages say "Enter your ..." or "Select ...", never "the applicant"."""
    messages = [m for _slug, _self, shown in every_page[scheme_slug] for m in shown["errors"]]
    assert messages
    for message in messages:
        assert "applicant" not in message.lower(), message
        assert not message.lower().startswith(("error", "invalid", "please")), message
