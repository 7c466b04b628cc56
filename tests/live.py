"""The portal under real gunicorn on a free loopback port, and applicants that
go through the Right to Ask journey over HTTP, one at a time or many at once.
Used by tests/test_faults.py, tests/test_load.py and bench/load.py.

Only 127.0.0.1 is ever contacted, and every wait is bounded in time."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import select

from portal.extensions import db
from portal.models import Application

from .support import SELF, page_url

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "gunicorn.conf.py"
START = "/apply/right-to-ask"
CHECK = page_url("check-your-answers")
CONFIRMATION = page_url("confirmation")

CSRF_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
REFERENCE = re.compile(r'class="portal-reference">([^<]+)<')
# One TLS context for every client (none is used on plain HTTP; httpx builds one
# per client otherwise, which costs more than a request).
SSL_CONTEXT = ssl.create_default_context()
logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line for every request


def die_with_parent() -> None:
    """In the child, before gunicorn starts: on Linux, get SIGTERM when the
    process that started it dies, so a test run that is killed (a timeout, ^C
    twice) leaves no server behind holding the database. Linux sends it when
    the *thread* that started the server ends: start servers from a thread
    that outlives them (the main thread, as every caller here does)."""
    if sys.platform != "linux":
        return
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


class ServerError(RuntimeError):
    """gunicorn did not start, or stopped."""


class Gunicorn:
    """gunicorn with the repository's gunicorn.conf.py, on a socket bound here
    to a free loopback port and handed over (so no other process can take the
    port in between). Its output goes to `log`."""

    def __init__(
        self,
        database_url: str,
        log: Path,
        *,
        workers: int = 2,
        wsgi: str = "wsgi:app",
        env: dict[str, str] | None = None,
    ):
        self.database_url = database_url
        self.log = log
        self.workers = workers
        self.wsgi = wsgi
        self.extra_env = env or {}
        self.process: subprocess.Popen | None = None
        self.url = ""

    def start(self, timeout: float = 60) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1024)
        self.url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "GUNICORN_WORKERS": str(self.workers),
            **self.extra_env,
        }
        with open(self.log, "ab") as output:
            self.process = subprocess.Popen(  # noqa: S603  (our own interpreter and arguments)
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "--config",
                    str(CONFIG),
                    "--bind",
                    f"fd://{listener.fileno()}",
                    self.wsgi,
                ],
                cwd=ROOT,
                env=env,
                pass_fds=(listener.fileno(),),
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=die_with_parent,  # noqa: PLW1509  (only prctl: no locks taken)
            )
        listener.close()
        self.wait_until_healthy(timeout)

    def wait_until_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(f"gunicorn stopped: see {self.log}")
            try:
                response = httpx.get(self.url + "/healthz", timeout=2, verify=SSL_CONTEXT)
                if response.status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise ServerError(f"gunicorn did not answer /healthz in {timeout} s: see {self.log}")

    def stop(self, timeout: float = 30) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # graceful: requests in flight finish
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)  # its own session: only what we started
            self.process.wait(10)

    def __enter__(self) -> Gunicorn:
        self.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()


@contextmanager
def gunicorn(database_url: str, log: Path, **options) -> Iterator[Gunicorn]:
    """gunicorn on `database_url`, with the environment of this process (which
    decides PORTAL_ENV, the instance folder and so the keys) and `env`."""
    server = Gunicorn(database_url, log, **options)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def serve(served, log: Path, env: dict[str, str] | None = None, **options):
    """gunicorn with the test suite's settings (PORTAL_ENV=test and its instance
    folder, so the same secret and keys) on `served` (conftest's
    served_database), so that the test reads what the server wrote."""
    settings = {"PORTAL_ENV": "test", "PORTAL_INSTANCE_PATH": served.app.instance_path}
    return gunicorn(served.url, log, env={**settings, **(env or {})}, **options)


def csrf_token(html: str) -> str:
    found = CSRF_TOKEN.search(html)
    if found is None:
        raise AssertionError("no csrf_token on the page")
    return found.group(1)


def reference_on(html: str) -> str | None:
    found = REFERENCE.search(html)
    return found.group(1) if found else None


def answers_for(number: int) -> dict:
    """SELF with a name and details of this applicant's own, so that each stored
    application can be matched with what its applicant sent."""
    return {
        **SELF,
        "your-name": {"full_name": f"Alex Example {number}"},
        "concern-details": {"details": f"He checks my phone.\nApplicant number {number}."},
    }


class HttpApplicant:
    """One person with a browser, over HTTP: cookies kept, redirects followed."""

    def __init__(self, base_url: str, timeout: float = 30):
        self.client = httpx.Client(
            base_url=base_url, timeout=timeout, follow_redirects=True, verify=SSL_CONTEXT
        )
        self.response: httpx.Response | None = None

    def get(self, url: str) -> httpx.Response:
        self.response = self.client.get(url)
        return self.response

    def post(self, url: str, data: dict | None = None, token: str | None = None) -> httpx.Response:
        token = token or csrf_token(self.response.text)
        self.response = self.client.post(url, data={"csrf_token": token, **(data or {})})
        return self.response

    def complete(self, answers: dict) -> httpx.Response:
        """Answer every page in order and arrive at check your answers."""
        self.get(page_url(next(iter(answers))))
        for slug, data in answers.items():
            assert self.response.url.path == page_url(slug), self.response.url
            self.post(page_url(slug), data)
            assert self.response.status_code == 200, f"{slug}: {self.response.status_code}"
        assert self.response.url.path == CHECK
        return self.response

    def close(self) -> None:
        self.client.close()


# The load test: many applicants at once, each timing every request.


@dataclass
class Outcome:
    number: int
    sent: dict
    reference: str | None = None
    error: str | None = None


@dataclass
class LoadResult:
    applicants: int
    seconds: float
    latencies: list[float] = field(default_factory=list)  # seconds, every request
    statuses: dict[int, int] = field(default_factory=dict)
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500)

    @property
    def references(self) -> list[str]:
        return [o.reference for o in self.outcomes if o.reference]

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.reference is None]

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]

    def summary(self) -> str:
        ms = 1000
        return (
            f"{self.applicants} applicants, {self.requests} requests in {self.seconds:.1f} s: "
            f"{self.requests / self.seconds:.0f} requests/s; latency "
            f"p50 {statistics.median(self.latencies) * ms:.0f} ms, "
            f"p95 {self.percentile(0.95) * ms:.0f} ms, p99 {self.percentile(0.99) * ms:.0f} ms, "
            f"max {max(self.latencies) * ms:.0f} ms; "
            f"statuses {dict(sorted(self.statuses.items()))}"
        )


def client_address(number: int) -> str:
    """A loopback address of the applicant's own, as the proxy in front of the
    app would report it (X-Forwarded-For): rate limits count each person apart
    where the server trusts one proxy hop (TRUSTED_PROXY_HOPS=1)."""
    return f"127.1.{number // 256 % 256}.{number % 256}"


class AsyncApplicant:
    """One applicant in the crowd: reads each page for its token, posts the
    answers, follows the redirect, as a browser does. Records every request."""

    def __init__(self, base_url: str, result: LoadResult, timeout: float, number: int):
        self.client = httpx.AsyncClient(
            base_url=base_url,
            timeout=timeout,
            verify=SSL_CONTEXT,
            headers={"X-Forwarded-For": client_address(number), "X-Forwarded-Proto": "http"},
        )
        self.result = result

    async def request(self, method: str, url: str, **kwargs) -> httpx.Response:
        start = time.perf_counter()
        response = await self.client.request(method, url, **kwargs)
        self.result.latencies.append(time.perf_counter() - start)
        statuses = self.result.statuses
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        return response

    async def page(self, url: str) -> httpx.Response:
        response = await self.request("GET", url)
        if response.status_code != 200:
            raise AssertionError(f"GET {url}: {response.status_code}")
        return response

    async def submit(self, url: str, data: dict, html: str, expect: str) -> httpx.Response:
        response = await self.request("POST", url, data={"csrf_token": csrf_token(html), **data})
        if response.status_code not in (302, 303) or response.headers["location"] != expect:
            raise AssertionError(f"POST {url}: {response.status_code}, expected to go to {expect}")
        return await self.page(expect)

    async def apply(self, answers: dict) -> str:
        await self.page(START)
        await self.page(START + "/before-you-start")
        slugs = list(answers)
        response = await self.page(page_url(slugs[0]))
        for slug, after in zip(slugs, [*slugs[1:], "check-your-answers"], strict=True):
            url, html = page_url(slug), response.text
            response = await self.submit(url, answers[slug], html, page_url(after))
        response = await self.submit(CHECK, {}, response.text, CONFIRMATION)
        reference = reference_on(response.text)
        if reference is None:
            raise AssertionError("no reference on the confirmation page")
        return reference

    async def close(self) -> None:
        await self.client.aclose()


async def crowd(base_url: str, applicants: int, *, first: int, deadline: float) -> LoadResult:
    result = LoadResult(applicants=applicants, seconds=0.0)
    timeout = max(5.0, deadline - time.monotonic())
    numbers = range(first, first + applicants)
    people = [AsyncApplicant(base_url, result, timeout, number) for number in numbers]
    start = asyncio.Event()

    async def one(person: AsyncApplicant, number: int) -> None:
        outcome = Outcome(number, answers_for(number))
        result.outcomes.append(outcome)
        await start.wait()
        try:
            outcome.reference = await person.apply(outcome.sent)
        except (AssertionError, httpx.HTTPError) as error:
            outcome.error = f"{type(error).__name__}: {error}"
        finally:
            await person.close()

    tasks = [asyncio.create_task(one(p, n)) for p, n in zip(people, numbers, strict=True)]
    await asyncio.sleep(0)
    began = time.perf_counter()
    start.set()  # everyone starts together
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=max(1.0, deadline - time.monotonic()))
    result.seconds = time.perf_counter() - began
    return result


def run_crowd(base_url: str, applicants: int, *, first: int = 1, limit: float = 600) -> LoadResult:
    """`applicants` people apply at once; everything stops after `limit` seconds."""
    return asyncio.run(crowd(base_url, applicants, first=first, deadline=time.monotonic() + limit))


def stored_answers(app) -> dict[str, dict]:
    """Every stored application's answers, by reference, read by `app`."""
    with app.app_context():
        rows = db.session.scalars(select(Application)).all()
        answers = {row.reference: row.answers for row in rows}
        db.session.rollback()
        return answers


def check_stored(result: LoadResult, stored: dict[str, dict], reference_answers: dict) -> list[str]:
    """What is wrong with the stored applications, given every reference the
    applicants were shown and each stored application's answers by reference.
    `reference_answers` is one application stored from answers_for(0): the
    others must equal it but for their own name and details."""
    problems = []
    references = result.references
    if result.failures:
        problems += [f"applicant {o.number} failed: {o.error}" for o in result.failures[:5]]
    if len(set(references)) != len(references):
        problems.append("the same reference was given twice")
    missing = set(references) - set(stored)
    if missing:
        problems.append(f"{len(missing)} confirmed applications are not stored")
    extra = set(stored) - set(references)
    if extra:
        problems.append(f"{len(extra)} stored applications were never confirmed")
    for outcome in result.outcomes:
        answers = stored.get(outcome.reference)
        if answers is None:
            continue
        expected = {
            **reference_answers,
            "your-name": outcome.sent["your-name"],
            "concern-details": outcome.sent["concern-details"],
        }
        if answers != expected:
            problems.append(f"applicant {outcome.number}: the application differs from the answers")
    if result.server_errors:
        problems.append(f"{result.server_errors} responses were server errors")
    return problems
