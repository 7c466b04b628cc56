"""Page weight, measured in the browser as bytes on the wire (Chromium's
encodedDataLength: compressed bodies plus headers). The first page anyone
loads (the landing question or a scheme's start page) must stay small on a
slow or metered phone, and must not contact any other site. Static files are compressed and cached
for a year under hashed names, so a later page costs little more than its HTML."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from portal.journeys.registry import SCHEMES

from .support import KeyboardUser

pytestmark = pytest.mark.browser

KB = 1024
FIRST_LOAD_LIMIT = 60 * KB
FIRST_LOAD_SCRIPT_LIMIT = 15 * KB
LATER_PAGE_LIMIT = 10 * KB
YEAR = 365 * 24 * 60 * 60


class Transfers:
    """What the page fetched, from Chromium's own network events."""

    def __init__(self, page):
        self.page = page
        self.cdp = page.context.new_cdp_session(page)
        self.requests: dict[str, dict] = {}
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.responseReceived", self._received)
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.send("Network.enable")

    def _sent(self, event) -> None:
        if "redirectResponse" in event:  # a redirect goes on under the same id
            redirect = event["redirectResponse"]
            self.requests[event["requestId"] + " redirect"] = {
                "url": redirect["url"],
                "status": redirect["status"],
                "bytes": redirect["encodedDataLength"],
            }
        self.requests.setdefault(event["requestId"], {"bytes": 0})["url"] = event["request"]["url"]

    def _received(self, event) -> None:
        response = event["response"]
        self.requests.setdefault(event["requestId"], {"bytes": 0}).update(
            type=event["type"],
            status=response["status"],
            headers={k.lower(): v for k, v in response["headers"].items()},
            from_cache=response.get("fromDiskCache") or response.get("fromPrefetchCache"),
        )

    def _finished(self, event) -> None:
        self.requests.setdefault(event["requestId"], {})["bytes"] = event["encodedDataLength"]

    def start(self) -> None:
        self.requests.clear()

    def settle(self) -> list[dict]:
        self.page.wait_for_load_state("networkidle")
        return list(self.requests.values())


def total(requests: list[dict], kind: str | None = None) -> int:
    return sum(r["bytes"] for r in requests if kind is None or r.get("type") == kind)


def kb(size: int) -> str:
    return f"{size / KB:.1f} KB"


def measured_page(open_page):
    page = open_page()
    return page, Transfers(page)


@pytest.mark.parametrize("url", ["/", *(f"/apply/{slug}" for slug in sorted(SCHEMES))])
def test_a_start_page_is_light_and_contacts_no_other_site(open_page, live_server, report, url):
    """The landing question, and each scheme's start page, loaded first."""
    page, transfers = measured_page(open_page)
    page.goto(url)
    requests = transfers.settle()

    elsewhere = [r["url"] for r in requests if not r["url"].startswith(live_server + "/")]
    assert not elsewhere, f"requests to other sites: {elsewhere}"
    sizes = {urlsplit(r["url"]).path: r["bytes"] for r in requests}
    parts = ", ".join(f"{path} {kb(size)}" for path, size in sizes.items())
    report.append(
        f"page weight, first load of {url}: {kb(total(requests))} in all, "
        f"{kb(total(requests, 'Script'))} of it JavaScript ({parts})"
    )
    assert total(requests, "Script") <= FIRST_LOAD_SCRIPT_LIMIT, sizes
    assert total(requests) <= FIRST_LOAD_LIMIT, sizes


def test_static_files_are_compressed_and_cached_for_a_year(open_page):
    page, transfers = measured_page(open_page)
    page.goto("/")
    static = [r for r in transfers.settle() if urlsplit(r["url"]).path.startswith("/static/")]

    assert {r["type"] for r in static} >= {"Stylesheet", "Script"}
    for response in static:
        headers = response["headers"]
        assert headers.get("content-encoding") in {"br", "gzip"}, response["url"]
        assert "immutable" in headers["cache-control"], response["url"]
        max_age = int(headers["cache-control"].split("max-age=")[1].split(",")[0])
        assert max_age >= YEAR, response["url"]
        assert headers["x-content-type-options"] == "nosniff"


def test_a_later_question_page_is_light_with_a_warm_cache(open_page, report):
    """The page a person reaches by answering the one before: its document and
    anything it fetches. The redirect that answers the previous page's form
    is that page's cost, reported beside it."""
    page, transfers = measured_page(open_page)
    user = KeyboardUser(page)
    page.goto("/apply/right-to-ask")
    page.goto("/apply/right-to-ask/immediate-danger")
    user.fill({"danger": "no"})
    user.continue_()
    transfers.settle()

    transfers.start()
    user.fill({"who": "myself"})
    user.continue_()  # a POST, a redirect, then the next question
    requests = transfers.settle()

    assert user.path == "/apply/right-to-ask/area"
    redirects = [r for r in requests if 300 <= r["status"] < 400]
    shown = [r for r in requests if r not in redirects]
    static = [r for r in shown if "/static/" in r["url"] and r["bytes"]]
    assert not static, f"fetched again despite the cache: {static}"
    parts = ", ".join(f"{urlsplit(r['url']).path} {kb(r['bytes'])}" for r in shown)
    report.append(
        f"page weight, a later question page with a warm cache: {kb(total(shown))} "
        f"({parts}); the redirect before it: {kb(total(redirects))}"
    )
    assert total(shown) <= LATER_PAGE_LIMIT
