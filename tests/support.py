"""A test applicant: a test client that reads pages the way a person does,
fills in the form it finds, and follows where the service sends it."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from flask import Flask

from portal.journeys.common import SAFE_DAYS, SAFE_PERIODS

SCHEME = "right-to-ask"


def page_url(slug: str, scheme: str = SCHEME) -> str:
    return f"/apply/{scheme}/{slug}"


# Every public page someone can open without answering anything.
PUBLIC_PAGES = [
    "/",
    "/apply/right-to-ask",
    "/apply/right-to-ask/before-you-start",
    page_url("immediate-danger"),
    "/apply/right-to-know",
    "/apply/right-to-know/before-you-start",
    page_url("immediate-danger", "right-to-know"),
    "/apply/child-protection",
    "/apply/child-protection/before-you-start",
    page_url("immediate-danger", "child-protection"),
    "/safety",
    "/cookies",
    "/privacy",
    "/accessibility",
    "/contact",
    "/other-needs",
    "/answers-deleted",
]


@dataclass
class Page:
    status: int
    url: str
    html: str
    soup: BeautifulSoup

    @property
    def title(self) -> str:
        return " ".join(self.soup.title.get_text().split())

    @property
    def h1(self) -> str:
        return " ".join(self.soup.find("h1").get_text().split())

    @property
    def error_summary(self) -> list[str]:
        summary = self.soup.select(".govuk-error-summary__list a")
        return [" ".join(link.get_text().split()) for link in summary]

    @property
    def error_links(self) -> list[str]:
        return [link["href"] for link in self.soup.select(".govuk-error-summary__list a")]

    @property
    def inline_errors(self) -> list[str]:
        messages = self.soup.select(".govuk-error-message")
        return [" ".join(m.get_text().replace("Error:", "", 1).split()) for m in messages]

    def summary(self) -> dict[str, str]:
        rows = {}
        for row in self.soup.select(".govuk-summary-list__row"):
            key = " ".join(row.select_one(".govuk-summary-list__key").get_text().split())
            value = row.select_one(".govuk-summary-list__value")
            rows[key] = "\n".join(
                " ".join(part.split()) for part in value.get_text("\n").split("\n") if part.strip()
            )
        return rows

    def value_of(self, name: str) -> str | None:
        field = self.soup.find(attrs={"name": name})
        if field is None:
            return None
        if field.name == "textarea":
            return field.get_text()
        return field.get("value")

    def checked(self, name: str) -> list[str]:
        return [
            i["value"]
            for i in self.soup.find_all("input", attrs={"name": name})
            if i.has_attr("checked")
        ]


class Applicant:
    def __init__(self, app: Flask):
        self.app = app
        self.client = app.test_client()
        self.page: Page | None = None

    def _read(self, response) -> Page:
        html = response.get_data(as_text=True)
        return Page(
            response.status_code, response.request.path, html, BeautifulSoup(html, "html.parser")
        )

    def get(self, url: str, follow: bool = True) -> Page:
        self.page = self._read(self.client.get(url, follow_redirects=follow))
        return self.page

    def csrf_token(self) -> str:
        field = self.page.soup.find("input", attrs={"name": "csrf_token"}) if self.page else None
        if field is None:
            self.get(page_url("immediate-danger"))
            field = self.page.soup.find("input", attrs={"name": "csrf_token"})
        return field["value"]

    def post(self, url: str, data: dict | None = None, follow: bool = True) -> Page:
        payload = {"csrf_token": self.csrf_token(), **(data or {})}
        self.page = self._read(self.client.post(url, data=payload, follow_redirects=follow))
        return self.page

    def answer(self, slug: str, data: dict, scheme: str = SCHEME, change: bool = False) -> Page:
        url = page_url(slug, scheme) + ("?change=1" if change else "")
        self.get(url)
        assert self.page.status == 200, f"{url} answered {self.page.status}"
        return self.post(url, data)

    @property
    def path(self) -> str:
        return urlsplit(self.page.url).path

    def session_cookie(self) -> str | None:
        cookie = self.client.get_cookie(self.app.config["SESSION_COOKIE_NAME"])
        return cookie.value if cookie else None


# Answers for a complete application, page by page, in journey order.
SELF = {
    "immediate-danger": {"danger": "no"},
    "who-for": {"who": "myself"},
    "area": {"area": "coventry"},
    "your-name": {"full_name": "Alex Example"},
    "your-date-of-birth": {
        "date_of_birth-day": "3",
        "date_of_birth-month": "4",
        "date_of_birth-year": "1990",
    },
    "your-address": {
        "line_1": "1 Test Street",
        "line_2": "",
        "town": "Coventry",
        "postcode": "cv1 2ab",
    },
    "subject-name": {"full_name": "Sam Subject", "other_names": "Sammy"},
    "subject-date-of-birth": {"known": "age", "approximate_age": "40"},
    "subject-address": {"known": "yes", "address": "2 Other Road\nCoventry", "postcode": ""},
    "previous-addresses": {"more": "no"},
    "subject-description": {"description": "Tall, drives a red van"},
    "relationship": {"relationship": "partner"},
    "living": {"living": "together"},
    "concerns": {"concerns": ["threats", "controlling_behaviour"]},
    "concern-details": {"details": "He checks my phone.\nHe threatened me."},
    "children": {"children": "no"},
    "safe-contact": {"channels": ["phone", "in_person"], "phone": "07911 123456"},
    "safe-times": {
        "safe_days": ["monday", "tuesday", "wednesday", "thursday", "friday"],
        "safe_periods": ["morning"],
        "safe_times": "",
    },
    "voicemail": {"voicemail": "no"},
    "say-police": {"say_police": "no"},
    "communication": {"needs": ["none"]},
    "support": {"consent": "yes"},
}

SOMEONE_ELSE = {
    "immediate-danger": {"danger": "no"},
    "who-for": {"who": "someone_else"},
    "person-at-risk": {"full_name": "Jo Daughter", "age": "24"},
    "relationship-to-person": {"relationship": "parent"},
    "area": {"area": "walsall"},
    "person-knows": {"knows": "yes"},
    "contact-at-risk": {"contact": "yes"},
    "at-risk-safe-contact": {"channels": ["text"], "mobile": "07700 900982"},
    "at-risk-safe-times": {"safe_days": ["saturday"], "safe_periods": ["afternoon"]},
    "at-risk-voicemail": {"voicemail": "no"},
    "at-risk-say-police": {"say_police": "no"},
    "your-name": {"full_name": "Pat Parent"},
    "your-date-of-birth": {
        "date_of_birth-day": "12",
        "date_of_birth-month": "11",
        "date_of_birth-year": "1965",
    },
    "your-address": {"line_1": "3 Home Lane", "town": "Walsall", "postcode": "WS1 1AA"},
    "subject-name": {"full_name": "Chris Concern", "other_names": ""},
    "subject-date-of-birth": {
        "known": "date",
        "date_of_birth-day": "1",
        "date_of_birth-month": "2",
        "date_of_birth-year": "1988",
    },
    "subject-address": {"known": "no"},
    "previous-addresses": {"more": "no"},
    "subject-description": {"description": ""},
    "relationship": {"relationship": "ex_partner"},
    "living": {"living": "in_contact"},
    "concerns": {"concerns": ["stalking_harassment"]},
    "concern-details": {"details": "Follows her home."},
    "children": {"children": "yes", "details": "A boy aged 4"},
    "safe-contact": {"channels": ["email"], "email": "pat@example.com"},
    "safe-times": {
        "safe_days": [day for day, _label in SAFE_DAYS],
        "safe_periods": [period for period, _label in SAFE_PERIODS],
    },
    "say-police": {"say_police": "yes"},
    "communication": {"needs": ["interpreter"], "language": "Polish"},
    "support": {},
}


def complete(applicant: Applicant, answers: dict, scheme: str = SCHEME) -> Page:
    """Answer every page in order and arrive at check your answers."""
    for slug, data in answers.items():
        page = applicant.answer(slug, data, scheme)
        assert page.status == 200, f"{slug}: {page.status} {page.error_summary}"
        assert not page.error_summary, f"{slug}: {page.error_summary}"
    assert applicant.path == page_url("check-your-answers", scheme)
    return applicant.page


def reach(applicant: Applicant, slug: str, route: dict, scheme: str = SCHEME) -> None:
    """Answer every page before `slug` on a route."""
    for earlier, data in route.items():
        if earlier == slug:
            return
        applicant.answer(earlier, data, scheme)
    raise AssertionError(f"{slug} is not on this route")


def assert_error(page: Page, messages: list[str]) -> None:
    """The Design System's error pattern: the same words in the summary and on
    the fields, "Error: " in the title, every summary link landing on a field."""
    assert page.error_summary == messages
    assert page.inline_errors == messages
    assert page.title.startswith("Error: ")
    for href in page.error_links:
        assert page.soup.find(id=href.lstrip("#")) is not None, f"{href} links to nothing"


def days_to_complete(application) -> int:
    """Calendar days from the day received to the completion deadline, in London time."""
    from portal.clock import as_utc
    from portal.deadlines import local_date

    return (local_date(as_utc(application.completion_due_at)) - application.submitted_on).days
