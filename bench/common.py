"""What the benchmarks share: a throwaway database, the development settings
the server runs with, and a description of the machine the figures came from.
Only 127.0.0.1 is contacted."""

from __future__ import annotations

import os
import platform
import re
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent


def database_label(url: str) -> str:
    return "PostgreSQL" if url.startswith("postgresql") else "SQLite"


@contextmanager
def throwaway_database(url: str, prefix: str = "portal_load_") -> Iterator[str]:
    """A fresh database: a new one on the PostgreSQL server at `url` (named
    `prefix` and a random suffix, dropped at the end: the database the URL
    names is never touched), or else an SQLite file in a temporary folder,
    deleted at the end."""
    if not url.startswith("postgresql"):
        folder = Path(tempfile.mkdtemp())
        try:
            yield "sqlite:///" + str(folder / f"{prefix.strip('_')}.sqlite3")
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    name = prefix + secrets.token_hex(4)
    server = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def development_settings(url: str) -> str:
    """Development settings (production's, less HTTPS and Redis) for this process
    and the servers it starts, on `url`, with a fresh instance folder (so fresh
    keys), which is returned. As in production, one proxy is trusted to say who
    the client is (TRUSTED_PROXY_HOPS=1), so that each simulated client has
    rate limits of its own."""
    instance = tempfile.mkdtemp()
    os.environ.update(
        PORTAL_ENV="development",
        PORTAL_INSTANCE_PATH=instance,
        SECRET_KEY=secrets.token_urlsafe(48),
        DATABASE_URL=url,
        TRUSTED_PROXY_HOPS="1",
    )
    return instance


def first_line(command: list[str]) -> str:
    try:
        done = subprocess.run(  # noqa: S603  (a fixed command of ours)
            command, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return "not found"
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0].strip() if lines else "unknown"


def cpu_model() -> str:
    try:
        info = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown"
    found = re.search(r"^model name\s*:\s*(.+)$", info, re.MULTILINE)
    return found.group(1).strip() if found else "unknown"


def memory() -> str:
    try:
        info = Path("/proc/meminfo").read_text()
    except OSError:
        return "unknown"
    found = re.search(r"^MemTotal:\s*(\d+) kB", info, re.MULTILINE)
    return f"{int(found.group(1)) / 1024 / 1024:.1f} GiB" if found else "unknown"


def server_version(url: str) -> str:
    if not url.startswith("postgresql"):
        return ""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return str(connection.execute(text("SHOW server_version")).scalar())
    finally:
        engine.dispose()


def machine(url: str) -> dict[str, str]:
    """The machine and software the figures come from, load average at the start."""
    load = " ".join(f"{n:.2f}" for n in os.getloadavg())
    import gunicorn

    described = {
        "Date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "CPU": f"{os.cpu_count()} cores (nproc {first_line(['nproc'])}), {cpu_model()}",
        "Memory": memory(),
        "System": f"{platform.system()} {platform.release()}",
        "Load average at the start (1, 5, 15 min)": load,
        "Python": platform.python_version(),
        "gunicorn": gunicorn.__version__,
        "wrk": first_line(["wrk", "-v"]).split(" [")[0].removeprefix("wrk "),
        "SQLite": sqlite3.sqlite_version,
    }
    if url.startswith("postgresql"):
        described["PostgreSQL"] = server_version(url)
    return described
