"""axe-core (bundled by axe-playwright-python) on every public page, in the
browser: the information pages, the landing question, and every page of
every scheme, each question both as it first appears and in its error state
(submitted empty), the "add another" pages, check your answers, the
confirmation and the stop pages. A test fails listing every violation of
WCAG 2.0, 2.1 and 2.2 at levels A and AA: rule, page and element.

How many axe rules ran on each page is kept in the run's closing summary.
The staff pages are scanned in the same way by test_staff_axe.py."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from portal.journeys.engine import CHECK, Collection, Stop
from portal.journeys.registry import SCHEMES

from ..support import PUBLIC_PAGES, page_url

pytestmark = pytest.mark.browser

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
RESULT_KINDS = ("violations", "passes", "incomplete", "inapplicable")
AXE = Axe()
SUBMIT = '#main-content form[method="post"] button[type="submit"]'


def is_known_issue(rule: str, node: dict) -> bool:
    """The one finding accepted, and only exactly this: `aria-expanded` on a
    GOV.UK radio that reveals a further question. GOV.UK Frontend sets it on
    purpose: screen readers announce it and research found it helps, though
    ARIA 1.2 does not list it for radios (alphagov/govuk-frontend#979). The
    accessibility statement lists it under known issues."""
    checks = node["all"] + node["any"] + node["none"]
    return (
        rule == "aria-allowed-attr"
        and 'class="govuk-radios__input"' in node["html"]
        and "aria-controls=" in node["html"]
        and all(item.startswith("aria-expanded=") for c in checks for item in c["data"] or [])
    )


class Scanner:
    """Runs axe on the page in view and keeps what it found."""

    def __init__(self, page, log: list):
        self.page = page
        self.log = log
        self.violations: list[str] = []
        self.known = 0  # findings of the one known issue (see is_known_issue)
        self.hidden: dict[str, str] = {}  # secrets in addresses (set-up links), and what to show

    def hide(self, secret: str, shown: str) -> None:
        """Report pages whose address holds `secret` with `shown` in its place."""
        self.hidden[secret] = shown

    def scan(self, state: str = "") -> None:
        results = AXE.run(self.page, options=OPTIONS).response
        where = urlsplit(self.page.url).path + (f" ({state})" if state else "")
        for secret, shown in self.hidden.items():
            where = where.replace(secret, shown)
        known_before = self.known
        for violation in results["violations"]:
            for node in violation["nodes"]:
                if is_known_issue(violation["id"], node):
                    self.known += 1
                    continue
                self.violations.append(
                    f"{violation['id']} ({violation['impact']}) on {where}: "
                    f"{' '.join(map(str, node['target']))}: {violation['help']}"
                )
        self.log.append(
            {
                "page": where,
                "version": results["testEngine"]["version"],
                "tags": TAGS,
                "rules": len({rule["id"] for kind in RESULT_KINDS for rule in results[kind]}),
                "known": self.known - known_before,
                **{kind: len(results[kind]) for kind in RESULT_KINDS},
            }
        )

    def scan_form(self) -> None:
        """The page as it comes, then submitted empty (its error state)."""
        self.scan()
        with self.page.expect_navigation():
            self.page.click(SUBMIT)
        if self.page.locator(".govuk-error-summary").count():
            self.scan("error")

    def visit(self, url: str, form: bool = True) -> None:
        self.page.goto(url)
        if form:
            self.scan_form()
        else:
            self.scan()

    def assert_no_violations(self) -> None:
        assert not self.violations, f"{len(self.violations)} axe violations:\n" + "\n".join(
            self.violations
        )


def post(page, url: str, data: dict) -> None:
    """Answer a page without looking at it (it was scanned on another path)."""
    token = page.evaluate("document.querySelector('input[name=csrf_token]')?.value")
    body = urlencode({**data, "csrf_token": token}, doseq=True)
    response = page.request.post(
        url, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.ok, f"{url} answered {response.status}"


def answer(page, scheme, slug: str, forms: list[dict]) -> None:
    url = page_url(slug, scheme.slug)
    if isinstance(scheme.page(slug), Collection):
        for item in forms[:-1]:
            post(page, f"{url}/add", item)
    post(page, url, forms[-1])


def scan_collection(scanner: Scanner, scheme, slug: str, forms: list[dict]) -> None:
    """The empty list's question, the page for one item, the list with an
    item in it, and the page that asks whether to remove one."""
    page, url = scanner.page, page_url(slug, scheme.slug)
    page.goto(url)
    if not page.url.endswith("/add"):
        scanner.scan_form()
    scanner.visit(f"{url}/add")
    for item in forms[:-1]:
        post(page, f"{url}/add", item)
    scanner.visit(url)
    scanner.visit(f"{url}/0/remove")
    post(page, url, forms[-1])


def scan_path(scanner: Scanner, scheme, slugs, planned, seen: set[str]) -> None:
    page = scanner.page
    page.goto(page_url(scheme.first, scheme.slug))
    for slug, forms in planned:
        if slug in seen:
            answer(page, scheme, slug, forms)
        elif isinstance(scheme.page(slug), Collection):
            scan_collection(scanner, scheme, slug, forms)
        else:
            scanner.visit(page_url(slug, scheme.slug))
            answer(page, scheme, slug, forms)
        seen.add(slug)
    last = slugs[-1]
    if isinstance(scheme.page(last), Stop):
        scanner.visit(page_url(last, scheme.slug), form=False)
        seen.add(last)
    elif CHECK not in seen:
        scanner.visit(page_url(CHECK, scheme.slug), form=False)
        with page.expect_navigation():
            page.click(SUBMIT)  # Accept and send
        assert page.url.endswith("/confirmation"), page.url
        scanner.scan()
        seen.add(CHECK)


def pages_on(scheme, slugs: tuple[str, ...]) -> set[str]:
    ends = slugs[-1]
    return set(slugs) if isinstance(scheme.page(ends), Stop) else {*slugs, CHECK}


def scan_scheme(scanner: Scanner, open_page, journeys, scheme, first_url: str = "") -> None:
    """Each path that reaches a page not yet scanned is taken by a new applicant
    (who opens `first_url` first: a language's toggle, say)."""
    seen: set[str] = set()
    for slugs, planned in journeys[scheme.slug].items():
        if pages_on(scheme, slugs) <= seen:
            continue
        scanner.page = open_page()
        if first_url:
            scanner.page.goto(first_url)
        scan_path(scanner, scheme, slugs, planned, seen)
    assert seen == {*scheme.by_slug, CHECK}, {*scheme.by_slug, CHECK} ^ seen


@pytest.mark.parametrize("scheme_slug", sorted(SCHEMES))
def test_no_page_of_the_scheme_fails_axe(open_page, journeys, axe_log, scheme_slug):
    scanner = Scanner(None, axe_log)
    scan_scheme(scanner, open_page, journeys, SCHEMES[scheme_slug])
    scanner.assert_no_violations()


def test_no_information_page_fails_axe(open_page, axe_log):
    scanner = Scanner(open_page(), axe_log)
    for url in PUBLIC_PAGES:
        scanner.visit(url, form=url == "/")  # the landing question, in its error state too
    scanner.visit("/a-page-that-does-not-exist", form=False)
    scanner.assert_no_violations()
