"""Benchmark: the statistics dashboard (12 months) and the casework queue's
first page, on a seeded database. Figures, not assertions.

    BENCH_APPLICATIONS=1000000 BENCH_DATABASE_URL=... python bench/dashboard_and_queue.py

Without BENCH_DATABASE_URL it uses a fresh SQLite file in a temporary folder.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal import create_app  # noqa: E402
from portal.database import downgrade, upgrade  # noqa: E402
from portal.extensions import db  # noqa: E402

RUNS = 30


def timed(function, runs: int = RUNS) -> dict[str, float]:
    function()  # warm the caches once
    samples = []
    for _run in range(runs):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {"p50": statistics.median(samples), "p95": samples[int(0.95 * (len(samples) - 1))]}


def main() -> None:
    size = int(os.environ.get("BENCH_APPLICATIONS", "100000"))
    url = os.environ.get("BENCH_DATABASE_URL") or "sqlite:///" + str(
        Path(tempfile.mkdtemp()) / "bench.sqlite3"
    )
    app = create_app({"PORTAL_ENV": "test", "DATABASE_URL": url})
    with app.app_context():
        downgrade(db.engine, "base")
        upgrade(db.engine)
        from portal.demo import seed

        start = time.perf_counter()
        made, events = seed(size)
        seeded = time.perf_counter() - start
    print(f"{db_name(url)}: seeded {made:,} applications and {events:,} events in {seeded:.1f} s")
    from portal.admin import casework
    from portal.admin.dashboard import all_tables, chosen_period

    with app.test_request_context("/admin/statistics?period=12m"):
        period, _kind, _error = chosen_period()
        report("dashboard, 12 months, all schemes", timed(lambda: all_tables(period)))
        db.session.rollback()
    with app.test_request_context("/admin/cases"):
        report("casework queue, first page", timed(lambda: casework.queue(page=1)))
        report("casework queue, overdue only", timed(lambda: casework.queue(overdue=True)))


def db_name(url: str) -> str:
    return "PostgreSQL" if url.startswith("postgresql") else "SQLite"


def report(name: str, figures: dict[str, float]) -> None:
    print(f"  {name:40} p50 {figures['p50']:7.1f} ms   p95 {figures['p95']:7.1f} ms")


if __name__ == "__main__":
    main()
