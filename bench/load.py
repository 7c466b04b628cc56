"""Load test: BENCH_APPLICANTS people (default 200) complete the Right to Ask
journey at once against gunicorn with 2 workers on a free loopback port, each
reading every page for its token, posting its answers and following the
redirect, as a browser does. Then every confirmed reference is looked up:

    BENCH_APPLICANTS=200 BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        python bench/load.py

Without BENCH_DATABASE_URL it uses a fresh SQLite file in a temporary folder.
With a PostgreSQL URL it creates a database of its own on that server (its
name starts with portal_load_) and drops it at the end: the named database
is never touched. It fails (exit 1) if an application is lost, a reference is
given twice, a stored application differs from what was sent, or any
response is a server error; the timings are figures, not pass marks. The run
stops after BENCH_LOAD_SECONDS (default 600). Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


from bench.common import database_label, development_settings, throwaway_database  # noqa: E402
from portal import create_app  # noqa: E402
from portal.database import upgrade  # noqa: E402
from portal.extensions import db  # noqa: E402
from tests.live import answers_for, check_stored, gunicorn, run_crowd, stored_answers  # noqa: E402


def main() -> int:
    applicants = int(os.environ.get("BENCH_APPLICANTS", "200"))
    seconds = float(os.environ.get("BENCH_LOAD_SECONDS", "600"))
    given = os.environ.get("BENCH_DATABASE_URL", "")
    label = database_label(given)
    with throwaway_database(given) as url:
        # Development settings, shared by the server and by this process, which
        # reads what the server stored. One proxy is trusted to say who the client
        # is, so each applicant has their own rate limits (tests/live.py,
        # client_address).
        instance = development_settings(url)
        app = create_app()
        with app.app_context():
            upgrade(db.engine)
        log = Path(instance) / "gunicorn.log"
        with gunicorn(url, log, workers=2) as server:
            first = run_crowd(server.url, 1, first=0, limit=60)
            if first.failures or first.server_errors:
                print(f"{label}: the first applicant failed: {first.outcomes[0].error}; see {log}")
                return 1
            (reference,) = first.references
            reference_answers = stored_answers(app)[reference]
            crowd = run_crowd(server.url, applicants, first=1, limit=seconds)
        stored = stored_answers(app)
        del stored[reference]
        with app.app_context():
            db.engine.dispose()
    problems = check_stored(crowd, stored, reference_answers)
    if reference_answers["your-name"] != answers_for(0)["your-name"]:
        problems.append("the first application does not hold the name that was sent")
    print(f"{label}, 2 gunicorn workers: {crowd.summary()}")
    print(
        f"  {len(crowd.references)} references, {len(set(crowd.references))} unique; "
        f"{len(stored)} applications stored; {crowd.server_errors} server errors; "
        f"{len(crowd.failures)} applicants failed"
    )
    for problem in problems:
        print(f"  PROBLEM: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
