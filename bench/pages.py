"""Per-page HTTP benchmarks: requests per second and p50/p95/p99 latency of
each page under wrk, against gunicorn with the repository's gunicorn.conf.py
and 2 sync workers on a free loopback port, each page as a ratio to a ceiling
(the page layout with no database work). Figures, not assertions.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test python bench/pages.py

Without BENCH_DATABASE_URL it uses a fresh SQLite file in a temporary folder.
With a PostgreSQL URL it creates a database of its own on that server (its
name starts with portal_bench_) and drops it at the end: the named database is
never touched. In order:

1. the ceiling: bench/ceiling.py, the real app plus one route rendering the
   public layout with no database work, under the same gunicorn settings;
2. the casework queue's first page, and its overdue cases only, signed in as
   a disclosure officer, with BENCH_CASES applications (default 100,000)
   seeded by portal.demo;
3. the statistics dashboard (last 12 months, every scheme), signed in as an
   analyst, after seeding more, up to BENCH_APPLICATIONS (default 1,000,000,
   with the journeys of one online application in six: about 10 million
   journey events); then the yearly return and two versions of Right to Ask
   compared;
4. on that database, the public side: the start page, a question page (GET)
   and its save (POST, which redirects to the next page), for a pool of real
   drafts made over HTTP; and the final submission ("Accept and send"), each
   request consuming one of BENCH_SUBMISSIONS drafts (default 1,000) made
   beforehand over HTTP. The applications stored must equal the redirects.

Every page runs for BENCH_SECONDS (default 10) after a warm-up of 2 seconds,
with the same wrk settings (WRK_THREADS threads, WRK_CONNECTIONS connections);
the submissions stop when their drafts run out (or after 6 times as long).
The server has development settings and trusts one proxy hop, and every
request carries an address of its own (X-Forwarded-For), so the rate limits
are exercised but not tripped. A page with any connection error, timeout, or
response other than the expected status has no valid figure: the run then
ends with exit status 1.

The table is printed, and written into docs/benchmarks.md in this database's
section (the other database's section is left as it is). Only 127.0.0.1 is
contacted.
"""

from __future__ import annotations

import asyncio
import os
import re
import runpy
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402
import pyotp  # noqa: E402
from sqlalchemy import func, select, text, update  # noqa: E402

from bench.common import (  # noqa: E402
    ROOT,
    database_label,
    development_settings,
    machine,
    throwaway_database,
)
from portal import create_app, demo  # noqa: E402
from portal.config import DevelopmentConfig  # noqa: E402
from portal.database import upgrade  # noqa: E402
from portal.demo import people  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import Application, JourneyEvent, Role  # noqa: E402
from tests.live import (  # noqa: E402
    CHECK,
    CONFIRMATION,
    SSL_CONTEXT,
    answers_for,
    client_address,
    csrf_token,
)
from tests.live import gunicorn as serve  # noqa: E402
from tests.staff_support import PASSWORD, make_staff  # noqa: E402
from tests.support import page_url  # noqa: E402

SCRIPT = ROOT / "bench" / "wrk" / "page.lua"
DOC = ROOT / "docs" / "benchmarks.md"
CEILING = "/bench/ceiling"  # bench/ceiling.py
START = "/apply/right-to-ask"
QUESTION = "concern-details"  # halfway through Right to Ask
QUEUE = "/admin/cases"
# The queue as officers use it: each order, and each filter alone (a supervisor's,
# for the officer filter), on the first page.
QUEUE_VIEWS = {
    "sorted by next due (the default)": QUEUE,
    "sorted by risk": f"{QUEUE}?sort=risk",
    "sorted by newest received": f"{QUEUE}?sort=newest",
    "high risk only": f"{QUEUE}?risk=high",
    "one scheme only": f"{QUEUE}?scheme=dvds:right_to_ask",
    "one stage only": f"{QUEUE}?stage=triaged",
    "overdue only": f"{QUEUE}?overdue=1",
    "updates due only": f"{QUEUE}?due_update=1",
    "unassigned only": f"{QUEUE}?unassigned=1",
}
SUPERVISOR_VIEWS = {"one officer's cases (a supervisor's filter)": f"{QUEUE}?officer={{officer}}"}
SEARCH = "/admin/cases/search"
SEARCH_CASES = 300  # portal.demo's cases to work, whose people the searches name
DASHBOARD = "/admin/statistics?period=12-months"  # the summary and Usage
SECTIONS = {
    "Form quality": "/admin/statistics?period=12-months&section=form-quality",
    "Outcomes and timeliness": "/admin/statistics?period=12-months&section=outcomes",
}
YEARLY_RETURN = "/admin/statistics/yearly-return"
COMPARE = "/admin/statistics/compare?scheme=right-to-ask"

