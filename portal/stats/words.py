"""The forms' own words for the statistics: pages and questions as the public
sees them (the heading or the question asked), not their slugs, and the
pages in journey order."""

from __future__ import annotations

from portal.journeys.engine import Collection, Page, Scheme
from portal.journeys.registry import SCHEMES

from .queries import per_request
from .versions import fields_of


def personalised(scheme: Scheme, text) -> str:
    text = str(text)
    if "%(" not in text:
        return text
    try:
        return text % {key: str(value) for key, value in scheme.context({}).items()}
    except (KeyError, ValueError, TypeError):
        return text


def label_of(unbound) -> str:
    label = unbound.args[0] if unbound.args else unbound.kwargs.get("label", "")
    return str(label)


def pages(scheme: Scheme) -> list[Page]:
    """The question pages in the order the journey meets them."""
    return [page for page in scheme.pages if isinstance(page, Page)]


@per_request  # a page of tables names the same pages again and again
def page_words(scheme_slug: str, slug: str) -> str:
    scheme = SCHEMES.get(scheme_slug)
    page = scheme.page(slug) if scheme else None
    if not isinstance(page, Page):
        return slug
    if isinstance(page, Collection) and page.first_heading:
        return personalised(scheme, page.first_heading)
    if page.heading:
        return personalised(scheme, page.heading)
    fields = fields_of(page.form)
    if fields:
        return personalised(scheme, label_of(fields[0][1]))
    return personalised(scheme, page.title)


@per_request
def question_words(scheme_slug: str, slug: str, question: str) -> str:
    scheme = SCHEMES.get(scheme_slug)
    page = scheme.page(slug) if scheme else None
    if not isinstance(page, Page):
        return question
    forms = [page.form] + ([page.item_form] if isinstance(page, Collection) else [])
    for form in forms:
        for name, unbound in fields_of(form):
            if name == question:
                return personalised(scheme, label_of(unbound))
    return question
