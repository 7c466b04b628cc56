"""Every path through every scheme, found from the definitions themselves and
completed through the web pages: each complete path stores one application
with the right scheme, route and deadlines; each stop page stores nothing.

Answers come from the fields: every choice of every radios or checkboxes
question, a date for an adult and one for a child, and a valid example for
each kind of text. Choices that lead to the same pages are walked once."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.journeys.engine import CHECK, Collection, Page, Scheme, Stop
from portal.journeys.fields import (
    ChoiceAnswer,
    DateAnswer,
    EmailAnswer,
    MultiChoiceAnswer,
    PhoneAnswer,
    PostcodeAnswer,
    TextAreaAnswer,
    WholeNumberAnswer,
)
from portal.journeys.registry import SCHEMES
from portal.models import Application

from .support import Applicant, days_to_complete, page_url

CHILD_BIRTHDAY = (date.today() - timedelta(days=365 * 10)).isoformat()


def samples(field) -> list:
    """Valid stored values for a field; the first is its default."""
    if isinstance(field, DateAnswer):
        return ["1980-05-17", CHILD_BIRTHDAY]
    if isinstance(field, MultiChoiceAnswer):
        return [[value] for value, _label in field.choices]
    if isinstance(field, ChoiceAnswer):
        return [value for value, _label in field.choices]
    if isinstance(field, WholeNumberAnswer):
        return [str(min(field.maximum, field.minimum + 10))]
    for kind, value in (
        (EmailAnswer, "someone@example.com"),
        (PhoneAnswer, "0121 626 5000"),
        (PostcodeAnswer, "B4 6NQ"),
        (TextAreaAnswer, "An answer\nover two lines"),
    ):
        if isinstance(field, kind):
            return [value]
    return ["An answer"]


def fields_of(form_class):
    words = defaultdict(str)  # the fields, not their wording, matter here
    return form_class(formdata=None, meta={"csrf": False}, context=words).answer_fields()


def alternatives(form_class) -> list[dict]:
    fields = fields_of(form_class)
    default = {field.name: samples(field)[0] for field in fields}
    others = [default | {field.name: value} for field in fields for value in samples(field)[1:]]
    return [default, *others]


def collection_answer(page: Collection) -> dict:
    return {"items": [alternatives(page.item_form)[0]] * max(1, page.min_items), "more": "no"}


def with_defaults(scheme: Scheme, answers: dict) -> dict:
    """Complete the answers with every later page's default."""
    while (slug := scheme.resume_slug(answers)) != CHECK:
        page = scheme.page(slug)
        if isinstance(page, Stop):
            break
        answers = answers | {
            slug: collection_answer(page)
            if isinstance(page, Collection)
            else alternatives(page.form)[0]
        }
    return answers


def walk(scheme: Scheme) -> dict[tuple[str, ...], dict]:
    """Every distinct path (its page slugs) with answers that take it."""
    found: dict[tuple[str, ...], dict] = {}

    def visit(answers: dict, slug: str) -> None:
        page = scheme.page(slug) if slug != CHECK else None
        if page is None or isinstance(page, Stop):
            found.setdefault(tuple(p.slug for p in scheme.path(answers)), answers)
            return
        if isinstance(page, Collection):
            options = [answers | {slug: collection_answer(page)}]
        else:
            options = [answers | {slug: alt} for alt in alternatives(page.form)]
        groups = {}
        for option in options:
            ending = tuple(p.slug for p in scheme.path(with_defaults(scheme, option)))
            groups.setdefault(ending, option)
        for option in groups.values():
            visit(option, page.next_slug(option))

    visit({}, scheme.first)
    return found


def post_data(form_class, stored: dict) -> dict:
    data = {}
    for field in fields_of(form_class):
        value = stored.get(field.name)
        if isinstance(field, DateAnswer):
            day = date.fromisoformat(value)
            data |= {
                f"{field.name}-day": day.day,
                f"{field.name}-month": day.month,
                f"{field.name}-year": day.year,
            }
        elif value is not None:
            data[field.name] = value
    return data


def steps(scheme: Scheme, slugs: tuple[str, ...], answers: dict) -> list[tuple[str, list]]:
    """What to post on each page of a path: a list of forms (several for a list)."""
    planned = []
    for slug in slugs:
        page = scheme.page(slug)
        if isinstance(page, Collection):
            items = [post_data(page.item_form, item) for item in answers[slug]["items"]]
            planned.append((slug, [*items, {"more": "no"}]))
        elif isinstance(page, Page):
            planned.append((slug, [post_data(page.form, answers[slug])]))
    return planned


def take(applicant: Applicant, scheme: Scheme, planned: list[tuple[str, list]]) -> None:
    for slug, forms in planned:
        assert applicant.path.startswith(page_url(slug, scheme.slug)), f"expected {slug}"
        for number, data in enumerate(forms):
            is_item = number < len(forms) - 1
            if is_item and not applicant.path.endswith("/add"):
                applicant.post(applicant.path, {"more": "yes"})  # "add another"
            applicant.post(applicant.path, data)
            assert not applicant.page.error_summary, f"{slug}: {applicant.page.error_summary}"


def count(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(Application))


@pytest.mark.parametrize("scheme_slug", sorted(SCHEMES))
def test_every_path_through_the_scheme(app, db_session, scheme_slug):
    scheme = SCHEMES[scheme_slug]
    with app.test_request_context():
        paths = walk(scheme)
        plans = {slugs: steps(scheme, slugs, answers) for slugs, answers in paths.items()}
    complete = [slugs for slugs in paths if scheme.page(slugs[-1]).is_answered(paths[slugs])]
    assert complete, "no path reaches check your answers"
    stored = 0
    for slugs, planned in plans.items():
        applicant = Applicant(app)
        applicant.get(page_url(scheme.first, scheme_slug))
        take(applicant, scheme, planned)
        if slugs not in complete:
            assert applicant.path == page_url(slugs[-1], scheme_slug), slugs
        if slugs in complete:
            assert applicant.path == page_url("check-your-answers", scheme_slug), slugs
            applicant.post(applicant.path)
            assert applicant.path == page_url("confirmation", scheme_slug)
            stored += 1
        assert count(db_session) == stored, slugs
    applications = db_session.scalars(select(Application)).all()
    for application in applications:
        assert (application.scheme, application.route) == (scheme.code, scheme.route)
        assert application.channel == "online"
        assert application.applicant_type
        assert days_to_complete(application) == scheme.deadline_days
        assert (application.triage_due_at - application.submitted_at) == timedelta(hours=24)
    # The walk reaches every page the definition declares.
    reached = {slug for slugs in paths for slug in slugs}
    assert reached == set(scheme.by_slug), set(scheme.by_slug) - reached
