"""A person at a keyboard, and the answers they give.

`KeyboardUser` only presses keys: Tab to move from one control to the next,
the arrow keys inside a group of radios (the one way a keyboard moves between
them), Space to select, typing to fill in, Enter to follow a link or press a
button. It never clicks and never sets a value directly.

The answers come from the scheme definitions, through the same helpers that
tests/test_every_path.py uses to walk every path (the `journeys` fixture)."""

from __future__ import annotations

from urllib.parse import urlsplit

from portal.journeys.engine import Scheme, Stop
from portal.journeys.registry import SCHEMES
from portal.public.pages import SCHEME_FOR

from ..support import page_url

MAX_TABS = 80  # a page with more tab stops than this is a problem in itself

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "(page)";
  const name = el.getAttribute("name") || el.getAttribute("href") || "";
  return `${el.tagName.toLowerCase()} ${name} ${(el.value || el.textContent || "").trim()}`
    .slice(0, 80);
}"""

UNDER_UNCHOSEN_CHOICE = """name => {
  const reveal = document.querySelector(`[name="${name}"]`).closest('[id^="conditional-"]');
  if (!reveal) return false;
  const choice = document.querySelector(
    `[aria-controls="${reveal.id}"], [data-aria-controls="${reveal.id}"]`);
  return !!choice && !choice.checked;
}"""


class KeyboardUser:
    def __init__(self, page, check_page=None):
        self.page = page
        self.check_page = check_page  # called on every page reached, e.g. to measure its width

    @property
    def path(self) -> str:
        return urlsplit(self.page.url).path

    def focus_is(self, selector: str) -> bool:
        return self.page.evaluate(
            "s => !!document.activeElement && document.activeElement.matches(s)", selector
        )

    def tab_to(self, selector: str) -> None:
        """Press Tab until the element matching `selector` has focus."""
        visited = []
        for _ in range(MAX_TABS):
            self.page.keyboard.press("Tab")
            if self.focus_is(selector):
                return
            visited.append(self.page.evaluate(FOCUSED))
        raise AssertionError(
            f"{self.path}: Tab never reached {selector}; focus went to: " + " | ".join(visited)
        )

    def choose(self, name: str, value: str) -> None:
        """A radio: Tab into its group, arrow keys to the choice, Space to select."""
        self.tab_to(f'input[type="radio"][name="{name}"]')
        wanted = f'input[type="radio"][name="{name}"][value="{value}"]'
        for _ in range(30):
            if self.focus_is(wanted):
                self.page.keyboard.press("Space")
                assert self.page.is_checked(wanted), f"{self.path}: Space did not select {value}"
                return
            self.page.keyboard.press("ArrowDown")
        raise AssertionError(f"{self.path}: the arrow keys never reached {wanted}")

    def tick(self, name: str, value: str) -> None:
        """A checkbox: Tab to it and press Space."""
        box = f'input[type="checkbox"][name="{name}"][value="{value}"]'
        self.tab_to(box)
        self.page.keyboard.press("Space")
        assert self.page.is_checked(box), f"{self.path}: Space did not tick {value}"

    def type_into(self, name: str, text: str) -> None:
        self.tab_to(f'input[name="{name}"], textarea[name="{name}"]')
        self.page.keyboard.type(text)  # a new line in a textarea is the Enter key

    def fill(self, data: dict) -> None:
        """Answer every field in `data` in the order the page shows them,
        passing over those revealed by a choice that was not made."""
        for name, value in self.in_page_order(data):
            if self.page.evaluate(UNDER_UNCHOSEN_CHOICE, name):
                continue
            kind = self.page.get_attribute(f'[name="{name}"]', "type")
            if kind == "radio":
                self.choose(name, str(value))
            elif kind == "checkbox":
                self.tick(name, str(value))
            elif str(value):
                self.type_into(name, str(value))

    def in_page_order(self, data: dict) -> list[tuple[str, object]]:
        pairs = [
            (name, item)
            for name, value in data.items()
            for item in (value if isinstance(value, list) else [value])
        ]
        selectors = [
            f'[name="{name}"][value="{item}"]'
            if isinstance(data[name], list)
            else f'[name="{name}"]'
            for name, item in pairs
        ]
        order = self.page.evaluate(
            """sels => { const all = [...document.querySelectorAll("input, textarea")];
                         return sels.map(s => all.indexOf(document.querySelector(s))); }""",
            selectors,
        )
        missing = [pair[0] for pair, position in zip(pairs, order, strict=True) if position < 0]
        assert not missing, f"{self.path}: no field named {missing}"
        return [pair for _position, pair in sorted(zip(order, pairs, strict=True))]

    def press_enter_on(self, selector: str) -> None:
        """Tab to a link or button and press Enter; wait for the next page."""
        self.tab_to(selector)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")
        if self.check_page:
            self.check_page(self.page)

    def continue_(self) -> None:
        self.press_enter_on('#main-content form[method="post"] button[type="submit"]')

    def errors(self) -> list[str]:
        return self.page.locator(".govuk-error-summary__list a").all_inner_texts()


def landing_choice(scheme: Scheme, planned: list) -> tuple[str, list]:
    """The answer to "What are you worried about?" that leads to a scheme on
    this path, and the path's pages left to fill in (a page the answer has
    already answered is not asked again)."""
    for worry, (slug, carried) in SCHEME_FOR.items():
        if slug != scheme.slug:
            continue
        if carried is None:
            return worry, planned
        carried_slug, data = carried
        rest = [(step, forms) for step, forms in planned if step != carried_slug]
        if all(forms == [data] for step, forms in planned if step == carried_slug):
            return worry, rest
    raise AssertionError(f"no answer on the home page leads to {scheme.slug} on this path")


def ends_in_application(scheme: Scheme, slugs: tuple[str, ...]) -> bool:
    return not isinstance(scheme.page(slugs[-1]), Stop)


def longest_application(scheme: Scheme, paths: dict) -> list[tuple[str, list[dict]]]:
    """The forms to fill in on the longest path that ends in an application."""
    complete = [slugs for slugs in paths if ends_in_application(scheme, slugs)]
    return paths[max(complete, key=len)]


def apply_by_keyboard(user: KeyboardUser, journeys: dict, scheme_slug: str) -> str:
    """From the landing page to the confirmation; returns the reference shown."""
    scheme = SCHEMES[scheme_slug]
    page = user.page
    page.goto("/")
    if user.check_page:
        user.check_page(page)
    worry, planned = landing_choice(scheme, longest_application(scheme, journeys[scheme_slug]))
    user.fill({"worry": worry})
    user.continue_()
    assert user.path == f"/apply/{scheme.slug}", user.path
    user.press_enter_on("#main-content a.govuk-button--start")
    assert user.path.endswith("/before-you-start"), user.path
    user.press_enter_on(f'#main-content a.govuk-button[href$="/{scheme.first}"]')
    for slug, forms in planned:
        expected = page_url(slug, scheme.slug)
        assert user.path.startswith(expected), f"expected {expected}, at {user.path}"
        for number, data in enumerate(forms):
            is_item = number < len(forms) - 1
            if is_item and not user.path.endswith("/add"):
                user.fill({"more": "yes"})  # "add another"
                user.continue_()
            user.fill(data)
            user.continue_()
            assert not user.errors(), f"{slug}: {user.errors()}"
    assert user.path == page_url("check-your-answers", scheme.slug), user.path
    user.continue_()  # Accept and send
    assert user.path == page_url("confirmation", scheme.slug), user.path
    return page.locator(".portal-reference").inner_text()