# One wrk thread is far more than 2 workers can answer, and leaves the cores to
# them. It is also what lets the submissions share one pool of drafts: a second
# thread that ran out of drafts first would hold connections open without a
# request, and a sync worker that accepts one waits on it until its timeout.
WRK_THREADS = 1
# The share of online applications whose journeys the seed writes (each some 60
# events): about 10 million events at 1,000,000 applications.
JOURNEYS = 1 / 6
# One connection per worker: each worker always has a request waiting (the next
# one is sent as soon as a response arrives), and none waits behind another, so
# the latencies are the pages' own under full load, not the length of a queue.
# With more connections the requests per second stay about the same and every
# latency grows with them (8 connections on 2 workers: about 4 times).
WRK_CONNECTIONS = 2
WRK_TIMEOUT = 30  # seconds: gunicorn's own worker timeout
WARM_UP = 2  # seconds, not counted
QUESTION_DRAFTS = 64  # the question pages take these drafts in turn
MAKERS = 8  # drafts made at once over HTTP before a run
# The targets on a 2-core machine: p95 under this many milliseconds, and
# at least this share of the ceiling's requests per second.
TARGETS = {"public": (50, 0.5), "queue": (50, None), "dashboard": (150, None)}
# The staff pages' p95 targets by database (PostgreSQL is production).
QUEUE_P95 = {"postgresql": 50, "sqlite": 150}
DASHBOARD_P95 = {"postgresql": 50, "sqlite": 150}


# The sizes: `make bench` runs these unless the environment says otherwise.
FULL_SIZES = {
    "BENCH_CASES": 100_000,
    "BENCH_APPLICATIONS": 1_000_000,
    "BENCH_SUBMISSIONS": 1000,
    "BENCH_SECONDS": 10,
}
ONLY = {"queue": "queue and search only", "statistics": "statistics only"}  # BENCH_ONLY
SMALL_RUN = "**A small run, not the issue's sizes: its figures only show that it works.**"


@dataclass
class Settings:
    database: str
    cases: int
    applications: int
    submissions: int
    seconds: float
    only: str = ""  # a key of ONLY: the ceiling and those pages only

    @classmethod
    def from_environment(cls) -> Settings:
        def size(name: str) -> float:
            return float(os.environ.get(name) or FULL_SIZES[name])

        applications = int(size("BENCH_APPLICATIONS"))
        return cls(
            database=os.environ.get("BENCH_DATABASE_URL", ""),
            cases=min(int(size("BENCH_CASES")), applications),
            applications=applications,
            submissions=int(size("BENCH_SUBMISSIONS")),
            seconds=size("BENCH_SECONDS"),
            only=os.environ.get("BENCH_ONLY", ""),
        )

    @property
    def full(self) -> bool:
        """Whether these are the issue's sizes (for what this run measures), or a
        smaller run's."""
        if self.only == "queue":
            return (self.cases, self.seconds) == (
                FULL_SIZES["BENCH_CASES"],
                FULL_SIZES["BENCH_SECONDS"],
            )
        if self.only == "statistics":
            return (self.applications, self.seconds) == (
                FULL_SIZES["BENCH_APPLICATIONS"],
                FULL_SIZES["BENCH_SECONDS"],
            )
        return (
            self.cases,
            self.applications,
            self.submissions,
            self.seconds,
        ) == tuple(FULL_SIZES.values())


@dataclass
class Figures:
    page: str
    kind: str  # a key of TARGETS
    requests: int = 0
    seconds: float = 0.0
    p50: float = 0.0  # milliseconds
    p95: float = 0.0
    p99: float = 0.0
    max: float = 0.0
    socket_errors: int = 0
    unexpected: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    restarts: int = 0  # workers replaced by gunicorn (max_requests) during the run
    note: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return self.socket_errors + self.unexpected

    def ratio(self, ceiling: Figures | None) -> str:
        if ceiling is None or not ceiling.rps:
            return "-"
        return f"{self.rps / ceiling.rps:.2f}"

    def target(self, ceiling: Figures | None) -> str:
        if self.kind not in TARGETS:
            return ""
        p95, share = TARGETS[self.kind]
        wanted, met = [f"p95 < {p95} ms"], self.p95 < p95
        if share:
            wanted.insert(0, f"≥ {share} × ceiling")
            met = met and ceiling is not None and self.rps >= share * ceiling.rps
        return f"{', '.join(wanted)}: {'met' if met else 'missed'}"


# wrk.


def wrk_settings(seconds: float) -> str:
    return (
        f"wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{seconds:g}s --timeout {WRK_TIMEOUT}s "
        f"-s bench/wrk/page.lua"
    )


