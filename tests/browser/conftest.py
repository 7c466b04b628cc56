"""Browser fixtures: the real app served on a free loopback port (the test
suite's app, on its database built by the migrations), and Debian's Chromium
driven by Playwright. Nothing here downloads a browser.

Without Chromium (or Playwright) the browser tests skip and say why, except
when CI is "true": there a missing browser fails the run.

Playwright's synchronous API keeps an asyncio event loop running in the thread
that uses it, and Flask cannot close an app context (whose teardown is async)
in a thread with a running loop. So Playwright lives in a thread of its own,
and the body of every test that uses the browser runs there too (see
pytest_pyfunc_call below): fixtures, the suite's clean-up included, stay in
the main thread. So a test body must not open an app context (it reads the
database through `db_session` and takes answers from `journeys`), and a
fixture must not touch a page (open pages in the test body, with open_page)."""

from __future__ import annotations

import inspect
import os
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from portal.journeys.registry import SCHEMES
from portal.models import Role

from ..staff_support import make_staff
from ..test_every_path import steps, walk

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
NARROW = {"width": 320, "height": 640}

REPORT = pytest.StashKey[list]()
AXE_LOG = pytest.StashKey[list]()


def unavailable(reason: str):
    """No browser: a clear skip on a developer's machine, a failure in CI."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the browser tests must run)", pytrace=False)
    pytest.skip(reason)


class QuietHandler(WSGIRequestHandler):
    def log_request(self, code="-", size="-") -> None:
        """Requests are not logged; errors still are."""


@pytest.fixture(scope="session")
def live_server(app):
    """The app on a free port; yields its origin, e.g. http://127.0.0.1:41234."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def journeys(app) -> dict[str, dict[tuple[str, ...], list]]:
    """For each scheme, every path (its page slugs) with the forms to fill in
    on it, found from the definitions as tests/test_every_path.py does."""
    with app.test_request_context():
        return {
            slug: {slugs: steps(scheme, slugs, answers) for slugs, answers in walk(scheme).items()}
            for slug, scheme in SCHEMES.items()
        }


STAFF_NAMES = {
    Role.OFFICER: "Olive Officer",
    Role.SUPERVISOR: "Sue Supervisor",
    Role.ANALYST: "Ann Analyst",
    Role.ADMINISTRATOR: "Ada Administrator",
}


@pytest.fixture
def staff_accounts(app) -> dict:
    """One account for each role, set up (password and authenticator) in the
    database: {Role: Staff}. Each Staff keeps its totp_secret, from which a
    test works out the code its authenticator app would show."""
    return {role: make_staff(app, role, name=name) for role, name in STAFF_NAMES.items()}


class BrowserThread:
    """Chromium, launched and driven from one thread of its own."""

    def __init__(self, executable: str):
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="browser")
        self.playwright = self.chromium = None
        self.run(self._launch, executable)

    def run(self, function, /, *args, **kwargs):
        return self.executor.submit(function, *args, **kwargs).result()

    def _launch(self, executable: str) -> None:
        from playwright.sync_api import sync_playwright

        self.playwright = sync_playwright().start()
        self.chromium = self.playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_FLAGS, headless=True
        )

    def _stop(self) -> None:
        if self.chromium is not None:
            self.chromium.close()
        if self.playwright is not None:
            self.playwright.stop()

    def close(self) -> None:
        self.run(self._stop)
        self.executor.shutdown()


@pytest.fixture(scope="package")
def browser(live_server):
    """One Chromium for the browser tests; each test opens fresh contexts.
    It closes before the server stops and before any other tests run."""
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        unavailable(f"no Chromium at {CHROMIUM}: run `make chromium` (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        unavailable("Playwright for Python is not installed: run `make setup`")
    thread = BrowserThread(CHROMIUM)
    yield thread
    thread.close()


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run the body of a test that uses the browser in the browser's thread."""
    thread = pyfuncitem.funcargs.get("browser")
    if not isinstance(thread, BrowserThread):
        return None
    names = inspect.signature(pyfuncitem.obj).parameters
    thread.run(pyfuncitem.obj, **{name: pyfuncitem.funcargs[name] for name in names})
    return True


@pytest.fixture
def open_page(browser, live_server):
    """open_page(javascript=True, viewport=DESKTOP) -> a page in a fresh
    context (no cookies, empty cache) whose relative URLs go to the server."""
    contexts = []

    def open_(javascript: bool = True, viewport: dict = DESKTOP, **options):
        context = browser.chromium.new_context(
            base_url=live_server, java_script_enabled=javascript, viewport=viewport, **options
        )
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        browser.run(context.close)


@pytest.fixture(scope="session")
def report(request) -> list[str]:
    """Lines for the run's closing summary (page weights, for instance)."""
    return request.config.stash.setdefault(REPORT, [])


@pytest.fixture(scope="session")
def axe_log(request) -> list[dict]:
    """One record per page axe scanned: where, and how many rules it checked."""
    return request.config.stash.setdefault(AXE_LOG, [])


def axe_summary(records: list[dict], verbose: bool) -> list[str]:
    """A line for the public pages and one for the staff pages (under /admin)."""
    lines = []
    groups = {
        "public": [r for r in records if not r["page"].startswith("/admin")],
        "staff": [r for r in records if r["page"].startswith("/admin")],
    }
    for name, group in groups.items():
        if not group:
            continue
        by_count: dict[int, int] = {}
        for record in group:
            by_count[record["rules"]] = by_count.get(record["rules"], 0) + 1
        counts = ", ".join(f"{rules} rules on {pages}" for rules, pages in sorted(by_count.items()))
        known = sum(record["known"] for record in group)
        lines.append(
            f"axe-core {group[0]['version']} ({', '.join(group[0]['tags'])}), {name} pages: "
            f"{len(group)} scanned (error states counted apart); rules checked: {counts}; "
            f"{known} findings of the one known issue (aria-expanded on a revealing radio)"
        )
        if verbose:
            lines += [
                f"  {r['rules']} rules ({r['passes']} passed, {r['incomplete']} need a person, "
                f"{r['inapplicable']} not applicable, {r['violations']} failed) on {r['page']}"
                for r in group
            ]
    return lines


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    lines = list(config.stash.get(REPORT, []))
    records = config.stash.get(AXE_LOG, [])
    if records:
        lines += axe_summary(records, config.option.verbose > 0)
    if lines:
        terminalreporter.section("browser tests")
        for line in lines:
            terminalreporter.write_line(line)
