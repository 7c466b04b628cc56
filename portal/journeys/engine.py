"""The journey engine's data model: a scheme is a tuple of pages, each naming
its form and the page that follows; stop pages end a journey without an
application. Everything here is pure: it reads answers and returns decisions.

Answers are a dict of {page slug: {field name: value}}, stored as JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .forms import QuestionForm

CHECK = "check-your-answers"
# Marks a page's answers as given before the journey (on the home page): the
# page is on the path and on check answers, but going forward or back passes
# it by, so nobody is asked the same thing twice. Answering the page itself
# (from check answers) drops the mark.
CARRIED = "_carried"

Answers = dict[str, dict[str, Any]]
Next = str | Callable[[Answers], str]


@dataclass(frozen=True)
class Stop:
    """A page that ends the journey with advice instead of an application."""

    slug: str
    title: Any
    template: str

    def is_answered(self, answers: Answers) -> bool:
        return False


@dataclass(frozen=True)
class Page:
    """One question page."""

    slug: str
    title: Any  # the generic <title>; never reveals what the service is about
    form: type[QuestionForm]
    next: Next
    section: Any  # the check answers section its rows go under (or a function of the answers)
    heading: Any = None  # for a page of several fields; one field's label is the heading
    template: str = "public/question.html"
    hint_html: str | None = None  # a template of guidance shown under the heading

    def next_slug(self, answers: Answers) -> str:
        return self.next(answers) if callable(self.next) else self.next

    def is_answered(self, answers: Answers) -> bool:
        return self.slug in answers

    def section_title(self, answers: Answers) -> str:
        """The section the page belongs to: its caption, and its heading on check answers."""
        return str(self.section(answers) if callable(self.section) else self.section)

    def is_carried(self, answers: Answers) -> bool:
        return bool(answers.get(self.slug, {}).get(CARRIED))

    def summary_rows(self, answers: Answers, context: dict) -> list[dict]:
        form = self.form(
            formdata=None, data=answers.get(self.slug, {}), context=context, meta={"csrf": False}
        )
        stored = answers.get(self.slug, {})
        if hasattr(form, "summary"):
            return [
                {"key": key, "value": value or None, "slug": self.slug, "field": None}
                for key, value in form.summary(stored)
            ]
        rows = []
        for item in form.answer_fields():
            if not item.in_summary or item.name not in stored:
                continue
            value = item.display(stored[item.name])
            rows.append(
                {
                    "key": item.short_name or item.label.text,
                    "value": value or None,
                    "slug": self.slug,
                    "field": item.name,
                }
            )
        return rows


@dataclass(frozen=True)
class Collection(Page):
    """An "add another" page: a list of items, each entered on its own form.

    `form` asks whether there are (more) items: a radios field named `more`
    with "yes" and "no". `item_form` is the form for one item.
    """

    item_form: type[QuestionForm] | None = None
    item_title: Any = None  # the check answers row, e.g. "Previous addresses"
    item_heading: Any = None  # the heading of the page for one item
    item_label: Any = None  # one item in the list, with %(number)s
    added_one: Any = None  # the list's heading for one item, with %(num)s
    added_many: Any = None  # the list's heading for several, with %(num)s
    first_heading: Any = None  # the question when the list is empty
    more_heading: Any = None  # the question when it is not
    empty_text: Any = None  # on check answers when the list is empty
    min_items: int = 0  # 1: the list starts with the first item's page, not a question
    max_items: int = 10
    describe: Callable[[dict], str] = str
    template: str = "public/collection.html"

    def is_answered(self, answers: Answers) -> bool:
        stored = answers.get(self.slug, {})
        return stored.get("more") == "no" and len(stored.get("items", [])) >= self.min_items

    @staticmethod
    def items(answers: Answers, slug: str) -> list[dict]:
        return list(answers.get(slug, {}).get("items", []))

    def label(self, number: int) -> str:
        return str(self.item_label) % {"number": number}

    def added_heading(self, count: int) -> str:
        return str(self.added_one if count == 1 else self.added_many) % {"num": count}

    def summary_rows(self, answers: Answers, context: dict) -> list[dict]:
        items = self.items(answers, self.slug)
        value = "\n\n".join(self.describe(item) for item in items) or None
        return [
            {
                "key": self.item_title,
                "value": value,
                "slug": self.slug,
                "field": None,
                "empty": self.empty_text,
            }
        ]


@dataclass(frozen=True)
class Scheme:
    """A whole journey: its pages and the facts every application of it records."""

    slug: str  # in URLs
    code: str  # stored on the application
    route: str
    name: Any
    deadline_days: int
    first: str
    pages: tuple[Page | Stop, ...]
    start_template: str
    confirmation_template: str
    declaration_template: str = "public/right_to_ask/declaration.html"
    context: Callable[[Answers], dict] = lambda answers: {}
    applicant_type: Callable[[Answers], str] = lambda answers: "self"
    columns: Callable[[Answers], dict] = lambda answers: {}
    # The specialist support the scheme offers (portal/force.py SUPPORT_KINDS).
    support_kind: str = "domestic_abuse"
    by_slug: dict[str, Page | Stop] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "by_slug", {page.slug: page for page in self.pages})

    def page(self, slug: str) -> Page | Stop | None:
        return self.by_slug.get(slug)

    def path(self, answers: Answers) -> list[Page | Stop]:
        """The pages the applicant goes through with these answers, up to and
        including the first one not yet answered (or a stop page)."""
        visited: list[Page | Stop] = []
        seen: set[str] = set()  # slugs: comparing the pages themselves compares every field
        slug = self.first
        while slug != CHECK:
            page = self.by_slug[slug]
            if slug in seen:
                raise ValueError(f"{self.slug}: the journey loops back to {slug}")
            seen.add(slug)
            visited.append(page)
            if not page.is_answered(answers):
                break
            slug = page.next_slug(answers)
        return visited

    def is_complete(self, answers: Answers) -> bool:
        path = self.path(answers)
        return bool(path) and path[-1].is_answered(answers)

    def resume_slug(self, answers: Answers) -> str:
        """Where the applicant carries on: the first page not answered, else check answers."""
        path = self.path(answers)
        return CHECK if path[-1].is_answered(answers) else path[-1].slug

    def reachable(self, slug: str, answers: Answers) -> bool:
        return slug in {page.slug for page in self.path(answers)}

    def previous_slug(self, slug: str, answers: Answers) -> str | None:
        """The page before this one on the path, passing by carried answers."""
        path = self.path(answers)
        slugs = [page.slug for page in path]
        index = len(slugs) if slug == CHECK else (slugs.index(slug) if slug in slugs else 0)
        earlier = [page.slug for page in path[:index] if not page.is_carried(answers)]
        return earlier[-1] if earlier else None

    def following_slug(self, page: Page, answers: Answers) -> str:
        """The page after this one, passing by pages whose answers were carried."""
        slug = page.next_slug(answers)
        seen = {page.slug}
        while slug != CHECK and slug not in seen:
            following = self.by_slug[slug]
            if not (isinstance(following, Page) and following.is_carried(answers)):
                break
            seen.add(slug)
            slug = following.next_slug(answers)
        return slug

    def answers_on_path(self, answers: Answers) -> Answers:
        """Only the answers on the applicant's current path: a changed branch
        leaves answers behind that are neither shown nor sent."""
        return {
            page.slug: answers[page.slug] for page in self.path(answers) if page.slug in answers
        }

    def sections(self, answers: Answers) -> list[dict]:
        context = self.context(answers)
        sections: list[dict] = []
        for page in self.path(answers):
            if not isinstance(page, Page) or not page.is_answered(answers):
                continue
            title = page.section_title(answers)
            if not sections or sections[-1]["title"] != title:
                sections.append({"title": title, "rows": []})
            sections[-1]["rows"].extend(page.summary_rows(answers, context))
        return sections

    def validate(self) -> None:
        """Fail loudly on a definition that cannot work: a next page that does
        not exist, a page no path reaches, or a field without a label."""
        targets = self.targets()
        problems = (
            [f"first page {self.first!r} is not defined"] if self.first not in self.by_slug else []
        )
        problems += [
            f"a page leads to {target!r}, which is not defined"
            for target in sorted(targets - {CHECK} - set(self.by_slug))
        ]
        problems += [
            f"{page.slug}: no page leads to it"
            for page in self.pages
            if page.slug not in targets | {self.first}
        ]
        for page in self.pages:
            problems += [f"{page.slug}: field {name!r} has no label" for name in unlabelled(page)]
        if problems:
            raise ValueError(f"Journey {self.slug!r} is not valid: " + "; ".join(problems))

    def targets(self) -> set[str]:
        """Every page some page can lead to; a branch declares its own with @branch."""
        found: set[str] = set()
        for page in self.pages:
            if isinstance(page, Page):
                found.update(
                    getattr(page.next, "targets", ()) if callable(page.next) else (page.next,)
                )
        return found


def unlabelled(page: Page | Stop) -> list[str]:
    forms = [getattr(page, "form", None), getattr(page, "item_form", None)]
    names = []
    for form_class in filter(None, forms):
        for name, unbound in vars(form_class).items():
            if hasattr(unbound, "field_class") and not (unbound.args and unbound.args[0]):
                names.append(name)
    return names


def answer(answers: Answers, slug: str, name: str):
    """One stored answer: the field `name` on page `slug`, or None."""
    return answers.get(slug, {}).get(name)


def branch(*targets: str):
    """Declare the pages a branching function can lead to, so the definition
    can be checked when the app starts."""

    def wrap(function):
        function.targets = targets
        return function

    return wrap


def when(slug: str, field: str, *, equals=None, includes=None, then: str, otherwise: str):
    """A declared branch on one answer: go to `then` when the answer equals a
    value (radios) or includes one of some values (checkboxes), else `otherwise`."""

    @branch(then, otherwise)
    def choose(answers: Answers) -> str:
        value = answer(answers, slug, field)
        if includes is not None:
            matched = bool(set(value or []) & set(includes))
        else:
            matched = value == equals
        return then if matched else otherwise

    return choose