RESULT = re.compile(r"^BENCH_RESULT (.*)$", re.MULTILINE)


def wrk(
    base_url: str,
    path: str,
    seconds: float,
    *,
    method: str = "GET",
    sessions: list[str] | None = None,
    once: bool = False,
    expect: int = 200,
    location: str = "",
    connections: int = WRK_CONNECTIONS,
    log: Path,
) -> dict:
    """One wrk run; what its done() hook printed, as a dict."""
    folder = Path(tempfile.mkdtemp())
    sessions_file = folder / "sessions.txt"
    if sessions:
        sessions_file.write_text("\n".join(sessions) + "\n")
    env = {
        **os.environ,
        "BENCH_METHOD": method,
        "BENCH_PATH": path,
        "BENCH_SESSIONS": str(sessions_file) if sessions else "",
        "BENCH_ONCE": "1" if once else "0",
        "BENCH_EXPECT": str(expect),
        "BENCH_LOCATION": location,
        "BENCH_THREADS": str(WRK_THREADS),
    }
    command = [
        "wrk",
        f"-t{WRK_THREADS}",
        f"-c{connections}",
        f"-d{seconds:g}s",
        f"--timeout={WRK_TIMEOUT}s",
        "-s",
        str(SCRIPT),
        base_url + path,
    ]
    try:
        output, returncode = run_wrk(command, env, seconds, once, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    with open(log, "a") as out:
        out.write(f"$ {' '.join(command)}  ({method})\n{output}\n")
    found = RESULT.search(output)
    if returncode != 0 or found is None:
        raise RuntimeError(f"wrk failed ({returncode}): {output.strip()[-500:]}")
    result = {}
    for pair in found.group(1).split():
        key, _, value = pair.partition("=")
        result[key] = value
    return result


def run_wrk(command: list[str], env: dict, seconds: float, once: bool, folder: Path):
    """Run wrk; its output and exit status. wrk always runs for its -d: when
    every thread has used up its drafts (once), it is told to stop (SIGINT,
    after which it still prints its results)."""
    output = folder / "wrk.out"
    with open(output, "w") as out:
        process = subprocess.Popen(  # noqa: S603  (wrk, with our own arguments)
            command, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + seconds + WRK_TIMEOUT + 60
        while process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
            if once and output.read_text().count("BENCH_THREAD_DONE") >= WRK_THREADS:
                time.sleep(0.2)  # the threads end
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(2)
                except subprocess.TimeoutExpired:
                    continue  # the signal reached a thread that was ending: again
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)
    return output.read_text(), process.returncode


def measure(
    figures: Figures, base_url: str, path: str, seconds: float, log: Path, **options
) -> Figures:
    """Warm up, then measure one page."""
    if not options.get("once"):
        wrk(base_url, path, WARM_UP, log=log, **options)
    logged = log.stat().st_size
    result = wrk(base_url, path, seconds, log=log, **options)
    with open(log, "rb") as read:
        read.seek(logged)
        served = read.read()
    figures.restarts = served.count(b"Autorestarting worker")
    if killed := served.count(b"WORKER TIMEOUT"):
        figures.problems.append(f"gunicorn killed {killed} workers that timed out")
    figures.requests = int(result["requests"])
    active = int(result["active_us"])
    figures.seconds = (active if options.get("once") else int(result["duration_us"])) / 1e6
    for name in ("p50", "p95", "p99", "max"):
        setattr(figures, name, int(result[f"{name}_us"]) / 1000)
    figures.socket_errors = sum(int(result[k]) for k in ("connect", "read", "write", "timeout"))
    figures.unexpected = int(result["unexpected"])
    figures.statuses = {
        int(status): int(count)
        for status, _, count in (pair.partition(":") for pair in result["statuses"].split(","))
        if status
    }
    print(f"  {line(figures, None)}", flush=True)
    return figures


# Applicants and staff, over HTTP.

COOKIE = DevelopmentConfig.SESSION_COOKIE_NAME  # the settings the server runs with


async def make_draft(base_url: str, number: int, stop_at: str) -> str:
    """A real applicant answers every page before `stop_at` (a question's slug,
    or check-your-answers); the draft's cookie and what a save of that page
    posts (with its CSRF token), as a line for the wrk script."""
    answers = answers_for(number)
    slugs = list(answers)
    headers = {"X-Forwarded-For": client_address(number), "X-Forwarded-Proto": "http"}
    async with httpx.AsyncClient(
        base_url=base_url, headers=headers, timeout=30, verify=SSL_CONTEXT
    ) as client:
        response = await client.get(page_url(slugs[0]))
        if response.status_code != 200:
            raise AssertionError(f"GET {page_url(slugs[0])}: {response.status_code}")
        token = csrf_token(response.text)
        for slug, after in zip(slugs, [*slugs[1:], "check-your-answers"], strict=True):
            if slug == stop_at:
                break
            data = {"csrf_token": token, **answers[slug]}
            response = await client.post(page_url(slug), data=data)
            went = response.headers.get("location")
            if response.status_code not in (302, 303) or went != page_url(after):
                raise AssertionError(f"POST {page_url(slug)}: {response.status_code} to {went}")
        target = page_url(stop_at)
        response = await client.get(target)
        if response.status_code != 200:
            raise AssertionError(f"GET {target}: {response.status_code}")
        cookie = client.cookies.get(COOKIE)
    body = urlencode({"csrf_token": token, **answers.get(stop_at, {})}, doseq=True)
    return f"{COOKIE}={cookie}\t{body}"


def make_drafts(base_url: str, count: int, stop_at: str, first: int) -> list[str]:
    async def all_of_them() -> list[str]:
        limit = asyncio.Semaphore(MAKERS)

        async def one(number: int) -> str:
            async with limit:
                return await make_draft(base_url, number, stop_at)

        work = asyncio.gather(*(one(n) for n in range(first, first + count)))
        return await asyncio.wait_for(work, timeout=600 + count)

    return asyncio.run(all_of_them())


def staff_member(app, role: Role, number: int):
    """An account with a password and an authenticator, made in the database."""
    return make_staff(app, role, email=f"bench{number}.{role.value}@example.police.uk")


def sign_in(base_url: str, staff, number: int, page: str) -> str:
    """Sign in for real (password, then the current code) and check that `page`
    opens; the session cookie, for wrk."""
    headers = {"X-Forwarded-For": f"127.0.2.{number}", "X-Forwarded-Proto": "http"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=30, verify=SSL_CONTEXT) as client:
        token = csrf_token(client.get("/admin/sign-in").text)
        response = client.post(
            "/admin/sign-in",
            data={"csrf_token": token, "email": staff.email, "password": PASSWORD},
        )
        if response.status_code != 302:
            raise AssertionError(f"sign-in: {response.status_code}")
        token = csrf_token(client.get("/admin/sign-in/code").text)
        code = pyotp.TOTP(staff.totp_secret).now()
        response = client.post("/admin/sign-in/code", data={"csrf_token": token, "code": code})
        if response.status_code != 302:
            raise AssertionError(f"sign-in code: {response.status_code}")
        response = client.get(page)
        if response.status_code != 200:
            raise AssertionError(f"GET {page} signed in: {response.status_code}")
        return f"{COOKIE}={client.cookies.get(COOKIE)}"


# The database.


def count(app, model) -> int:
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(model))
        db.session.rollback()
        return total


