"""The public pages as a proxy in front would send them: 16 connections to 2
sync workers (the portal's gunicorn.conf.py), each page's requests per second
and latency beside a bare Flask app (bench/bare.py) serving the same bytes
from memory under the same settings. Then where a request's time goes, from a
profile of the app in this process. Figures, not assertions.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test python bench/public.py

Without BENCH_DATABASE_URL it uses a fresh SQLite file; with a PostgreSQL URL
a database of its own on that server (dropped at the end). The pages: the home
page, a start page, an information page and a question page (GET, each request
with one of a pool of real drafts made over HTTP). Targets: the home page at
least 0.5 of the bare app, question pages at least 0.35.

The profile runs each page PROFILE_REQUESTS times through the app's test
client under cProfile and reports the time inside the parts of a request
(inclusive: a CSRF token made while a template renders counts in both). The
table is printed and written into docs/benchmarks.md, in this database's
public-pages section. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import cProfile
import json
import os
import pstats
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402
from sqlalchemy import event  # noqa: E402

from bench.common import (  # noqa: E402
    ROOT,
    database_label,
    development_settings,
    machine,
    throwaway_database,
)
from bench.pages import Figures, make_drafts, measure  # noqa: E402
from portal import create_app  # noqa: E402
from portal.database import upgrade  # noqa: E402
from portal.extensions import db  # noqa: E402
from tests.live import SSL_CONTEXT, answers_for, client_address  # noqa: E402
from tests.live import gunicorn as serve  # noqa: E402
from tests.support import page_url  # noqa: E402

DOC = ROOT / "docs" / "benchmarks.md"
CONNECTIONS = 16  # a proxy's connections to 2 workers
SECONDS = float(os.environ.get("BENCH_SECONDS") or 10)
PROFILE_REQUESTS = 300
QUESTION = "concern-details"
DRAFTS = 64
# (name, path, kind): kind is a key of TARGETS.
PAGES = [
    ("Home page", "/", "home"),
    ("Start page (Right to Ask)", "/apply/right-to-ask", "page"),
    ("Information page (staying safe online)", "/safety", "page"),
    ("Question page (GET, with a draft)", page_url(QUESTION), "question"),
]
TARGETS = {"home": 0.5, "question": 0.35}


@dataclass
class Row:
    name: str
    kind: str
    portal: Figures
    bare: Figures

    @property
    def share(self) -> float:
        return self.portal.rps / self.bare.rps if self.bare.rps else 0.0

    def target(self) -> str:
        wanted = TARGETS.get(self.kind)
        if wanted is None:
            return ""
        return f"≥ {wanted} × bare: {'met' if self.share >= wanted else 'missed'}"


def capture(base_url: str, path: str, cookie: str | None) -> str:
    headers = {"X-Forwarded-For": client_address(0), "X-Forwarded-Proto": "http"}
    if cookie:
        headers["Cookie"] = cookie
    response = httpx.get(base_url + path, headers=headers, timeout=30, verify=SSL_CONTEXT)
    response.raise_for_status()
    return response.text


def measure_pages(url: str, log: Path) -> list[Row]:
    captured: dict[str, str] = {}
    portal: dict[str, Figures] = {}
    with serve(url, log, workers=2) as server:
        drafts = make_drafts(server.url, DRAFTS, QUESTION, first=1)
        cookie = drafts[0].split("\t")[0]
        for name, path, kind in PAGES:
            sessions = drafts if path == page_url(QUESTION) else None
            captured[path] = capture(server.url, path, cookie if sessions else None)
            print(f"{name}: the portal", flush=True)
            portal[path] = measure(
                Figures(name, kind),
                server.url,
                path,
                SECONDS,
                log,
                sessions=sessions,
                connections=CONNECTIONS,
            )
    pages_file = Path(tempfile.mkdtemp()) / "pages.json"
    pages_file.write_text(json.dumps(captured))
    rows = []
    with serve(
        url, log, workers=2, wsgi="bench.bare:app", env={"BARE_PAGES": str(pages_file)}
    ) as bare:
        for name, path, kind in PAGES:
            print(f"{name}: the bare app, the same bytes", flush=True)
            figures = measure(
                Figures(name, kind), bare.url, path, SECONDS, log, connections=CONNECTIONS
            )
            rows.append(Row(name, kind, portal[path], figures))
    return rows


# Where the time goes.

# (part, module path ending, function name): inclusive time in these functions.
PARTS = [
    ("Whole request (Flask.wsgi_app)", "flask/app.py", "wsgi_app"),
    ("Request hooks (request log, security headers)", "portal/request_log.py", "start"),
    ("Request hooks (request log, security headers)", "portal/request_log.py", "finish"),
    ("Request hooks (request log, security headers)", "portal/security.py", "set_security_headers"),
    ("Session (open and save the cookie)", "flask/sessions.py", "open_session"),
    ("Session (open and save the cookie)", "flask/sessions.py", "save_session"),
    ("CSRF (check, make a token)", "flask_wtf/csrf.py", "protect"),
    ("CSRF (check, make a token)", "flask_wtf/csrf.py", "generate_csrf"),
    ("Rate limiter", "flask_limiter/_extension.py", "_check_request_limit"),
    ("Templates (rendering)", "flask/templating.py", "_render"),
    ("Page cache (portal/page_cache.py)", "portal/page_cache.py", "render_lazily"),
]


def inclusive(stats: pstats.Stats, ending: str, name: str) -> float:
    return sum(
        cumulative
        for (file, _line, function), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items()
        if file.endswith(ending) and function == name
    )


def profile(url: str) -> dict[str, dict[str, float]]:
    """{page: {part: milliseconds per request}}, in this process."""
    app = create_app({"TESTING": False})
    with app.app_context():
        upgrade(db.engine)
        engine = db.engine
    spent = {"database": 0.0}

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["began"] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        spent["database"] += time.perf_counter() - conn.info.pop("began", time.perf_counter())

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    client = app.test_client()
    headers = {"X-Forwarded-For": client_address(1)}
    answers = answers_for(1)
    first = page_url(next(iter(answers)))
    token = client.get(first, headers=headers).get_data(as_text=True)
    token = token.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    for slug, data in answers.items():
        if slug == QUESTION:
            break
        client.post(page_url(slug), data={"csrf_token": token, **data}, headers=headers)
    found = {}
    for name, path, _kind in PAGES:
        for _ in range(20):
            client.get(path, headers=headers)
        spent["database"] = 0.0
        profiler = cProfile.Profile()
        began = time.perf_counter()
        profiler.enable()
        for _ in range(PROFILE_REQUESTS):
            client.get(path, headers=headers)
        profiler.disable()
        wall = time.perf_counter() - began
        stats = pstats.Stats(profiler)
        parts: dict[str, float] = {}
        for part, ending, function in PARTS:
            parts[part] = parts.get(part, 0.0) + inclusive(stats, ending, function)
        parts["Database (statements)"] = spent["database"]
        found[name] = {part: seconds / PROFILE_REQUESTS * 1000 for part, seconds in parts.items()}
        found[name]["Wall time under the profiler"] = wall / PROFILE_REQUESTS * 1000
    event.remove(engine, "before_cursor_execute", before)
    event.remove(engine, "after_cursor_execute", after)
    return found


# Output.


def markdown(label: str, described: dict, rows: list[Row], parts: dict, elapsed: float) -> str:
    lines = [
        f"### {label}",
        "",
        f"{CONNECTIONS} connections (wrk, one thread) to 2 sync workers, {SECONDS:g} s a page "
        "after a warm-up; the bare app serves the bytes the portal sent for the same path. "
        f"The whole run took {elapsed:.0f} s.",
        "",
        "| Machine | |",
        "|---|---|",
        *(f"| {key} | {value} |" for key, value in described.items()),
        "",
        "| Page | Portal requests/s | p50 ms | p95 ms | Bare requests/s | × bare | Target |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row.name} | {row.portal.rps:.0f} | {row.portal.p50:.1f} | {row.portal.p95:.1f} "
            f"| {row.bare.rps:.0f} | {row.share:.2f} | {row.target()} |"
        )
    names = list(parts)
    lines += [
        "",
        f"Where a request's time goes (ms per request, inclusive, {PROFILE_REQUESTS} requests "
        "a page through the test client under cProfile, which slows everything by about "
        "half as much again):",
        "",
        "| Part | " + " | ".join(names) + " |",
        "|---|" + "---:|" * len(names),
    ]
    for part in dict.fromkeys([part for page in parts.values() for part in page]):
        cells = " | ".join(f"{parts[name].get(part, 0.0):.2f}" for name in names)
        lines.append(f"| {part} | {cells} |")
    return "\n".join(lines) + "\n"


def markers(label: str) -> tuple[str, str]:
    return f"<!-- bench/public.py {label}: start -->", f"<!-- bench/public.py {label}: end -->"


def write_doc(label: str, section: str) -> None:
    text_now = DOC.read_text()
    heading = "## Public pages behind a proxy (bench/public.py)"
    if heading not in text_now:
        text_now = text_now.rstrip() + f"\n\n{heading}\n"
    for name in ("SQLite", "PostgreSQL"):
        begin, end = markers(name)
        if begin not in text_now:
            text_now = text_now.rstrip() + f"\n\n{begin}\n### {name}\n\nNot run yet.\n{end}\n"
    begin, end = markers(label)
    before, _, rest = text_now.partition(begin)
    _, _, after = rest.partition(end)
    DOC.write_text(f"{before}{begin}\n{section}{end}{after}")


def main() -> int:
    database = os.environ.get("BENCH_DATABASE_URL", "")
    label = database_label(database)
    began = time.perf_counter()
    described = machine(database)
    with throwaway_database(database, prefix="portal_public_") as url:
        log = Path(development_settings(url)) / "bench.log"
        print(f"{label}: the servers' and wrk's output go to {log}", flush=True)
        app = create_app()
        with app.app_context():
            upgrade(db.engine)
            db.engine.dispose()
        rows = measure_pages(url, log)
        parts = profile(url)
    elapsed = time.perf_counter() - began
    section = markdown(label, described, rows, parts, elapsed)
    print()
    print(section)
    write_doc(label, section)
    problems = [f"{row.name}: {row.portal.errors} errors" for row in rows if row.portal.errors]
    for problem in problems:
        print(f"PROBLEM: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
