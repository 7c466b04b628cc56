"""Staff in the browser: signing in with a password and then a code from the
account's authenticator app (worked out with pyotp from the secret the test
stored when it made the account), either by keyboard alone or directly, and
recording a stage of a case.

The accounts are made in the database before the test body runs (the
`staff_accounts` fixture): a test body runs in the browser's thread and must
not open an app context. The answers each stage records are those of
tests/casework_support.py, dated today."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode, urlsplit

import pyotp

from ..staff_support import PASSWORD
from .support import KeyboardUser

HOME = "/admin/"
SUBMIT = '#main-content form[method="post"] button[type="submit"]'


def code_for(staff) -> str:
    """What the authenticator app shows now."""
    return pyotp.TOTP(staff.totp_secret).now()


def dated_today(data: dict, day: date | None = None) -> dict:
    """Stage answers with every date in them moved to today (or to `day`, on
    or before today), so that none is in the future whenever the test runs.
    Today as the server sees it: the date fields compare with date.today() in
    the same process."""
    today = day or date.today()
    parts = {"day": today.day, "month": today.month, "year": today.year}
    dated = dict(data)
    for name in data:
        field, _, part = name.rpartition("-")
        if field and part in parts:
            dated[name] = str(parts[part])
    return dated


def path_of(page) -> str:
    return urlsplit(page.url).path


def submit(page) -> None:
    """Press the page's form button (a click: for tests about the page, not the keyboard)."""
    with page.expect_navigation():
        page.click(SUBMIT)


def sign_in(page, staff, scanner=None) -> None:
    """Email and password, then the code. With a scanner, axe looks at each
    page as it comes and in its error state (submitted empty) first."""
    page.goto("/admin/sign-in")
    if scanner:
        scanner.scan_form()
    page.fill('input[name="email"]', staff.email)
    page.fill('input[name="password"]', PASSWORD)
    submit(page)
    assert path_of(page) == "/admin/sign-in/code", page.url
    if scanner:
        scanner.scan_form()
    page.fill('input[name="code"]', code_for(staff))
    submit(page)
    assert path_of(page) == HOME, page.url


def sign_in_by_keyboard(user: KeyboardUser, staff) -> None:
    user.page.goto("/admin/sign-in")
    user.fill({"email": staff.email, "password": PASSWORD})
    user.continue_()
    assert user.path == "/admin/sign-in/code", (user.path, user.errors())
    user.fill({"code": code_for(staff)})
    user.continue_()
    assert user.path == HOME, (user.path, user.errors())


def record(page, case_id: int, kind: str, data: dict) -> None:
    """Record a stage without looking at its form (scanned already), as the
    form would send it, with the page's own security token (and, for a
    sign-off, the decision the page shows)."""
    hidden = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll(
             '#main-content input[type=hidden], input[name=csrf_token]')]
             .map(i => [i.name, i.value]))"""
    )
    response = page.request.post(
        f"/admin/cases/{case_id}/record/{kind}",
        data=urlencode({**data, **hidden}),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.ok and path_of(response) == f"/admin/cases/{case_id}", (
        f"{kind} was not recorded: {response.status} at {response.url}"
    )


def record_by_keyboard(user: KeyboardUser, case_id: int, kind: str, data: dict, check=None) -> None:
    """From the case page: Enter on the stage in the task list, the answers,
    Save. `check` looks at the stage's page before it is filled in."""
    user.press_enter_on(f'a.govuk-task-list__link[href="/admin/cases/{case_id}/record/{kind}"]')
    if check:
        check(user)
    user.fill(data)
    user.continue_()
    assert user.path == f"/admin/cases/{case_id}", f"{kind}: {user.errors()}"


def table_figures(page, name: str) -> dict[str, str]:
    """A statistics table as {row heading: first figure}."""
    return page.evaluate(
        """name => Object.fromEntries(
             [...document.querySelectorAll(`section[aria-labelledby="table-${name}"] tbody tr`)]
               .map(row => [row.querySelector("th").textContent.trim(),
                            row.querySelector("td").textContent.trim()]))""",
        name,
    )


def summary(page) -> dict[str, str]:
    """The first summary list on the page as {key: value}."""
    return page.evaluate(
        """() => Object.fromEntries(
             [...document.querySelector(".govuk-summary-list").querySelectorAll(
                 ".govuk-summary-list__row")]
               .map(row => [row.querySelector("dt").textContent.trim(),
                            row.querySelector("dd").textContent.trim()]))"""
    )