def open_cases(app) -> int:
    with app.app_context():
        query = select(func.count()).select_from(Application).where(Application.closed_at.is_(None))
        total = db.session.scalar(query)
        db.session.rollback()
        return total


def assign_some(app, officer, every: int) -> None:
    """Give the officer one open case in `every`, as a supervisor would share them out."""
    with app.app_context():
        open_ids = select(Application.id).where(Application.closed_at.is_(None))
        db.session.execute(
            update(Application)
            .where(Application.id.in_(open_ids), Application.id % every == 0)
            .values(assigned_to_id=officer.id)
        )
        db.session.commit()


def seed_up_to(app, total: int) -> tuple[int, float]:
    """Seed synthetic applications (portal.demo) until there are `total`; then
    gather the planner's statistics (VACUUM ANALYZE on PostgreSQL, ANALYZE on
    SQLite), as PostgreSQL's autovacuum would in its own time. Returns how many
    were added and the seconds taken."""
    began = time.perf_counter()
    with app.app_context():
        have = db.session.scalar(select(func.count()).select_from(Application))
        if have >= total:
            db.session.rollback()
            return 0, 0.0
        # demo.seed() avoids its own repeated references, not those already stored.
        taken = set(db.session.scalars(select(Application.reference)))
        original = demo.new_reference

        def fresh() -> str:
            reference = original()
            while reference in taken:
                reference = original()
            return reference

        demo.new_reference = fresh
        try:
            demo.seed(total - have, seed_value=have + 1, journeys=JOURNEYS)
        finally:
            demo.new_reference = original
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as connection:
                connection = connection.execution_options(isolation_level="AUTOCOMMIT")
                connection.execute(text("SET statement_timeout = 0"))
                connection.execute(text("VACUUM ANALYZE"))
                connection.execute(text("RESET statement_timeout"))
        else:
            with db.engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE")
    return total - have, time.perf_counter() - began


# The run.


class Run:
    """One run on one database: the servers, the pages measured, the sizes."""

    def __init__(self, settings: Settings, url: str, log: Path):
        self.settings = settings
        self.seconds = settings.seconds
        self.label = database_label(url)
        self.url = url
        self.log = log
        self.app = create_app()
        with self.app.app_context():
            upgrade(db.engine)
        self.results: list[Figures] = []
        self.sizes: list[str] = []

    def say(self, message: str) -> None:
        print(f"{self.label}: {message}", flush=True)

    def measure(self, figures: Figures, base_url: str, path: str, **options) -> Figures:
        seconds = options.pop("seconds", self.seconds)
        self.results.append(measure(figures, base_url, path, seconds, self.log, **options))
        return figures

    def ceiling(self) -> None:
        with serve(self.url, self.log, workers=2, wsgi="bench.ceiling:app") as server:
            self.say("the ceiling")
            figures = Figures("Ceiling: the page layout, no database", "ceiling")
            self.measure(figures, server.url, CEILING)

    def staff_pages(self, base_url: str) -> None:
        if self.settings.only != "statistics":
            self.queue_pages(base_url)
        if self.settings.only != "queue":
            self.statistics_pages(base_url)

    def queue_pages(self, base_url: str) -> None:
        added, took = seed_up_to(self.app, self.settings.cases)
        opened = open_cases(self.app)
        self.sizes.append(
            f"Seeded {added:,} applications in {took:.0f} s for the queue ({opened:,} open)."
        )
        self.say(self.sizes[-1])
        officer = staff_member(self.app, Role.OFFICER, 1)
        cookie = sign_in(base_url, officer, 1, QUEUE)
        for view, path in QUEUE_VIEWS.items():
            name = f"Case queue, {view}"
            if path == QUEUE:
                name += f" ({self.settings.cases:,} applications, {opened:,} open)"
            self.measure(Figures(name, "queue"), base_url, path, sessions=[cookie])
        supervisor = sign_in(base_url, staff_member(self.app, Role.SUPERVISOR, 3), 3, QUEUE)
        assign_some(self.app, officer, every=4)
        for view, path in SUPERVISOR_VIEWS.items():
            path = path.format(officer=officer.id)
            figures = Figures(f"Case queue, {view}", "queue")
            self.measure(figures, base_url, path, sessions=[supervisor])
        self.search_pages(base_url, cookie)

    def statistics_pages(self, base_url: str) -> None:
        added, took = seed_up_to(self.app, self.settings.applications)
        applications, events = count(self.app, Application), count(self.app, JourneyEvent)
        self.sizes.append(
            f"{'Then seeded' if self.sizes else 'Seeded'} {added:,} applications in {took:.0f} s "
            f"for the dashboard: {applications:,} applications and {events:,} journey events."
        )
        self.say(self.sizes[-1])
        cookie = sign_in(base_url, staff_member(self.app, Role.ANALYST, 2), 2, DASHBOARD)
        name = (
            f"Statistics: summary and Usage, 12 months ({applications:,} applications, "
            f"{events / 1e6:.1f} M events)"
        )
        self.measure(Figures(name, "dashboard"), base_url, DASHBOARD, sessions=[cookie])
        for section, path in SECTIONS.items():
            figures = Figures(f"Statistics: {section}, 12 months", "dashboard")
            self.measure(figures, base_url, path, sessions=[cookie])
        self.measure(
            Figures("Yearly return, last financial year", "dashboard"),
            base_url,
            YEARLY_RETURN,
            sessions=[cookie],
        )
        self.measure(
            Figures("Two versions of Right to Ask compared", "dashboard"),
            base_url,
            COMPARE,
            sessions=[cookie],
        )

    def search_pages(self, base_url: str, cookie: str) -> None:
        """The officer's search, by the people of portal.demo's cases to work:
        a surname (the subject of one, which several share), that surname with
        a date of birth, and a postcode."""
        with self.app.app_context():
            made = demo.seed(0, seed_value=self.settings.cases + 1, journeys=0, cases=SEARCH_CASES)
            subject = people.cast(0).subject
        self.sizes.append(f"Added {made.cases:,} cases to work, for the searches.")
        born = subject.born
        searches = {
            f"a surname ({subject.surname})": {"name": subject.surname},
            "a surname and a date of birth": {
                "name": subject.surname,
                "date_of_birth-day": born.day,
                "date_of_birth-month": born.month,
                "date_of_birth-year": born.year,
            },
            "a postcode": {"postcode": subject.postcode},
        }
        headers = {"X-Forwarded-For": "127.0.2.1", "X-Forwarded-Proto": "http"}
        with httpx.Client(
            base_url=base_url,
            headers=headers,
            cookies=dict([cookie.split("=", 1)]),
            timeout=30,
            verify=SSL_CONTEXT,
        ) as client:
            token = csrf_token(client.get(SEARCH).text)
            for terms in searches.values():
                found = client.post(SEARCH, data={"csrf_token": token, **terms})
                if found.status_code != 200 or "govuk-error-summary" in found.text:
                    raise AssertionError(f"search {terms}: {found.status_code}")
            cookie = f"{COOKIE}={client.cookies.get(COOKIE)}"  # as the search page left it
        for what, terms in searches.items():
            body = urlencode({"csrf_token": token, **terms})
            self.measure(
                Figures(f"Search by {what}", "queue"),
                base_url,
                SEARCH,
                method="POST",
                sessions=[f"{cookie}\t{body}"],
            )

    def public_pages(self, base_url: str) -> None:
        self.say("the public pages, on that database")
        self.measure(Figures("Start page", "public"), base_url, START)

        began = time.perf_counter()
        drafts = make_drafts(base_url, QUESTION_DRAFTS, QUESTION, first=1)
        self.say(f"{len(drafts)} drafts made at {QUESTION} in {time.perf_counter() - began:.0f} s")
        slugs = list(answers_for(0))
        question, next_page = page_url(QUESTION), page_url(slugs[slugs.index(QUESTION) + 1])
        self.measure(Figures("Question page (GET)", "public"), base_url, question, sessions=drafts)
        self.measure(
            Figures("Question page, save (POST, redirects to the next)", "public"),
            base_url,
            question,
            method="POST",
            sessions=drafts,
            expect=302,
            location=next_page,
        )

        began = time.perf_counter()
        drafts = make_drafts(
            base_url, self.settings.submissions, "check-your-answers", first=QUESTION_DRAFTS + 1
        )
        made = time.perf_counter() - began
        self.say(f"{len(drafts)} drafts made at check your answers in {made:.0f} s")
        before = count(self.app, Application)
        sent = self.measure(
            Figures("Final submission (Accept and send)", "public"),
            base_url,
            CHECK,
            seconds=max(60.0, 6 * self.seconds),
            method="POST",
            sessions=drafts,
            once=True,
            expect=303,
            location=CONFIRMATION,
        )
        stored = count(self.app, Application) - before
        redirects = sent.statuses.get(303, 0)
        sent.note = (
            f"{len(drafts):,} drafts made over HTTP beforehand (in {made:.0f} s), one used by "
            f"each request; {redirects:,} redirects to the confirmation, "
            f"{stored:,} applications stored"
        )
        if stored != redirects:
            sent.problems.append(
                f"{stored:,} applications stored for {redirects:,} redirects to the confirmation"
            )

    def everything(self) -> None:
        self.ceiling()
        with serve(self.url, self.log, workers=2) as server:
            self.staff_pages(server.url)
            if not self.settings.only:
                self.public_pages(server.url)
        with self.app.app_context():
            db.engine.dispose()

    def problems(self) -> list[str]:
        problems = []
        for figures in self.results:
            if not figures.requests:
                problems.append(f"{figures.page}: no response")
            if figures.errors:
                problems.append(
                    f"{figures.page}: {figures.errors} errors (statuses {figures.statuses}, "
                    f"{figures.socket_errors} connection errors or timeouts): no valid figure"
                )
            problems += [f"{figures.page}: {problem}" for problem in figures.problems]
        return problems


def main() -> int:
    settings = Settings.from_environment()
    label = database_label(settings.database)
    if settings.only not in ("", *ONLY):
        print(f"BENCH_ONLY is one of {', '.join(ONLY)}, or unset for every page.")
        return 1
    if settings.only:  # a section of its own: the whole run's stays as it was
        label += f", {ONLY[settings.only]}"
    dialect = "postgresql" if settings.database.startswith("postgresql") else "sqlite"
    TARGETS["dashboard"] = (DASHBOARD_P95[dialect], None)
    TARGETS["queue"] = (QUEUE_P95[dialect], None)
    if shutil.which("wrk") is None:
        print("wrk is not installed: `make wrk` installs it (Debian's package).")
        return 1
    began = time.perf_counter()
    described = machine(settings.database)
    with throwaway_database(settings.database, prefix="portal_bench_") as url:
        log = Path(development_settings(url)) / "bench.log"
        print(f"{label}: the servers' and wrk's output go to {log}", flush=True)
        run = Run(settings, url, log)
        run.everything()
    elapsed = time.perf_counter() - began
    print()
    print(table(run.results, label))
    problems = run.problems()
    for problem in problems:
        print(f"PROBLEM: {problem}")
    print(f"\n{label}: the whole run took {elapsed:.0f} s.")
    write_doc(label, described, settings, run.sizes, run.results, problems, elapsed)
    print(f"Written into {DOC.relative_to(ROOT)}.")
    return 1 if problems else 0


# Output.


def line(figures: Figures, ceiling: Figures | None) -> str:
    return (
        f"{figures.page[:60]:60} {figures.rps:8.1f} rps  p50 {figures.p50:7.1f}  "
        f"p95 {figures.p95:7.1f}  p99 {figures.p99:7.1f} ms  "
        f"x{figures.ratio(ceiling):>5}  errors {figures.errors}  restarts {figures.restarts}"
    )


def table(results: list[Figures], label: str) -> str:
    ceiling = results[0]
    header = (
        f"{label + ', 2 sync workers':60} {'rps':>12}  {'p50':>11}  {'p95':>11}  "
        f"{'p99':>11}     {'ceil.':>6}  errors"
    )
    return "\n".join([header, *(line(f, ceiling) for f in results)])


def gunicorn_settings() -> str:
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    return (
        f"gunicorn.conf.py as in production: 2 {config['worker_class']} workers "
        f"(each closes the connection after its response), each replaced after "
        f"{config['max_requests']:,} requests (+ up to {config['max_requests_jitter']} at "
        f"random), timeout {config['timeout']} s; the same for every page, the ceiling included"
    )


def markdown(label, described, settings, sizes, results, problems, elapsed) -> str:
    ceiling = results[0]
    rows = [
        "| Page | Requests/s | p50 ms | p95 ms | p99 ms | × ceiling | Errors | Worker restarts "
        "| Target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for f in results:
        errors = str(f.errors) if not f.problems else f"{f.errors}, {'; '.join(f.problems)}"
        rows.append(
            f"| {f.page} | {f.rps:.1f} | {f.p50:.1f} | {f.p95:.1f} | {f.p99:.1f} | "
            f"{f.ratio(ceiling)} | {errors} | {f.restarts} | {f.target(ceiling)} |"
        )
    notes = [f"- {f.page}: {f.note}." for f in results if f.note]
    machine_rows = [f"- {key}: {value}" for key, value in described.items()]
    out = [
        f"### {label}",
        "",
        *([] if settings.full else [SMALL_RUN, ""]),
        *machine_rows,
        f"- Sizes: {' '.join(sizes)}",
        f"- Load: `{wrk_settings(settings.seconds)}` per page, after a {WARM_UP}-second "
        "warm-up; the submissions until their drafts run out",
        f"- Server: {gunicorn_settings()}",
        f"- The whole run took {elapsed / 60:.1f} minutes.",
        "",
        *rows,
        "",
        *notes,
    ]
    if problems:
        out += ["", "**Not valid figures:**", "", *(f"- {p}" for p in problems)]
    return "\n".join(out).rstrip() + "\n"


DOC_HEAD = """# Benchmarks

Figures, not assertions. `make bench` runs `bench/pages.py` and then `bench/load.py` (200
applicants completing Right to Ask at once, printed only), each on SQLite and then on
PostgreSQL. `bench/pages.py` writes its section below for the database it ran on, replacing
that database's previous one.

## What bench/pages.py measures

One page at a time, with `wrk` (Debian's package) on the loopback interface, against gunicorn
started with the repository's `gunicorn.conf.py` and 2 sync workers on a free port, with
development settings and one trusted proxy hop. Every request carries an `X-Forwarded-For` of
its own, so the rate limits are exercised but never tripped. Any response with another status
than the page's own (200, or the redirect of a save or a submission to the right page), any
connection error and any timeout is counted: a page with one has no valid figure, and the run
ends with exit status 1.

- **Ceiling**: `bench/ceiling.py`, the real app (every request hook, headers, sessions, the rate
  limiter) plus one route that renders the public page layout with no database work; it exists
  only for the benchmark. Every page is given as a ratio of its requests per second to the
  ceiling's.
- **Case queue**: its first page in each order (next due, risk, newest) and with each filter
  alone (high risk, one scheme, one stage, overdue, updates due, unassigned; and one
  officer's cases, a supervisor's filter, with one open case in four assigned to that
  officer), for a disclosure officer signed in over HTTP (password, then a code from the
  authenticator), with `BENCH_CASES` applications (default 100,000) from `portal.demo`.
- **Search**: the officer's search for a case by a person's surname, by surname and date of
  birth, and by postcode (posted with its security token, as the page sends it), among those
  applications and `portal.demo`'s cases to work, whose people the terms name.
- **Statistics**: the dashboard's three sections (Usage, Form quality, Outcomes and
  timeliness, each under the summary; the last 12 months, every form), the yearly
  return for the last financial year, and two versions of Right to Ask compared, for an analyst
  signed in the same way, after seeding more, up to `BENCH_APPLICATIONS` (default 1,000,000,
  with the journeys of one online application in six written: about 10 million journey
  events). After each seeding the planner's statistics are gathered (`VACUUM
  ANALYZE` on PostgreSQL, `ANALYZE` on SQLite), as autovacuum would in its own time.
- **Public pages**, on that database: the Right to Ask start page; a question page halfway
  through the journey, read (GET) and saved (POST, which redirects to the next page), taking
  in turn 64 drafts made by applicants over HTTP; and "Accept and send" on check your answers,
  each request sending one of `BENCH_SUBMISSIONS` drafts (default 1,000) made the same way
  beforehand, its rate taken from the first request to the last response. The applications
  stored afterwards must equal the redirects to the confirmation.

Targets on a 2-core machine: public pages at least 0.5 of the ceiling's requests per second
with p95 under 50 ms; for the queue and search, and for the statistics pages, p95 under 50 ms
on PostgreSQL and under 150 ms on SQLite.

Reading the figures:

- wrk keeps 2 connections open, one per worker, and sends the next request as soon as a
  response arrives: both workers are always busy and no request waits behind another, so a
  latency is the page's own under full load (requests per second × mean latency ≈ 2). More
  connections would not raise the requests per second, only lengthen every latency by the
  queue (with 8, about 4 times).
- wrk runs on the same 2 cores as gunicorn (and PostgreSQL), as loopback requires, with one
  thread: far more than 2 workers can answer. (With more, a thread that has sent all its
  drafts holds connections open without a request, and a sync worker that accepts one waits
  on it until its timeout; in production the proxy in front buffers whole requests.)
- gunicorn replaces each worker after about 20,000 requests (`max_requests`), as in
  production; the new worker loads the app while the other serves alone. The faster the page,
  the more likely it happens during its run ("Worker restarts").
- Each sync worker closes the connection after every response, so every request is a new
  connection, as it would be from a proxy that does not keep connections to gunicorn.
- On SQLite a form posted starts its transaction with `BEGIN IMMEDIATE`, so two workers'
  writes run one at a time, and a worker that finds the lock taken waits in SQLite's busy
  handler, which sleeps in steps of up to 100 ms. A page asked for (GET) reads without a
  lock and takes it only just before a write of its own (portal/database.py). SQLite is for
  development; production is PostgreSQL.
- The staff pages write the session's last activity once a minute (a post: every time), a
  search writes its audit row, and the question page writes its draft's new expiry at most
  every 30 seconds (`drafts.SEEN_EVERY`).
- Each worker freezes the app's own objects once it has loaded it (`post_worker_init` in
  gunicorn.conf.py). Before, every full garbage collection walked some 160,000 of them, about
  90 ms each time, every few hundred requests: on 2026-12-04 the queue's p99 was 95 to 150 ms
  against a p50 of about 20, and with the freeze 27 to 38 ms, on PostgreSQL.
- `BENCH_ONLY=queue` measures the ceiling, the queue and search only (after seeding
  `BENCH_CASES`), into a section of its own ("queue and search only"), and
  `BENCH_ONLY=statistics` the ceiling and the statistics pages only (after seeding
  `BENCH_APPLICATIONS`; "statistics only"): the whole run's section stays as it was, and
  where both are shown the newer figures are those with the later date.

A small run, to see that it works: `BENCH_CASES=2000 BENCH_APPLICATIONS=5000
BENCH_SUBMISSIONS=300 BENCH_SECONDS=3 .venv/bin/python bench/pages.py` (with
`BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test` for PostgreSQL).

## Results
"""


def markers(label: str) -> tuple[str, str]:
    return f"<!-- bench/pages.py {label}: start -->", f"<!-- bench/pages.py {label}: end -->"


def write_doc(label, described, settings, sizes, results, problems, elapsed) -> None:
    """This run's section, in place of the last one for the same label; the
    text above the results as DOC_HEAD says it."""
    section = markdown(label, described, settings, sizes, results, problems, elapsed)
    text_now = DOC.read_text() if DOC.exists() else DOC_HEAD
    head, results_title, rest = DOC_HEAD.partition("## Results\n")
    if results_title in text_now:
        text_now = head + results_title + text_now.partition(results_title)[2]
    for name in ("SQLite", "PostgreSQL", label):
        begin, end = markers(name)
        if begin not in text_now:
            last = markers("PostgreSQL")[1]
            new = f"\n\n{begin}\n### {name}\n\nNot run yet.\n{end}"
            if last in text_now:
                text_now = text_now.replace(last, last + new, 1)
            else:
                text_now = text_now.rstrip() + new + "\n"
    begin, end = markers(label)
    before, _, rest = text_now.partition(begin)
    _, _, after = rest.partition(end)
    DOC.write_text(f"{before}{begin}\n{section}{end}{after}")


if __name__ == "__main__":
    sys.exit(main())
